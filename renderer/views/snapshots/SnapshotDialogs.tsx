/**
 * Revert (a clear warning, a snapshot of the current state offered first), delete (one or many, with their
 * disks), and a new VM or template from a snapshot. Each closes as soon as its work is asked for and
 * runs its steps as tasks in the task panel (a step the pool refuses is listed there, with the reason).
 */
import { useId, useState } from 'react';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { useBridge } from '../../bridge-context';
import { Dialog, Field, fieldAria } from '../../components/Dialog';
import { appStore, objectId } from '../../store';
import { formatTime } from '../tabs/format';
import { KIND_LABEL, nameProblem, snapshotKind } from './snapshot-model';
import { deleteSnapshots, newFromSnapshot, revertTo } from './snapshot-ops';

interface Common {
  connectionId: string;
  onClose: () => void;
}

/** Steps that fail are in the task panel already; nothing more to say once the dialog is gone. */
const inBackground = (work: Promise<unknown>) => void work.catch(() => undefined);

function Footer({ onClose, submit, danger }: { onClose: () => void; submit: { form: string; label: string }; danger?: boolean }) {
  return (
    <>
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      <button type="submit" form={submit.form} className={`button ${danger ? 'button-danger' : 'button-primary'}`}>
        {submit.label}
      </button>
    </>
  );
}

export function RevertDialog({ connectionId, vmRef, vm, snapRef, snap, onClose }: Common & { vmRef: string; vm: VMRecord; snapRef: string; snap: VMRecord }) {
  const bridge = useBridge();
  const id = useId();
  const [safety, setSafety] = useState(true);
  const kind = snapshotKind(snap);
  const outcome = kind === 'memory'
    ? 'The VM will resume from the saved memory, running exactly as it was at that moment.'
    : vm.power_state === 'Running' || vm.power_state === 'Paused'
      ? 'The VM will be shut down (forcibly) and left halted with the snapshot\u2019s disks; start it when you are ready.'
      : 'The VM will stay halted with the snapshot\u2019s disks.';

  const submit = () => {
    const safetyName = safety ? `Before reverting to ${snap.name_label}` : undefined;
    inBackground(revertTo({ bridge, connectionId }, vmRef, vm, snapRef, snap, safetyName, () => undefined));
    onClose();
  };

  return (
    <Dialog title={`Revert ${vm.name_label} to “${snap.name_label}”?`} tone="alert" onClose={onClose} footer={<Footer onClose={onClose} submit={{ form: `${id}-form`, label: 'Revert' }} danger />}>
      <form id={`${id}-form`} className="snap-form" onSubmit={(e) => (e.preventDefault(), submit())}>
        <p className="snap-warning" role="note">
          Everything that changed in {vm.name_label} since {formatTime(snap.snapshot_time)} will be lost: its disks are replaced by the snapshot’s.
        </p>
        <p>
          {KIND_LABEL[kind]} snapshot. {outcome}
        </p>
        <label className="snap-check">
          <input type="checkbox" checked={safety} onChange={(e) => setSafety(e.target.checked)} />
          Take a snapshot of the current state first, so this revert can be undone
        </label>
      </form>
    </Dialog>
  );
}

export function DeleteSnapshotsDialog({ connectionId, items, onClose }: Common & { items: { ref: string; record: VMRecord }[] }) {
  const bridge = useBridge();
  const id = useId();
  const submit = () => {
    inBackground(deleteSnapshots({ bridge, connectionId }, appStore.getState(), items, () => undefined));
    onClose();
  };
  const title = items.length === 1 ? `Delete snapshot “${items[0].record.name_label}”?` : `Delete ${items.length} snapshots?`;
  return (
    <Dialog title={title} tone="alert" onClose={onClose} footer={<Footer onClose={onClose} submit={{ form: `${id}-form`, label: 'Delete' }} danger />}>
      <form id={`${id}-form`} className="snap-form" onSubmit={(e) => (e.preventDefault(), submit())}>
        <p>The snapshots and their disks are deleted; the VM itself and its other snapshots are not touched.</p>
        <ul className="snap-delete-list">
          {items.map((i) => (
            <li key={i.ref}>
              {i.record.name_label} <span className="muted">({KIND_LABEL[snapshotKind(i.record)]}, {formatTime(i.record.snapshot_time)})</span>
            </li>
          ))}
        </ul>
      </form>
    </Dialog>
  );
}

export function FromSnapshotDialog({ connectionId, snapRef, snap, vm, asTemplate, onClose }: Common & { snapRef: string; snap: VMRecord; vm: VMRecord; asTemplate: boolean }) {
  const bridge = useBridge();
  const id = useId();
  const [name, setName] = useState(asTemplate ? `${vm.name_label} template` : `${vm.name_label} copy`);
  const [touched, setTouched] = useState(false);
  const problem = nameProblem(name)?.replace('snapshot', asTemplate ? 'template' : 'VM');
  const submit = () => {
    setTouched(true);
    if (problem) return;
    // The copy runs as a task; the new VM (or template) is selected when it exists.
    inBackground(newFromSnapshot({ bridge, connectionId }, snapRef, snap, name.trim(), asTemplate).then((ref) => appStore.getState().select([objectId(connectionId, 'VM', ref)])));
    onClose();
  };
  return (
    <Dialog
      title={asTemplate ? `Save “${snap.name_label}” as a template` : `New VM from “${snap.name_label}”`}
      onClose={onClose}
      footer={<Footer onClose={onClose} submit={{ form: `${id}-form`, label: asTemplate ? 'Save template' : 'Create VM' }} />}
    >
      <form id={`${id}-form`} className="snap-form" onSubmit={(e) => (e.preventDefault(), submit())}>
        <p className="muted">
          {asTemplate
            ? 'A template with the snapshot\u2019s configuration and copies of its disks; new VMs can be made from it.'
            : 'A new, halted VM with the snapshot\u2019s configuration and copies of its disks. The original VM is not changed.'}
        </p>
        <Field label="Name" htmlFor={`${id}-name`} error={touched ? problem : undefined}>
          <input className="text-input" value={name} data-autofocus onChange={(e) => setName(e.target.value)} {...fieldAria(`${id}-name`, touched ? problem : undefined)} />
        </Field>
      </form>
    </Dialog>
  );
}
