/**
 * The pages of VM Properties (XenCenter's VM settings pages: General, CPU, Boot Options, Home Server,
 * Container Management). Each page edits its part of the dialog's draft and shows the reasons its fields
 * are refused; nothing is written until OK.
 */
import type { HostRecord, VMRecord } from '../../../shared/xapi/generated/records';
import { Field, fieldAria } from '../../components/Dialog';
import { TagEditor } from '../../components/TagEditor';
import { topologies } from '../tabs/memory/vm-limits';
import { coresPerSocketOf, cpuMode } from './cpu-plan';
import { BOOT_DEVICES, NULL_REF, type BootEntry, type PropertiesDraft } from './properties-draft';

export interface PageProps {
  vm: VMRecord;
  draft: PropertiesDraft;
  change: (patch: Partial<PropertiesDraft>) => void;
  problems: Record<string, string> | undefined;
  disabled: boolean;
}

export function GeneralPage({ draft, change, problems, disabled }: PageProps) {
  return (
    <>
      <Field label="Name" htmlFor="vm-props-name" error={problems?.name}>
        <input className="text-input" {...fieldAria('vm-props-name', problems?.name)} value={draft.name} maxLength={255} disabled={disabled} onChange={(e) => change({ name: e.target.value })} data-autofocus />
      </Field>
      <Field label="Description" htmlFor="vm-props-description">
        <textarea className="text-input" id="vm-props-description" rows={3} value={draft.description} disabled={disabled} onChange={(e) => change({ description: e.target.value })} />
      </Field>
      <div className="field">
        <span className="field-label">Tags</span>
        <TagEditor
          tags={draft.tags}
          onAdd={async (tag) => change({ tags: [...draft.tags, tag] })}
          onRemove={async (tag) => change({ tags: draft.tags.filter((t) => t !== tag) })}
        />
      </div>
    </>
  );
}

/** The typed vCPU fields, kept as typed (a number box may hold "abc" until the user fixes it). */
export interface CpuText {
  max: string;
  atStartup: string;
  cores: string;
}

export const cpuTextOf = (vm: VMRecord): CpuText => ({ max: String(vm.VCPUs_max), atStartup: String(vm.VCPUs_at_startup), cores: String(coresPerSocketOf(vm)) });

export function CpuPage({ vm, text, setText, problems, disabled, ceiling }: Omit<PageProps, 'draft' | 'change'> & { text: CpuText; setText: (t: CpuText) => void; ceiling: number }) {
  const mode = cpuMode(vm);
  const max = Number(text.max);
  if (mode === 'locked') {
    return (
      <p className="note">
        {vm.power_state === 'Running'
          ? 'The VM is running and its vCPUs cannot change live now (the guest does not support it, or another operation is under way). Shut it down to change them.'
          : `The VM is ${vm.power_state.toLowerCase()}: shut it down to change its vCPUs.`}{' '}
        It has {vm.VCPUs_at_startup} vCPU{vm.VCPUs_at_startup === 1 ? '' : 's'} (maximum {vm.VCPUs_max}).
      </p>
    );
  }
  return (
    <>
      {mode === 'live' && <p className="note">The VM is running: vCPUs can be added or removed live, up to its maximum of {vm.VCPUs_max}. Shut it down to change the maximum or the topology.</p>}
      {mode === 'halted' && (
        <Field label="Maximum number of vCPUs" htmlFor="vm-props-vcpus-max" hint={`Up to ${ceiling} on this pool.`} error={problems?.max}>
          <input className="text-input" inputMode="numeric" {...fieldAria('vm-props-vcpus-max', problems?.max, true)} value={text.max} disabled={disabled} onChange={(e) => setText({ ...text, max: e.target.value })} />
        </Field>
      )}
      <Field label={mode === 'live' ? 'Current number of vCPUs' : 'vCPUs at startup'} htmlFor="vm-props-vcpus" error={problems?.atStartup}>
        <input className="text-input" inputMode="numeric" {...fieldAria('vm-props-vcpus', problems?.atStartup)} value={text.atStartup} disabled={disabled} onChange={(e) => setText({ ...text, atStartup: e.target.value })} />
      </Field>
      {mode === 'halted' && (
        <Field label="Topology" htmlFor="vm-props-topology" error={problems?.coresPerSocket}>
          <select id="vm-props-topology" aria-invalid={problems?.coresPerSocket ? true : undefined} value={text.cores} disabled={disabled} onChange={(e) => setText({ ...text, cores: e.target.value })}>
            {[...new Set([...topologies(Number.isInteger(max) && max > 0 ? max : 1), Number(text.cores)])].map((c) => (
              <option key={c} value={String(c)}>
                {Number.isInteger(max) && max % c === 0 ? `${max / c} socket${max / c === 1 ? '' : 's'} with ${c} core${c === 1 ? '' : 's'} each` : `${c} cores per socket`}
              </option>
            ))}
          </select>
        </Field>
      )}
    </>
  );
}

