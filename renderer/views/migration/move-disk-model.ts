/**
 * Move virtual disk, as XenCenter's MoveVirtualDiskDialog decides it: a disk of a running VM is migrated live
 * (VDI.pool_migrate, MigrateVirtualDiskCommand), a disk of halted VMs (or of none) is copied offline to its
 * new SR (MoveVirtualDiskCommand); which disks may move and which SRs may take them, each refusal in words.
 */
import type { VDIRecord, VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store';
import { isNullRef } from '../../store';
import { objectLabels } from '../../store/object-labels';
import { formatBytes } from '../tabs/format';
import { srFreeSpace, srVisibleFrom, supportsStorageMigration, supportsVdiCreate } from './storage-choices';

type Mirror = Pick<ConnectionMirror, 'objects'>;

export type DiskMoveKind = 'live' | 'offline';

/** The VMs using a disk (through its drives). */
export function vmsOfDisk(mirror: Mirror, vdi: VDIRecord): { ref: string; vm: VMRecord }[] {
  const out: { ref: string; vm: VMRecord }[] = [];
  for (const vbdRef of vdi.VBDs) {
    const vbd = mirror.objects.VBD?.get(vbdRef);
    const vm = vbd ? mirror.objects.VM?.get(vbd.VM) : undefined;
    if (vbd && vm) out.push({ ref: vbd.VM, vm });
  }
  return out;
}

/** Live when a VM using the disk runs (xapi mirrors it while the guest writes), offline when all are halted. */
export function moveKind(mirror: Mirror, vdi: VDIRecord): DiskMoveKind {
  return vmsOfDisk(mirror, vdi).some(({ vm }) => vm.power_state === 'Running') ? 'live' : 'offline';
}

/** Why the disk cannot move (XenCenter's CanBeMigrated / CanBeMoved); undefined when it can. */
export function diskMoveReason(mirror: Mirror, vdiRef: string): string | undefined {
  const vdi = mirror.objects.VDI?.get(vdiRef);
  if (!vdi) return 'The disk no longer exists.';
  const name = vdi.name_label || 'This disk';
  const sr = mirror.objects.SR?.get(vdi.SR);
  if (vdi.is_a_snapshot) return `${name} is a snapshot: it stays with the VM’s disk.`;
  if (sr?.content_type === 'iso' || vdi.is_tools_iso) return `${name} is on an ISO library: it cannot be moved.`;
  if (vdi.type === 'ha_statefile' || vdi.type === 'redo_log') return `${name} is used by high availability: disable HA to move it.`;
  if (vdi.type === 'metadata') return `${name} holds disaster recovery metadata: it cannot be moved.`;
  if (vdi.cbt_enabled) return `Changed block tracking is on for ${name}: turn it off to move it.`;
  if (Object.keys(vdi.current_operations ?? {}).length) return `${name} is busy: wait for its current operation to finish.`;
  const users = vmsOfDisk(mirror, vdi);
  const odd = users.find(({ vm }) => vm.power_state !== 'Running' && vm.power_state !== 'Halted');
  if (odd) return `${odd.vm.name_label} is ${odd.vm.power_state.toLowerCase()}: resume or shut it down to move its disk.`;
  if (moveKind(mirror, vdi) === 'live' && sr && !supportsStorageMigration(mirror, sr)) return `${sr.name_label} cannot take part in storage migration: shut the VM down to move the disk.`;
  return undefined;
}

export interface SrTarget {
  ref: string;
  label: string;
  free: number;
  /** Why the disks cannot go there; undefined when they can. */
  reason?: string;
}

/** The host the disks must stay reachable from: where their running VM runs (a local SR must be that host's). */
function homeOf(mirror: Mirror, vdis: VDIRecord[]): string | undefined {
  for (const vdi of vdis) {
    for (const { vm } of vmsOfDisk(mirror, vdi)) if (vm.power_state === 'Running' && !isNullRef(vm.resident_on)) return vm.resident_on;
  }
  return undefined;
}

/** Every SR of the pool (but ISO libraries) with why it cannot take these disks (XenCenter's SR picker, Migrate or Move). */
export function diskTargets(mirror: Mirror, vdiRefs: readonly string[]): SrTarget[] {
  const vdis = vdiRefs.map((r) => mirror.objects.VDI?.get(r)).filter((v) => v !== undefined);
  const live = vdis.some((v) => moveKind(mirror, v) === 'live');
  const home = homeOf(mirror, vdis);
  const homeName = home ? mirror.objects.host?.get(home)?.name_label : undefined;
  const labels = objectLabels(mirror, 'SR');
  const out: SrTarget[] = [];
  for (const [ref, sr] of mirror.objects.SR ?? []) {
    if (sr.content_type === 'iso' || sr.type === 'udev' || sr.other_config?.HideFromXenCenter === 'true') continue;
    const free = srFreeSpace(sr);
    const moving = vdis.filter((v) => v.SR !== ref);
    const need = moving.reduce((n, v) => n + v.physical_utilisation, 0);
    const reason =
      moving.length === 0 ? 'Current location'
      : !srVisibleFrom(mirror, ref, undefined) ? 'Detached: no server has it plugged.'
      : home && !srVisibleFrom(mirror, ref, home) ? `Not reachable from ${homeName ?? 'the VM’s server'}, where the VM runs.`
      : live && !supportsStorageMigration(mirror, sr) ? 'Cannot take part in storage migration.'
      : !live && !supportsVdiCreate(mirror, sr) ? 'Cannot hold new disks.'
      : need > free ? `Not enough space: ${formatBytes(need)} needed, ${formatBytes(free)} free.`
      : undefined;
    out.push({ ref, label: labels.get(ref) ?? sr.name_label, free, reason });
  }
  return out.sort((a, b) => Number(Boolean(a.reason)) - Number(Boolean(b.reason)) || a.label.localeCompare(b.label, undefined, { numeric: true }));
}
