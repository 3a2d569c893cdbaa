/**
 * Editing the HA plan while HA is on (XenCenter's EditVmHaPrioritiesDialog): the plan page in a dialog,
 * starting from the VMs' current priorities and the pool's failures to tolerate. OK checks the plan as
 * the wizard's Next does, asks before a plan that tolerates no failure, and hands back what changed;
 * ha-actions.ts sends it in the order that keeps the pool's failover plan valid at every step.
 */
import { useId, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { ConfirmDialog } from '../../actions/dialogs/ConfirmDialog';
import type { PageErrors } from '../../components/Wizard';
import type { MirrorState } from '../../store';
import { HaPlanEditor } from './HaPlanEditor';
import { changedSettings, initialPlan, poolOf, protectableVms, type PlanRow, type VmSettings } from './ha-plan-model';
import { planNtol, validatePlan } from './plan-validation';
import { usePlanHelpers } from './use-plan-helpers';

export interface HaEditChoice {
  changed: VmSettings[];
  ntol: number;
}

export interface EditHaPrioritiesDialogProps {
  connectionId: string;
  poolName: string;
  state: MirrorState;
  onDone: (choice: HaEditChoice | undefined) => void;
}

export function EditHaPrioritiesDialog({ connectionId, poolName, state, onDone }: EditHaPrioritiesDialogProps) {
  const id = useId();
  const helpers = usePlanHelpers(connectionId);
  const mirror = state.mirrors[connectionId];
  const pool = poolOf(mirror)?.[1];
  const [rows, setRows] = useState<PlanRow[]>(() => (mirror ? initialPlan(protectableVms(mirror), false) : []));
  const [ntolText, setNtolText] = useState<string | null>(() => String(pool?.ha_host_failures_to_tolerate ?? 0));
  const [errors, setErrors] = useState<PageErrors>({});
  const [busy, setBusy] = useState(false);
  const [askZero, setAskZero] = useState<HaEditChoice>();

  const choice = (): HaEditChoice | undefined => {
    const ntol = planNtol(ntolText, helpers);
    if (ntol === undefined) return undefined;
    return { changed: changedSettings(rows, mirror?.objects.VM, (ref) => helpers.agility.get(ref)), ntol };
  };

  const save = async () => {
    if (busy) return;
    setBusy(true);
    const found = await validatePlan(rows, ntolText, helpers).finally(() => setBusy(false));
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    const c = choice();
    if (!c) return;
    // Nothing to send: close as XenCenter does.
    if (c.changed.length === 0 && c.ntol === pool?.ha_host_failures_to_tolerate) return onDone(undefined);
    if (c.ntol === 0) setAskZero(c);
    else onDone(c);
  };

  return (
    <Dialog
      title={`Edit HA restart priorities of ${poolName}`}
      width="wizard"
      onClose={() => onDone(undefined)}
      footer={
        <>
          <button type="button" className="button" onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button type="submit" form={`${id}-form`} className="button button-primary" disabled={busy} aria-busy={busy || undefined}>
            {busy ? 'Checking…' : 'OK'}
          </button>
        </>
      }
    >
      <form
        id={`${id}-form`}
        className="wizard-page ha-edit"
        aria-label="HA plan"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <p className="muted">HA is on for {poolName}. Changes apply at once: VMs losing protection first, then the failures to tolerate, then VMs gaining protection.</p>
        <HaPlanEditor
          connectionId={connectionId}
          rows={rows}
          onRowChange={(ref, patch) => setRows((cur) => cur.map((r) => (r.ref === ref ? { ...r, ...patch } : r)))}
          ntolText={ntolText}
          onNtolText={(text) => {
            setNtolText(text);
            setErrors((e) => ({ ...e, ntolText: undefined }));
          }}
          agility={helpers.agility}
          capacity={helpers.capacity}
          errors={errors}
          fieldId={(name) => `${id}-${name}`}
        />
        {errors.page && (
          <p className="field-error" role="alert">
            {errors.page}
          </p>
        )}
      </form>
      {askZero && (
        <ConfirmDialog
          title="Tolerate no server failure?"
          message="Under this HA configuration the failover tolerance of the pool would be 0 (zero): HA may not be able to restart your VMs when a server fails. Apply this configuration anyway?"
          confirmLabel="Apply anyway"
          danger
          onAnswer={(ok) => (ok ? onDone(askZero) : setAskZero(undefined))}
        />
      )}
    </Dialog>
  );
}
