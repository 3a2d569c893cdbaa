/**
 * The wizard's mapping pages, as XenCenter lays them out: Storage (one SR for every disk, or one per disk;
 * a VM's snapshot disks follow their disk), Networking (a destination network per interface; across pools
 * only) and Migration network (the destination network the move travels on).
 */
import type { ReactNode } from 'react';
import { Field, fieldAria } from '../../components/Dialog';
import type { WizardPageProps } from '../../components/Wizard';
import { useMirror } from '../../store';
import { objectLabels } from '../../store/object-labels';
import { formatBytes } from '../tabs/format';
import { disksOf, isIntraPool, isOfflineMove, vifsOf, type MigrationState } from './migration-model';
import { candidateSrs } from './storage-choices';
import { targetNetworks, transferNetworks } from './network-choices';

type Props = WizardPageProps<MigrationState>;

const MIXED = '';

/** The source and destination pools' mirrors a mapping page reads, once a destination is chosen. */
function usePools(state: MigrationState) {
  const mirrors = useMirror((s) => s.mirrors);
  const source = mirrors[state.source];
  const dest = state.target && mirrors[state.target.connectionId];
  return source && dest && state.target ? { mirrors, source, dest, target: state.target } : undefined;
}

const CHOOSE_DESTINATION = <p className="muted">Choose a destination first.</p>;

/** A mapping row's choice (where a disk or an interface goes), with "Choose…" until one is made and its error under it. */
function RowChoice({ id, error, label, value, onChange, autoFocus, children }: { id: string; error?: string; label: string; value: string | undefined; onChange: (ref: string) => void; autoFocus?: boolean; children: ReactNode }) {
  return (
    <td>
      <select {...fieldAria(id, error)} aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-autofocus={autoFocus || undefined}>
        {!value && <option value="">Choose…</option>}
        {children}
      </select>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </td>
  );
}

