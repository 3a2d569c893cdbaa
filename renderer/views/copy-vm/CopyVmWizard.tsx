/**
 * Copy VM, on the wizard frame, as XenCenter's Copy VM dialog within a pool: Name (the copy's name and
 * description, and how: a fast clone sharing the disks copy-on-write, or a full copy) → Storage (where the
 * full copy's disks go; skipped for a fast clone) → Summary. Cross-pool copies are the migrate wizard's.
 */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { vmOperationReason } from '../../actions/disabled-reasons';
import type { Resolved } from '../../actions/targets';
import { Field, fieldAria } from '../../components/Dialog';
import { Wizard, type WizardPage } from '../../components/Wizard';
import type { MirrorState } from '../../store';
import { objectLabels } from '../../store/object-labels';
import { usableSrs } from '../new-vm/new-vm-model';
import { formatBytes } from '../tabs/format';

export interface CopyVmChoice {
  mode: 'clone' | 'copy';
  name: string;
  description: string;
  /** For a full copy. */
  sr: string;
}

export function CopyVmWizard({ vm, state, onDone }: { vm: Resolved<VMRecord>; state: MirrorState; onDone: (choice: CopyVmChoice | undefined) => void }) {
  const mirror = state.mirrors[vm.target.connectionId];
  const srs = mirror ? usableSrs(mirror) : [];
  const labels = mirror ? objectLabels(mirror, 'SR') : new Map<string, string>();
  const cloneReason = vmOperationReason(vm.record, 'clone');
  const copyReason = vmOperationReason(vm.record, 'copy') ?? (srs.length ? undefined : 'No storage repository can hold new disks.');
  const pool = mirror?.objects.pool ? [...mirror.objects.pool.values()][0] : undefined;
  const initial: CopyVmChoice = {
    mode: cloneReason ? 'copy' : 'clone',
    name: `Copy of ${vm.record.name_label}`,
    description: vm.record.name_description,
    sr: pool && srs.some(([r]) => r === pool.default_SR) ? pool.default_SR : (srs[0]?.[0] ?? ''),
  };

  const pages: WizardPage<CopyVmChoice>[] = [
    {
      id: 'name',
      title: 'Name and method',
      validate: (c) => ({
        name: c.name.trim() ? undefined : 'Give the copy a name.',
        mode: c.mode === 'clone' ? cloneReason : copyReason,
      }),
      render: ({ state: c, update, errors, fieldId }) => (
        <>
          <Field label="Name of the copy" htmlFor={fieldId('name')} error={errors.name}>
            <input className="text-input" {...fieldAria(fieldId('name'), errors.name)} value={c.name} onChange={(e) => update({ name: e.target.value })} data-autofocus />
          </Field>
          <Field label="Description (optional)" htmlFor={fieldId('description')}>
            <textarea id={fieldId('description')} className="text-input" rows={2} value={c.description} onChange={(e) => update({ description: e.target.value })} />
          </Field>
          <fieldset className="dialog-fieldset" aria-describedby={errors.mode ? fieldId('mode-error') : undefined}>
            <legend>How</legend>
            <label className="checkbox-row">
              <input type="radio" name={fieldId('mode')} checked={c.mode === 'clone'} disabled={Boolean(cloneReason)} onChange={() => update({ mode: 'clone' })} />
              <span>Fast clone: same storage, disks shared copy-on-write{cloneReason ? ` (${cloneReason})` : ''}</span>
            </label>
            <label className="checkbox-row">
              <input type="radio" name={fieldId('mode')} checked={c.mode === 'copy'} disabled={Boolean(copyReason)} onChange={() => update({ mode: 'copy' })} />
              <span>Full copy to a storage repository{copyReason ? ` (${copyReason})` : ''}</span>
            </label>
            {errors.mode && (
              <p className="field-error" id={fieldId('mode-error')} role="alert">
                {errors.mode}
              </p>
            )}
          </fieldset>
        </>
      ),
    },
    {
      id: 'storage',
      title: 'Storage',
      description: 'Where the copy\u2019s disks are created.',
      skip: (c) => c.mode === 'clone',
      validate: (c) => ({ sr: srs.some(([r]) => r === c.sr) ? undefined : 'Choose a storage repository.' }),
      render: ({ state: c, update, errors, fieldId }) => (
        <Field label="Storage repository" htmlFor={fieldId('sr')} error={errors.sr}>
          <select {...fieldAria(fieldId('sr'), errors.sr)} value={c.sr} onChange={(e) => update({ sr: e.target.value })} data-autofocus>
            {srs.map(([ref, s]) => (
              <option key={ref} value={ref}>
                {labels.get(ref) ?? s.name_label} ({formatBytes(s.physical_size - s.physical_utilisation)} free)
              </option>
            ))}
          </select>
        </Field>
      ),
    },
  ];

  return (
    <Wizard<CopyVmChoice>
      title={`Copy ${vm.record.name_label}`}
      pages={pages}
      initial={initial}
      finishLabel="Copy"
      onCancel={() => onDone(undefined)}
      onFinish={(c) => onDone({ ...c, name: c.name.trim() })}
      summary={(c) => [
        { label: 'Copy of', value: vm.record.name_label },
        { label: 'Name', value: c.name.trim() },
        { label: 'Method', value: c.mode === 'clone' ? 'Fast clone (disks shared copy-on-write)' : 'Full copy' },
        ...(c.mode === 'copy' ? [{ label: 'Storage', value: labels.get(c.sr) ?? '—' }] : []),
      ]}
    />
  );
}
