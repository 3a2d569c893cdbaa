/**
 * Move virtual disk: the disks to move (several when opened from a VM's Storage tab) and the pool's SRs,
 * each that cannot take them saying why (XenCenter's SR picker). Nothing is sent here: Move hands the choice
 * back and the action starts the tasks.
 */
import { useId, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { useMirror } from '../../store';
import { formatBytes } from '../tabs/format';
import { diskMoveReason, diskTargets, moveKind } from './move-disk-model';
import './migration.css';

export interface MoveDiskChoice {
  vdis: string[];
  sr: string;
}

export function MoveDiskDialog({ connectionId, vdis: offered, onDone }: { connectionId: string; vdis: string[]; onDone: (choice: MoveDiskChoice | undefined) => void }) {
  const mirror = useMirror((s) => s.mirrors[connectionId]);
  const movable = offered.filter((v) => mirror && !diskMoveReason(mirror, v));
  const [chosen, setChosen] = useState<string[]>(movable);
  const [sr, setSr] = useState<string>();
  const [tried, setTried] = useState(false);
  const id = useId();
  if (!mirror) return null;
  const targets = diskTargets(mirror, chosen);
  const target = targets.find((t) => t.ref === sr && !t.reason);
  const vdi = (ref: string) => mirror.objects.VDI?.get(ref);
  const live = chosen.some((v) => vdi(v) && moveKind(mirror, vdi(v)!) === 'live');
  const problem = chosen.length === 0 ? 'Choose a disk to move.' : !target ? 'Choose where the disks go.' : undefined;
  const title = offered.length === 1 ? `Move ${vdi(offered[0])?.name_label ?? 'virtual disk'}` : 'Move virtual disks';
  return (
    <Dialog
      title={title}
      onClose={() => onDone(undefined)}
      width="wide"
      describedBy={`${id}-how`}
      footer={
        <>
          <button type="button" className="button" onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            aria-describedby={tried && problem ? `${id}-problem` : undefined}
            onClick={() => (problem ? setTried(true) : onDone({ vdis: chosen, sr: sr! }))}
          >
            Move
          </button>
        </>
      }
    >
      <p id={`${id}-how`} className="muted">
        {live
          ? 'The VM keeps running: its disks are mirrored to the new storage while it writes (storage live migration), at most three at a time.'
          : 'The VMs using these disks are halted: each disk is copied to the new storage, then the original is deleted.'}
      </p>
      {offered.length > 1 && (
        <fieldset className="dialog-fieldset">
          <legend>Disks</legend>
          {offered.map((ref) => {
            const reason = diskMoveReason(mirror, ref);
            const record = vdi(ref);
            return (
              <label key={ref} className="checkbox-row" title={reason}>
                <input
                  type="checkbox"
                  checked={chosen.includes(ref)}
                  disabled={Boolean(reason)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, ref] : c.filter((x) => x !== ref)))}
                />
                <span>
                  {record?.name_label ?? ref} ({formatBytes(record?.virtual_size)}){reason ? `: ${reason}` : ''}
                </span>
              </label>
            );
          })}
        </fieldset>
      )}
      {offered.length === 1 && movable.length === 0 && (
        <p className="field-error" role="alert">
          {diskMoveReason(mirror, offered[0])}
        </p>
      )}
      <div role="radiogroup" aria-label="Destination storage" className="move-disk-srs">
        {targets.map((t) => (
          <label key={t.ref} className={`move-disk-sr${t.reason ? ' is-disabled' : ''}`}>
            <input type="radio" name={`${id}-sr`} checked={sr === t.ref} disabled={Boolean(t.reason)} onChange={() => setSr(t.ref)} aria-describedby={t.reason ? `${id}-${t.ref}` : undefined} />
            <span>{t.label}</span>
            <span className="muted">{formatBytes(t.free)} free</span>
            {t.reason && (
              <span id={`${id}-${t.ref}`} className="move-disk-sr-reason muted">
                {t.reason}
              </span>
            )}
          </label>
        ))}
      </div>
      {tried && problem && (
        <p className="field-error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
    </Dialog>
  );
}