export function StoragePage({ state, update, errors, fieldId }: Props) {
  const pools = usePools(state);
  if (!pools) return CHOOSE_DESTINATION;
  const { mirrors, source, dest, target } = pools;
  const disks = disksOf(mirrors, state);
  const srs = candidateSrs(dest, target.host, isOfflineMove(state));
  const sourceLabels = objectLabels(source, 'SR');
  const intra = isIntraPool(state);
  const vmName = (ref: string) => source.objects.VM?.get(ref)?.name_label ?? '';
  const chosen = new Set(disks.map((d) => state.storage[d.vdi]));
  const common = chosen.size === 1 ? [...chosen][0] : MIXED;
  const setAll = (sr: string) => update((s) => ({ storage: Object.fromEntries(disksOf(mirrors, s).map((d) => [d.vdi, sr])) }));
  const option = (sr: (typeof srs)[number], staysHere = false) => (
    <option key={sr.ref} value={sr.ref}>
      {sr.label} ({formatBytes(sr.free)} free){staysHere ? ': stays here' : ''}
    </option>
  );
  if (disks.length === 0) return <p className="muted">{state.vms.length === 1 ? 'This VM has' : 'These VMs have'} no disks to place.</p>;
  if (srs.length === 0) return <p className="field-error" role="alert">No storage repository of the destination can take these disks on the chosen server. Choose another destination.</p>;
  return (
    <>
      <Field label="Place all virtual disks on" htmlFor={fieldId('all')}>
        <select id={fieldId('all')} value={common} onChange={(e) => e.target.value && setAll(e.target.value)} data-autofocus>
          {common === MIXED && <option value={MIXED}>(each disk on its own choice below)</option>}
          {srs.map((sr) => option(sr))}
        </select>
      </Field>
      <table className="data-table migration-map" aria-label="Where each disk goes">
        <thead>
          <tr>
            <th scope="col">Disk</th>
            <th scope="col">Size</th>
            <th scope="col">Now on</th>
            <th scope="col">Goes to</th>
          </tr>
        </thead>
        <tbody>
          {disks.map((d) => {
            const id = fieldId(`disk-${d.vdi}`);
            const error = errors[`disk:${d.vdi}`];
            const name = `${d.record.name_label}${state.vms.length > 1 ? ` (${vmName(d.vm)})` : ''}`;
            return (
              <tr key={d.vdi}>
                <th scope="row">
                  {name}
                  {d.snapshots.length > 0 && (
                    <span className="muted migration-follows">
                      {' '}
                      + {d.snapshots.length} snapshot {d.snapshots.length === 1 ? 'disk follows' : 'disks follow'}
                    </span>
                  )}
                </th>
                <td>{formatBytes(d.record.virtual_size)}</td>
                <td>{sourceLabels.get(d.record.SR) ?? '—'}</td>
                <RowChoice id={id} error={error} label={`Storage for ${name}`} value={state.storage[d.vdi]} onChange={(sr) => update((s) => ({ storage: { ...s.storage, [d.vdi]: sr } }))}>
                  {srs.map((sr) => option(sr, intra && sr.ref === d.record.SR))}
                </RowChoice>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!intra && <p className="muted">Only storage that can take part in storage migration is offered: shared storage, or the chosen server’s own.</p>}
    </>
  );
}

export function NetworkingPage({ state, update, errors, fieldId }: Props) {
  const pools = usePools(state);
  if (!pools) return CHOOSE_DESTINATION;
  const { mirrors, source, dest, target } = pools;
  const vifs = vifsOf(mirrors, state);
  const networks = targetNetworks(dest, target.host);
  const sourceLabels = objectLabels(source, 'network');
  if (vifs.length === 0) return <p className="muted">{state.vms.length === 1 ? 'This VM has' : 'These VMs have'} no network interfaces.</p>;
  return (
    <table className="data-table migration-map" aria-label="Where each interface goes">
      <thead>
        <tr>
          <th scope="col">Interface</th>
          <th scope="col">Now on</th>
          <th scope="col">Goes to</th>
        </tr>
      </thead>
      <tbody>
        {vifs.map((v, i) => {
          const id = fieldId(`vif-${v.vif}`);
          const error = errors[`vif:${v.vif}`];
          const vm = source.objects.VM?.get(v.vm)?.name_label ?? '';
          const name = `${vm} interface ${v.record.device} (${v.record.MAC})${v.snapshotOnly ? ', in a snapshot' : ''}`;
          return (
            <tr key={v.vif}>
              <th scope="row">{name}</th>
              <td>{sourceLabels.get(v.record.network) ?? '—'}</td>
              <RowChoice id={id} error={error} label={`Network for ${name}`} value={state.networks[v.vif]} onChange={(net) => update((s) => ({ networks: { ...s.networks, [v.vif]: net } }))} autoFocus={i === 0}>
                {networks.map((n) => (
                  <option key={n.ref} value={n.ref}>
                    {n.label}
                  </option>
                ))}
              </RowChoice>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function TransferNetworkPage({ state, update, errors, fieldId }: Props) {
  const pools = usePools(state);
  if (!pools) return CHOOSE_DESTINATION;
  const choices = transferNetworks(pools.dest);
  const id = fieldId('transferNetwork');
  return (
    <>
      <Field label="Migration network" htmlFor={id} error={errors.transferNetwork} hint="Only networks with an IP address on every server of the destination pool are listed.">
        <select {...fieldAria(id, errors.transferNetwork, true)} value={state.transferNetwork ?? ''} onChange={(e) => update({ transferNetwork: e.target.value })} data-autofocus>
          {!state.transferNetwork && <option value="">Choose…</option>}
          {choices.map((n) => (
            <option key={n.ref} value={n.ref}>
              {n.label}
              {n.management ? ' (management)' : ''}
            </option>
          ))}
        </select>
      </Field>
      <p className="muted">
        The VM’s memory and disks travel to the destination over this network. A network kept for storage traffic spares the management and VM networks during the
        move.
      </p>
    </>
  );
}