function moved(order: readonly BootEntry[], from: number, to: number): BootEntry[] {
  const next = [...order];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

export function BootPage({ draft, change, problems, disabled }: PageProps) {
  const boot = draft.boot;
  if (boot.kind === 'uefi') return <p className="note">This VM boots with UEFI firmware, which keeps its own boot order: change it from the firmware's menu in the VM's console.</p>;
  if (boot.kind === 'pv') {
    return (
      <Field label="OS boot parameters" htmlFor="vm-props-pv-args" hint="Passed to the guest's kernel at the next boot.">
        <input className="text-input mono" {...fieldAria('vm-props-pv-args', undefined, true)} value={boot.args} disabled={disabled} onChange={(e) => change({ boot: { kind: 'pv', args: e.target.value } })} />
      </Field>
    );
  }
  const set = (order: BootEntry[]) => change({ boot: { kind: 'hvm', order } });
  return (
    <fieldset className="dialog-fieldset">
      <legend>Boot order</legend>
      <p className="muted">The VM tries these devices in this order at its next start.</p>
      <ol className="boot-order" aria-label="Boot order">
        {boot.order.map((e, i) => (
          <li key={e.device} className="boot-device">
            <label className="checkbox-row">
              <input type="checkbox" checked={e.enabled} disabled={disabled} onChange={() => set(boot.order.map((x, j) => (j === i ? { ...x, enabled: !x.enabled } : x)))} />
              <span>{BOOT_DEVICES[e.device]}</span>
            </label>
            <button type="button" className="button button-small" aria-label={`Move ${BOOT_DEVICES[e.device]} up`} disabled={disabled || i === 0} onClick={() => set(moved(boot.order, i, i - 1))}>
              Up
            </button>
            <button type="button" className="button button-small" aria-label={`Move ${BOOT_DEVICES[e.device]} down`} disabled={disabled || i === boot.order.length - 1} onClick={() => set(moved(boot.order, i, i + 1))}>
              Down
            </button>
          </li>
        ))}
      </ol>
      {problems?.order && (
        <p className="field-error" role="alert">
          {problems.order}
        </p>
      )}
    </fieldset>
  );
}

export function HomeServerPage({ draft, change, problems, disabled, hosts }: PageProps & { hosts: readonly [string, HostRecord][] }) {
  return (
    <fieldset className="dialog-fieldset" aria-describedby="vm-props-home-hint">
      <legend>Choose a home server</legend>
      <p className="muted" id="vm-props-home-hint">
        The VM starts on its home server when that server can run it, else on any server of the pool with room for it.
      </p>
      <label className="checkbox-row">
        <input type="radio" name="vm-props-home" checked={draft.affinity === NULL_REF} disabled={disabled} onChange={() => change({ affinity: NULL_REF })} />
        <span>No home server</span>
      </label>
      {hosts.map(([ref, host]) => (
        <label key={ref} className="checkbox-row">
          <input type="radio" name="vm-props-home" checked={draft.affinity === ref} disabled={disabled} onChange={() => change({ affinity: ref })} />
          <span>{host.name_label}</span>
        </label>
      ))}
      {problems?.affinity && (
        <p className="field-error" role="alert">
          {problems.affinity}
        </p>
      )}
    </fieldset>
  );
}

export function ContainersPage({ vm, draft, change, disabled }: PageProps) {
  return (
    <>
      <label className="checkbox-row">
        <input type="checkbox" checked={Boolean(draft.containers)} disabled={disabled} onChange={(e) => change({ containers: e.target.checked })} data-autofocus />
        <span>Container management: monitor the Docker containers in this VM</span>
      </label>
      <p className="muted">
        {vm.power_state === 'Running'
          ? 'The pool connects to Docker in the VM and lists its containers under the VM in the tree, with their processes and details.'
          : 'The pool lists the VM\u2019s containers while it runs.'}{' '}
        Turning it off forgets the containers the pool has listed; they keep running in the VM.
      </p>
    </>
  );
}
