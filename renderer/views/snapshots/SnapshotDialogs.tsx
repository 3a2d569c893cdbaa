/**
 * Revert (a clear warning, a snapshot of the current state offered first), delete (one or many, with their
 * disks), and a new VM or template from a snapshot. Each runs its steps as tasks and stays open on error.
 */
import { useId, useState } from 'react';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { useBridge } from '../../bridge-context';
import { Dialog, Field, fieldAria } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { appStore, objectId } from '../../store';
import { formatTime } from '../tabs/format';
import { KIND_LABEL, nameProblem, snapshotKind } from './snapshot-model';
import { deleteSnapshots, newFromSnapshot, revertTo } from './snapshot-ops';
import { TaskProgress } from './TaskProgress';

interface Common {
  connectionId: string;
  onClose: () => void;
}

function Footer({ busy, onClose, submit, danger }: { busy: boolean; onClose: () => void; submit: { form: string; label: string }; danger?: boolean }) {
  return (
    <>
      <button type="button" className="button" onClick={onClose} disabled={busy}>
        {busy ? 'Working…' : 'Cancel'}
      </button>
      <button type="submit" form={submit.form} className={`button ${danger ? 'button-danger' : 'button-primary'}`} disabled={busy}>
        {submit.label}
      </button>
    </>
  );
}

export function RevertDialog({ connectionId, vmRef, vm, snapRef, snap, onClose }: Common & { vmRef: string; vm: VMRecord; snapRef: string; snap: VMRecord }) {
  const bridge = useBridge();
  const id = useId();
  const [safety, setSafety] = useState(true);
  const [step, setStep] = useState<{ words: string; task?: string }>();
  const [error, setError] = useState<unknown>();
  const kind = snapshotKind(snap);
  const busy = step !== undefined;
  const outcome = kind === 'memory'
    ? 'The VM will resume from the saved memory, running exactly as it was at that moment.'
    : vm.power_state === 'Running' || vm.power_state === 'Paused'
      ? 'The VM will be shut down (forcibly) and left halted with the snapshot\u2019s disks; start it when you are ready.'
      : 'The VM will stay halted with the snapshot\u2019s disks.';

  const submit = () => {
    if (busy) return;
    setError(undefined);
    setStep({ words: 'Starting…' });
    const safetyName = safety ? `Before reverting to ${snap.name_label}` : undefined;
    revertTo({ bridge, connectionId }, vmRef, vm, snapRef, snap, safetyName, (words, task) => setStep({ words, task })).then(onClose, (err: unknown) => {
      setStep(undefined);
      setError(err);
    });
  };

  return (
    <Dialog title={`Revert ${vm.name_label} to “${snap.name_label}”?`} tone="alert" onClose={busy ? undefined : onClose} footer={<Footer busy={busy} onClose={onClose} submit={{ form: `${id}-form`, label: 'Revert' }} danger />}>
      <form id={`${id}-form`} className="snap-form" onSubmit={(e) => (e.preventDefault(), submit())}>
        <p className="snap-warning" role="note">
          Everything that changed in {vm.name_label} since {formatTime(snap.snapshot_time)} will be lost: its disks are replaced by the snapshot’s.
        </p>
        <p>
          {KIND_LABEL[kind]} snapshot. {outcome}
        </p>
        <label className="snap-check">
          <input type="checkbox" checked={safety} disabled={busy} onChange={(e) => setSafety(e.target.checked)} />
          Take a snapshot of the current state first, so this revert can be undone
        </label>
        {step && <TaskProgress connectionId={connectionId} taskRef={step.task} words={step.words} />}
        {error !== undefined && <ErrorMessage error={error} />}
      </form>
    </Dialog>
  );
}

export function DeleteSnapshotsDialog({ connectionId, items, onClose }: Common & { items: { ref: string; record: VMRecord }[] }) {
  const bridge = useBridge();
  const id = useId();
  const [step, setStep] = useState<string>();
  const [error, setError] = useState<unknown>();
  const busy = step !== undefined;
  const submit = () => {
    if (busy) return;
    setError(undefined);
    setStep('Starting…');
    deleteSnapshots({ bridge, connectionId }, appStore.getState(), items, setStep).then(onClose, (err: unknown) => {
      setStep(undefined);
      setError(err);
    });
  };
  const title = items.length === 1 ? `Delete snapshot “${items[0].record.name_label}”?` : `Delete ${items.length} snapshots?`;
  return (
    <Dialog title={title} tone="alert" onClose={busy ? undefined : onClose} footer={<Footer busy={busy} onClose={onClose} submit={{ form: `${id}-form`, label: 'Delete' }} danger />}>
      <form id={`${id}-form`} className="snap-form" onSubmit={(e) => (e.preventDefault(), submit())}>
        <p>The snapshots and their disks are deleted; the VM itself and its other snapshots are not touched.</p>
        <ul className="snap-delete-list">
          {items.map((i) => (
            <li key={i.ref}>
              {i.record.name_label} <span className="muted">({KIND_LABEL[snapshotKind(i.record)]}, {formatTime(i.record.snapshot_time)})</span>
            </li>
          ))}
        </ul>
        {step && (
          <p role="status" className="muted">
            {step}
          </p>
        )}
        {error !== undefined && <ErrorMessage error={error} />}
      </form>
    </Dialog>
  );
}

export function FromSnapshotDialog({ connectionId, snapRef, snap, vm, asTemplate, onClose }: Common & { snapRef: string; snap: VMRecord; vm: VMRecord; asTemplate: boolean }) {
  const bridge = useBridge();
  const id = useId();
  const [name, setName] = useState(asTemplate ? `${vm.name_label} template` : `${vm.name_label} copy`);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const problem = nameProblem(name)?.replace('snapshot', asTemplate ? 'template' : 'VM');
  const submit = () => {
    setTouched(true);
    if (problem || busy) return;
    setBusy(true);
    setError(undefined);
    newFromSnapshot({ bridge, connectionId }, snapRef, snap, name.trim(), asTemplate).then(
      (ref) => {
        onClose();
        appStore.getState().select([objectId(connectionId, 'VM', ref)]);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };
  return (
    <Dialog
      title={asTemplate ? `Save “${snap.name_label}” as a template` : `New VM from “${snap.name_label}”`}
      onClose={busy ? undefined : onClose}
      footer={<Footer busy={busy} onClose={onClose} submit={{ form: `${id}-form`, label: asTemplate ? 'Save template' : 'Create VM' }} />}
    >
      <form id={`${id}-form`} className="snap-form" onSubmit={(e) => (e.preventDefault(), submit())}>
        <p className="muted">
          {asTemplate
            ? 'A template with the snapshot\u2019s configuration and copies of its disks; new VMs can be made from it.'
            : 'A new, halted VM with the snapshot\u2019s configuration and copies of its disks. The original VM is not changed.'}
        </p>
        <Field label="Name" htmlFor={`${id}-name`} error={touched ? problem : undefined}>
          <input className="text-input" value={name} disabled={busy} data-autofocus onChange={(e) => setName(e.target.value)} {...fieldAria(`${id}-name`, touched ? problem : undefined)} />
        </Field>
        {busy && (
          <p role="status" className="muted">
            Copying the disks…
          </p>
        )}
        {error !== undefined && <ErrorMessage error={error} />}
      </form>
    </Dialog>
  );
}
