/**
 * Take snapshot: name, description and the kind, each explained; kinds the VM cannot take are shown
 * disabled with the reason. The dialog closes as soon as the snapshot is asked for: the task panel
 * carries the operation (its progress, its failure if the pool refuses), as every dialog does.
 */
import { useId, useState } from 'react';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { useBridge } from '../../bridge-context';
import { Dialog, Field, fieldAria } from '../../components/Dialog';
import { useRecord } from '../../store';
import { isNullRef } from '../../store/object-id';
import { defaultSnapshotName, guestSupportsQuiesce, nameProblem, type SnapshotKind } from './snapshot-model';
import { takeSnapshot } from './snapshot-ops';
import { vmOperationReason } from '../../actions/disabled-reasons';

interface KindChoice {
  kind: SnapshotKind;
  label: string;
  explain: string;
  unavailable?: string;
}

export function kindChoices(vm: VMRecord, quiesceSupported: boolean): KindChoice[] {
  const running = vm.power_state === 'Running';
  return [
    { kind: 'disk', label: 'Disk only', explain: 'Saves the disks as they are now, like pulling the power plug: fast, and the VM keeps running. Applications may need to recover on revert.', unavailable: vmOperationReason(vm, 'snapshot') },
    {
      kind: 'quiesced', label: 'Quiesced disks',
      explain: 'The guest\u2019s VSS provider flushes applications (databases, Exchange) before the disks are saved, so they come back consistent.',
      unavailable: !running ? 'Only for a running VM.' : !quiesceSupported ? 'The guest tools do not offer a VSS provider (Windows guests with the tools installed do).' : undefined,
    },
    {
      kind: 'memory', label: 'Disks and memory',
      explain: 'Also saves the memory: a revert resumes the VM exactly where it was, running programs included. The VM pauses briefly while its memory is written.',
      unavailable: !running ? 'Only for a running VM.' : vmOperationReason(vm, 'checkpoint'),
    },
  ];
}

export function TakeSnapshotDialog({ connectionId, vmRef, vm, onClose }: { connectionId: string; vmRef: string; vm: VMRecord; onClose: () => void }) {
  const bridge = useBridge();
  const gm = useRecord(connectionId, 'VM_guest_metrics', isNullRef(vm.guest_metrics) ? undefined : vm.guest_metrics);
  const choices = kindChoices(vm, guestSupportsQuiesce(gm?.other));
  const [name, setName] = useState(() => defaultSnapshotName(vm.name_label, new Date()));
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<SnapshotKind>('disk');
  const [touched, setTouched] = useState(false);
  const id = useId();
  const problem = nameProblem(name);
  const chosen = choices.find((c) => c.kind === kind)!;

  const submit = () => {
    setTouched(true);
    if (problem || chosen.unavailable) return;
    // The task panel carries it from here (a refusal is listed there as a failed task).
    takeSnapshot({ bridge, connectionId }, vmRef, vm.name_label, kind, name.trim(), description).catch(() => undefined);
    onClose();
  };

  return (
    <Dialog
      title={`Take a snapshot of ${vm.name_label}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={`${id}-form`} className="button button-primary" disabled={(touched && !!problem) || !!chosen.unavailable}>
            Take snapshot
          </button>
        </>
      }
    >
      <form
        id={`${id}-form`}
        className="snap-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Name" htmlFor={`${id}-name`} error={touched ? problem : undefined}>
          <input
            className="text-input"
            value={name}
            maxLength={300}
            data-autofocus
            onChange={(e) => setName(e.target.value)}
            onBlur={() => setTouched(true)}
            {...fieldAria(`${id}-name`, touched ? problem : undefined)}
          />
        </Field>
        <Field label="Description (optional)" htmlFor={`${id}-desc`}>
          <textarea id={`${id}-desc`} className="text-input snap-textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <fieldset className="snap-kinds">
          <legend className="field-label">Snapshot mode</legend>
          {choices.map((c) => (
            <label key={c.kind} className={`snap-kind${c.unavailable ? ' is-unavailable' : ''}`}>
              <input type="radio" name={`${id}-kind`} value={c.kind} checked={kind === c.kind} disabled={!!c.unavailable} onChange={() => setKind(c.kind)} />
              <span>
                <span className="snap-kind-label">{c.label}</span>
                <span className="snap-kind-explain muted">{c.explain}</span>
                {c.unavailable && <span className="snap-kind-why">{c.unavailable}</span>}
              </span>
            </label>
          ))}
        </fieldset>
      </form>
    </Dialog>
  );
}
