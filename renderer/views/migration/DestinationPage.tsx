/**
 * The wizard's Destination page (XenCenter's "Select the destination pool or standalone server"): every
 * connected pool's hosts, and every standalone server as itself, with their free memory, each checked live
 * as soon as it shows (the server's own verdict: migrate_receive + assert_can_migrate, or a live
 * migration's boot check within the pool). A host that cannot take the VMs says why, in words with
 * XAPI's code, and cannot be chosen.
 */
import { useBridge } from '../../bridge-context';
import { useWizardCheck, type CheckState, type WizardChecks, type WizardPageProps } from '../../components/Wizard';
import { useConnections, useMirror, useMirrorStoreApi } from '../../store';
import { standaloneHost } from '../../store/object-labels';
import { formatBytes } from '../tabs/format';
import { canAllMigrateTo, type Refusal, type XapiCaller } from './host-checks';
import { withDestination, type Destination, type MigrationState, type Mirrors } from './migration-model';

/** The check of `target` for this wizard's VMs and mode: one key per question, asked once per wizard. */
export const destinationCheckKey = (s: Pick<MigrationState, 'mode' | 'source' | 'vms'>, target: Destination) => `destination|${s.mode}|${s.source}|${s.vms.join(',')}|${target.connectionId}|${target.host}`;

export function checkDestination(bridge: XapiCaller, getMirrors: () => Mirrors, s: Pick<MigrationState, 'mode' | 'source' | 'vms'>, target: Destination) {
  return (signal: AbortSignal) => canAllMigrateTo(bridge, getMirrors(), s.mode, s.source, s.vms, target, signal);
}

/** The Destination page's Next: a live host whose check passed (waiting for it if it still runs). */
export async function destinationVerdict(bridge: XapiCaller, getMirrors: () => Mirrors, s: MigrationState, checks: WizardChecks): Promise<string | undefined> {
  if (!s.target) return undefined;
  const check = await checks.run(destinationCheckKey(s, s.target), checkDestination(bridge, getMirrors, s, s.target));
  if (check.status !== 'done') return 'Could not check this server: try again.';
  const refusal = check.value as Refusal | undefined;
  return refusal ? `${refusal.reason}${refusal.code ? ` (${refusal.code})` : ''}` : undefined;
}

function HostVerdict({ id, check, several }: { id: string; check: CheckState<Refusal | undefined> | undefined; several: boolean }) {
  if (!check || check.status === 'checking') {
    return (
      <span id={id} className="wizard-check is-checking">
        Checking…
      </span>
    );
  }
  if (check.status === 'failed') {
    return (
      <span id={id} className="wizard-check is-failed">
        Could not check this server.
      </span>
    );
  }
  const refusal = check.value;
  if (!refusal) {
    return (
      <span id={id} className="wizard-check is-ok">
        Can take {several ? 'the VMs' : 'the VM'}
      </span>
    );
  }
  return (
    <span id={id} className={`wizard-check ${refusal.current ? 'is-current' : 'is-failed'}`} title={refusal.advice}>
      {refusal.reason}
      {refusal.code && <span className="error-code"> {refusal.code}</span>}
    </span>
  );
}

function HostOption({ name, state, update, target, label, free, fieldId }: { name: string; state: MigrationState; update: WizardPageProps<MigrationState>['update']; target: Destination; label: string; free?: number; fieldId: (n: string) => string }) {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  const check = useWizardCheck(destinationCheckKey(state, target), checkDestination(bridge, () => store.getState().mirrors, state, target));
  const refused = check?.status === 'done' && check.value !== undefined;
  const chosen = state.target?.connectionId === target.connectionId && state.target.host === target.host;
  const verdictId = fieldId(`verdict-${target.connectionId}-${target.host}`);
  return (
    <label className={`migration-host${chosen ? ' is-chosen' : ''}${refused ? ' is-refused' : ''}`}>
      <input
        type="radio"
        name={name}
        checked={chosen}
        disabled={refused && !chosen}
        aria-describedby={verdictId}
        onChange={() => update((s) => withDestination(store.getState().mirrors, s, target))}
        data-autofocus={chosen || undefined}
      />
      <span className="migration-host-name">{label}</span>
      <span className="migration-host-free muted">{free !== undefined ? `${formatBytes(free)} free` : ''}</span>
      <HostVerdict id={verdictId} check={check} several={state.vms.length > 1} />
    </label>
  );
}

export function DestinationPage({ state, update, errors, fieldId }: WizardPageProps<MigrationState>) {
  const connections = useConnections();
  const mirrors = useMirror((s) => s.mirrors);
  const pools = connections
    .filter((c) => !c.hidden && c.status.state === 'connected' && mirrors[c.id]?.loaded)
    // A copy goes to another pool (within the pool, Copy VM… makes a clone or a full copy).
    .filter((c) => state.mode !== 'copy' || c.id !== state.source)
    .map((c) => {
      const mirror = mirrors[c.id]!;
      const pool = mirror.objects.pool?.values().next().value;
      const hosts = [...(mirror.objects.host ?? new Map())].sort((a, b) => a[1].name_label.localeCompare(b[1].name_label, undefined, { numeric: true }));
      // A standalone server is offered as itself, as XenCenter's destination list does.
      const standalone = standaloneHost(mirror);
      return { id: c.id, name: standalone ? standalone.name_label : pool?.name_label || c.label, standalone: Boolean(standalone), hosts, mirror };
    })
    // The VMs' own pool first, as they most often stay in it.
    .sort((a, b) => Number(b.id === state.source) - Number(a.id === state.source));
  const group = fieldId('destination');
  return (
    <fieldset className="migration-destinations" aria-describedby={errors.target ? `${group}-error` : undefined}>
      <legend>Destination server</legend>
      {/* Above the list, which may be longer than the page: a refused Next shows why where the eye is. */}
      {errors.target && (
        <p className="field-error" id={`${group}-error`} role="alert">
          {errors.target}
        </p>
      )}
      {pools.length === 0 && <p className="muted">No other pool is connected. Add one with Add server… to migrate across pools.</p>}
      {pools.map((p) => (
        <div key={p.id} role="group" aria-label={p.standalone ? `Standalone server ${p.name}` : `Servers of ${p.name}`} className="migration-pool">
          <p className="migration-pool-name">
            {p.name}
            {p.standalone ? <span className="muted"> (standalone server{p.id === state.source ? ', this server' : ''})</span> : p.id === state.source ? <span className="muted"> (this pool)</span> : null}
          </p>
          {p.hosts.map(([ref, host]) => (
            <HostOption
              key={ref}
              name={group}
              state={state}
              update={update}
              target={{ connectionId: p.id, host: ref }}
              label={host.name_label}
              free={p.mirror.objects.host_metrics?.get(host.metrics)?.memory_free}
              fieldId={fieldId}
            />
          ))}
        </div>
      ))}
    </fieldset>
  );
}
