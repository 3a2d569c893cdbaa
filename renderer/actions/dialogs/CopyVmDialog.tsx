/** Copy VM: a name, and fast clone (same storage, copy-on-write) or full copy to a storage repository. */
import { useId, useState, type FormEvent } from 'react';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { Dialog, Field, fieldAria } from '../../components/Dialog';
import type { ClassMap, MirrorState } from '../../store';
import { vmAllows, type Resolved } from '../targets';
import { formatBytes } from './format-bytes';

export type CopyVmChoice = { mode: 'clone'; name: string } | { mode: 'copy'; name: string; sr: string };

export function CopyVmDialog({ vm, state, onDone }: { vm: Resolved<VMRecord>; state: MirrorState; onDone: (choice: CopyVmChoice | undefined) => void }) {
  const id = useId();
  const srs = [...((state.mirrors[vm.target.connectionId]?.objects.SR as ClassMap<'SR'> | undefined) ?? new Map())]
    .filter(([, sr]) => sr.content_type !== 'iso' && sr.allowed_operations.includes('vdi_create'))
    .sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));
  const canClone = vmAllows(vm.record, 'clone');
  const canCopy = vmAllows(vm.record, 'copy') && srs.length > 0;
  const [name, setName] = useState(`Copy of ${vm.record.name_label}`);
  const [mode, setMode] = useState<'clone' | 'copy'>(canClone ? 'clone' : 'copy');
  const [sr, setSr] = useState(srs[0]?.[0] ?? '');
  const [error, setError] = useState<string>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the copy a name.');
      return;
    }
    onDone(mode === 'clone' ? { mode, name: name.trim() } : { mode, name: name.trim(), sr });
  };

  return (
    <Dialog title={`Copy ${vm.record.name_label}`} onClose={() => onDone(undefined)}>
      <form onSubmit={submit} noValidate>
        <Field label="Name of the copy" htmlFor={`${id}-name`} error={error}>
          <input className="text-input" {...fieldAria(`${id}-name`, error)} value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
        </Field>
        <fieldset className="dialog-fieldset">
          <legend>How</legend>
          <label className="checkbox-row">
            <input type="radio" name={`${id}-mode`} checked={mode === 'clone'} disabled={!canClone} onChange={() => setMode('clone')} />
            <span>Fast clone: same storage, disks shared copy-on-write</span>
          </label>
          <label className="checkbox-row">
            <input type="radio" name={`${id}-mode`} checked={mode === 'copy'} disabled={!canCopy} onChange={() => setMode('copy')} />
            <span>Full copy to a storage repository</span>
          </label>
          {mode === 'copy' && (
            <Field label="Storage repository" htmlFor={`${id}-sr`}>
              <select id={`${id}-sr`} value={sr} onChange={(e) => setSr(e.target.value)}>
                {srs.map(([ref, s]) => (
                  <option key={ref} value={ref}>
                    {s.name_label} ({formatBytes(s.physical_size - s.physical_utilisation)} free)
                  </option>
                ))}
              </select>
            </Field>
          )}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Copy
          </button>
        </div>
      </form>
    </Dialog>
  );
}
