/**
 * Configure HA, on the wizard frame, with XenCenter's pages: Heartbeat SR (each shared SR checked live)
 * → HA plan (restart priority, start order and delay per VM, agility in the background, the failures the
 * pool can tolerate recomputed as priorities change) → Summary. Nothing is sent before Finish; the
 * finished choice is turned into calls by ha-actions.ts (ha-steps.ts says which, in which order).
 */
import type { MirrorState } from '../../store';
import { useBridge } from '../../bridge-context';
import { Wizard, type WizardPage } from '../../components/Wizard';
import { HaPlanEditor } from './HaPlanEditor';
import { changedSettings, initialPlan, planWarnings, priorityCounts, protectableVms, vmCount, type PlanRow, type VmSettings } from './ha-plan-model';
import { planNtol, validatePlan } from './plan-validation';
import { heartbeatSrCandidates, previousHeartbeatSr } from './ha-status';
import { HeartbeatSrPage, statefileCheck, statefileCheckKey } from './HeartbeatSrPage';
import { usePlanHelpers } from './use-plan-helpers';

export interface HaWizardState {
  sr: string;
  rows: PlanRow[];
  /** Failures to tolerate as typed; null: the maximum the pool can take (followed until the user types). */
  ntolText: string | null;
}

/** What Finish hands back: the calls to make follow from it (ha-steps.ts enableHaSteps). */
export interface HaEnableChoice {
  sr: string;
  changed: VmSettings[];
  ntol: number;
}

export interface HaWizardProps {
  connectionId: string;
  poolName: string;
  state: MirrorState;
  onDone: (choice: HaEnableChoice | undefined) => void;
}

export function HaWizard({ connectionId, poolName, state, onDone }: HaWizardProps) {
  const bridge = useBridge();
  const helpers = usePlanHelpers(connectionId);
  const mirror = state.mirrors[connectionId];
  const srs = mirror ? heartbeatSrCandidates(mirror) : [];
  const srName = (ref: string) => srs.find(([r]) => r === ref)?.[1].name_label ?? ref;
  const pool = mirror?.objects.pool?.values().next().value;
  const preferred = mirror ? previousHeartbeatSr(mirror, srs) : undefined;
  const initial: HaWizardState = {
    sr: preferred ?? (pool && srs.some(([r]) => r === pool.default_SR) ? pool.default_SR : (srs[0]?.[0] ?? '')),
    // XenCenter's wizard protects every VM by default when none has a priority yet.
    rows: mirror ? initialPlan(protectableVms(mirror), true) : [],
    ntolText: null,
  };
  const agilityOf = (ref: string) => helpers.agility.get(ref);

  const pages: WizardPage<HaWizardState>[] = [
    {
      id: 'heartbeat',
      title: 'Heartbeat SR',
      description: 'The shared storage where every server writes its heartbeat (the HA statefile). Choose one that every server reaches over a reliable path.',
      validate: async (s, checks) => {
        if (srs.length === 0) return { page: 'HA needs a shared SR for its heartbeat: add one (NFS, iSCSI or Fibre Channel) first.' };
        if (!srs.some(([r]) => r === s.sr)) return { sr: 'Choose a heartbeat SR.' };
        const check = await checks.run(statefileCheckKey(s.sr), statefileCheck(bridge, connectionId, s.sr));
        return check.status === 'done' ? {} : { sr: `${srName(s.sr)} cannot hold the heartbeat: choose another SR.` };
      },
      render: ({ state: s, update, errors, fieldId }) => (
        <HeartbeatSrPage bridge={bridge} connectionId={connectionId} srs={srs} value={s.sr} onChange={(sr) => update({ sr })} error={errors.sr} fieldId={fieldId} />
      ),
    },
    {
      id: 'plan',
      title: 'HA plan',
      description: 'The restart priority, start order and delay of each VM, and how many server failures the pool must tolerate.',
      validate: (s) => validatePlan(s.rows, s.ntolText, helpers),
      render: ({ state: s, update, errors, fieldId }) => (
        <HaPlanEditor
          connectionId={connectionId}
          rows={s.rows}
          onRowChange={(ref, patch) => update((cur) => ({ rows: cur.rows.map((r) => (r.ref === ref ? { ...r, ...patch } : r)) }))}
          ntolText={s.ntolText}
          onNtolText={(ntolText) => update({ ntolText })}
          agility={helpers.agility}
          capacity={helpers.capacity}
          errors={errors}
          fieldId={fieldId}
        />
      ),
    },
  ];

  return (
    <Wizard<HaWizardState>
      title={`Configure HA on ${poolName}`}
      pages={pages}
      initial={initial}
      finishLabel="Finish"
      onCancel={() => onDone(undefined)}
      onFinish={(s) => {
        const ntol = planNtol(s.ntolText, helpers);
        if (ntol === undefined) return onDone(undefined);
        onDone({ sr: s.sr, changed: changedSettings(s.rows, mirror?.objects.VM, agilityOf), ntol });
      }}
      summary={(s) => {
        const counts = priorityCounts(s.rows, agilityOf);
        return [
          { label: 'Heartbeat SR', value: srName(s.sr) },
          { label: 'Failures tolerated', value: String(planNtol(s.ntolText, helpers) ?? '—') },
          { label: 'Restart', value: vmCount(counts.restart) },
          { label: 'Restart if possible', value: vmCount(counts.bestEffort) },
          { label: 'Do not restart', value: vmCount(counts.doNotRestart) },
        ];
      }}
      summaryExtra={({ state: s }) => {
        const warnings = planWarnings(priorityCounts(s.rows, agilityOf), planNtol(s.ntolText, helpers) ?? 0);
        return (
          <>
            {warnings.map((w) => (
              <p key={w} className="ha-warning" role="note">
                {w}
              </p>
            ))}
            <p className="muted">
              Finish sets the restart priorities that changed, then the number of failures to tolerate, then turns HA on for {poolName}; the pool takes a few seconds per server,
              shown in the task panel.
            </p>
          </>
        );
      }}
    />
  );
}
