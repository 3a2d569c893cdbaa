/** The Storage tabs' "Move…" buttons: Move Virtual Disk… for one disk or several, disabled with the reason. */
import { useActionRunner } from '../../actions/ActionHost';
import { actionVerdict } from '../../actions/types';
import { useMirror, type Target } from '../../store';
import { moveVirtualDisk } from './move-disk-action';

export function MoveDiskButton({ connectionId, vdis, label, name }: { connectionId: string; vdis: readonly string[]; label: string; name: string }) {
  const runner = useActionRunner();
  const targets: Target[] = vdis.map((ref) => ({ kind: 'object', connectionId, cls: 'VDI', ref }));
  const reason = useMirror((s) => (vdis.length ? actionVerdict(moveVirtualDisk, targets, s).reason : 'There is no disk to move.'));
  return (
    <button
      type="button"
      className="button button-small"
      aria-label={name}
      aria-disabled={reason !== undefined || undefined}
      title={reason}
      onClick={() => reason === undefined && runner.invoke(moveVirtualDisk, targets)}
    >
      {label}
    </button>
  );
}
