/**
 * Delete VM: lists each VM's disks with a box to delete the disk too (XenCenter's choice). Disks used
 * by another VM as well, and CD images, are left alone and say so.
 */
import { useId, useState } from 'react';
import type { VBDRecord, VDIRecord, VMRecord } from '../../../shared/xapi/generated/records';
import { Dialog } from '../../components/Dialog';
import type { ClassMap, MirrorState } from '../../store';
import type { Resolved } from '../targets';
import { formatBytes } from './format-bytes';

export interface DeleteVmChoice {
  disks: { vmRef: string; vdiRef: string; name: string }[];
}

interface DiskRow {
  key: string;
  vmRef: string;
  vdiRef: string;
  name: string;
  size: number;
  /** Why the disk is kept whatever the user picks. */
  keptBecause?: string;
}

function disksOf(vm: Resolved<VMRecord>, state: MirrorState): DiskRow[] {
  const objects = state.mirrors[vm.target.connectionId]?.objects;
  const vbds = objects?.VBD as ClassMap<'VBD'> | undefined;
  const vdis = objects?.VDI as ClassMap<'VDI'> | undefined;
  const rows: DiskRow[] = [];
  for (const vbdRef of vm.record.VBDs) {
    const vbd: VBDRecord | undefined = vbds?.get(vbdRef);
    if (!vbd || vbd.type !== 'Disk') continue;
    const vdi: VDIRecord | undefined = vdis?.get(vbd.VDI);
    if (!vdi) continue;
    const others = vdi.VBDs.filter((r) => r !== vbdRef && vbds?.get(r)?.VM !== vm.target.ref);
    rows.push({
      key: `${vm.target.ref}|${vbd.VDI}`,
      vmRef: vm.target.ref,
      vdiRef: vbd.VDI,
      name: vdi.name_label || 'Disk',
      size: vdi.virtual_size,
      keptBecause: others.length ? 'also used by another VM' : undefined,
    });
  }
  return rows;
}

export function DeleteVmDialog({ vms, state, onDone }: { vms: Resolved<VMRecord>[]; state: MirrorState; onDone: (choice: DeleteVmChoice | undefined) => void }) {
  const bodyId = useId();
  const rows = vms.map((vm) => ({ vm, disks: disksOf(vm, state) }));
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(rows.flatMap((r) => r.disks.filter((d) => !d.keptBecause).map((d) => d.key))));
  const title = vms.length === 1 ? `Delete ${vms[0].record.name_label}?` : `Delete ${vms.length} VMs?`;

  const submit = () => onDone({ disks: rows.flatMap((r) => r.disks.filter((d) => chosen.has(d.key) && !d.keptBecause)).map((d) => ({ vmRef: d.vmRef, vdiRef: d.vdiRef, name: d.name })) });

  return (
    <Dialog
      title={title}
      onClose={() => onDone(undefined)}
      describedBy={bodyId}
      footer={
        <>
          <button type="button" className="button" data-autofocus onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={submit}>
            Delete
          </button>
        </>
      }
    >
      <p id={bodyId}>The VM configuration is deleted for good. Choose which disks to delete with it; the others stay on their storage and can be attached to another VM.</p>
      {rows.map(({ vm, disks }) => (
        <fieldset key={vm.target.ref} className="dialog-fieldset">
          <legend>{vm.record.name_label}</legend>
          {disks.length === 0 && <p className="muted">No disks.</p>}
          {disks.map((d) => (
            <label key={d.key} className="checkbox-row">
              <input
                type="checkbox"
                disabled={Boolean(d.keptBecause)}
                checked={chosen.has(d.key) && !d.keptBecause}
                onChange={(e) =>
                  setChosen((prev) => {
                    const next = new Set(prev);
                    if (e.target.checked) next.add(d.key);
                    else next.delete(d.key);
                    return next;
                  })
                }
              />
              <span>
                Delete disk “{d.name}” ({formatBytes(d.size)}){d.keptBecause && <span className="muted"> — kept: {d.keptBecause}</span>}
              </span>
            </label>
          ))}
        </fieldset>
      ))}
    </Dialog>
  );
}
