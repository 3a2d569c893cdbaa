/**
 * Storage for a migration, read from the mirror as XenCenter reads its cache: which disks of a VM move (its
 * own disks; its snapshots' disks follow their parent; CDs stay out), which SRs may take them (storage
 * migration needs VDI_SNAPSHOT and VDI_MIRROR in the SR type's SM record; the SR must be plugged where the
 * VM will run), and how much room each SR needs for the disks mapped to it.
 */
import type { SRRecord, VBDRecord, VDIRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store';
import { isNullRef } from '../../store';
import { objectLabels } from '../../store/object-labels';

type Mirror = Pick<ConnectionMirror, 'objects'>;

/** One disk of a VM that moves with it. */
export interface MigrationDisk {
  vm: string;
  vdi: string;
  record: VDIRecord;
  vbd: VBDRecord;
  /** Disks of the VM's snapshots taken from this one: they go where it goes. */
  snapshots: string[];
}

const isIsoSr = (sr: SRRecord | undefined) => !sr || sr.content_type === 'iso' || sr.type === 'iso' || sr.type === 'udev';

/** The SM record of an SR's type: what its driver can do. */
function smOf(mirror: Mirror, sr: SRRecord) {
  for (const sm of mirror.objects.SM?.values() ?? []) if (sm.type === sr.type) return sm;
  return undefined;
}

function smCan(mirror: Mirror, sr: SRRecord, feature: string): boolean {
  const sm = smOf(mirror, sr);
  if (!sm) return false;
  // `features` (with versions) replaced `capabilities` in newer pools; older ones have only the list.
  return feature in (sm.features ?? {}) || (sm.capabilities ?? []).includes(feature);
}

/** XenCenter's SR.SupportsStorageMigration(): not ISO or tmpfs, and the driver snapshots and mirrors disks. */
export function supportsStorageMigration(mirror: Mirror, sr: SRRecord): boolean {
  if (isIsoSr(sr) || sr.type === 'tmpfs' || sr.type === 'rawhba') return false;
  return smCan(mirror, sr, 'VDI_SNAPSHOT') && smCan(mirror, sr, 'VDI_MIRROR');
}

/** The SR can hold new disks (an offline copy lands there). */
export function supportsVdiCreate(mirror: Mirror, sr: SRRecord): boolean {
  return !isIsoSr(sr) && (sr.allowed_operations?.includes('vdi_create') || smCan(mirror, sr, 'VDI_CREATE'));
}

export const srFreeSpace = (sr: SRRecord) => Math.max(0, sr.physical_size - sr.physical_utilisation);

/** Plugged on `host` (a local SR), or shared and plugged somewhere; any attached SR when no host is named. */
export function srVisibleFrom(mirror: Mirror, srRef: string, host: string | undefined): boolean {
  const sr = mirror.objects.SR?.get(srRef);
  if (!sr) return false;
  const pbds = sr.PBDs.map((p) => mirror.objects.PBD?.get(p)).filter((p) => p !== undefined);
  if (!pbds.some((p) => p.currently_attached)) return false;
  if (sr.shared || host === undefined) return true;
  return pbds.some((p) => p.host === host && p.currently_attached);
}

/** A VM's disks that move: its VBDs of type Disk with a VDI that is not on an ISO library, in device order. */
export function migrationDisks(mirror: Mirror, vmRef: string): MigrationDisk[] {
  const o = mirror.objects;
  const vm = o.VM?.get(vmRef);
  if (!vm) return [];
  const snapshotDisks = new Map<string, string[]>();
  for (const snapshot of vm.snapshots) {
    for (const vbdRef of o.VM?.get(snapshot)?.VBDs ?? []) {
      const vbd = o.VBD?.get(vbdRef);
      const vdi = vbd && !isNullRef(vbd.VDI) ? o.VDI?.get(vbd.VDI) : undefined;
      if (!vbd || vbd.type !== 'Disk' || !vdi || isNullRef(vdi.snapshot_of)) continue;
      snapshotDisks.set(vdi.snapshot_of, [...(snapshotDisks.get(vdi.snapshot_of) ?? []), vbd.VDI]);
    }
  }
  const out: MigrationDisk[] = [];
  for (const vbdRef of vm.VBDs) {
    const vbd = o.VBD?.get(vbdRef);
    if (!vbd || vbd.type !== 'Disk' || vbd.empty || isNullRef(vbd.VDI)) continue;
    const record = o.VDI?.get(vbd.VDI);
    if (!record || isIsoSr(o.SR?.get(record.SR))) continue;
    out.push({ vm: vmRef, vdi: vbd.VDI, record, vbd, snapshots: snapshotDisks.get(vbd.VDI) ?? [] });
  }
  return out.sort((a, b) => Number(a.vbd.userdevice) - Number(b.vbd.userdevice));
}

/** The VM's CDs with a disc in (not the tools ISO): kept on their SR within a pool, as XenCenter does (CA-339584). */
export function loadedCds(mirror: Mirror, vmRef: string): { vdi: string; sr: string; local: boolean }[] {
  const o = mirror.objects;
  const out: { vdi: string; sr: string; local: boolean }[] = [];
  for (const vbdRef of o.VM?.get(vmRef)?.VBDs ?? []) {
    const vbd = o.VBD?.get(vbdRef);
    const vdi = vbd && vbd.type === 'CD' && !vbd.empty && !isNullRef(vbd.VDI) ? o.VDI?.get(vbd.VDI) : undefined;
    const sr = vdi ? o.SR?.get(vdi.SR) : undefined;
    if (!vdi || !sr || vdi.is_tools_iso) continue;
    out.push({ vdi: vbd!.VDI, sr: vdi.SR, local: !sr.shared });
  }
  return out;
}

/** Every disk of the VM on shared storage: it can live-migrate within its pool without moving a disk. */
export function isAgile(mirror: Mirror, vmRef: string): boolean {
  return migrationDisks(mirror, vmRef).every((d) => mirror.objects.SR?.get(d.record.SR)?.shared);
}

export interface SrChoice {
  ref: string;
  label: string;
  free: number;
  shared: boolean;
}

/**
 * SRs of the destination that may take disks for this move: attached, not ISO, shared or local to the
 * receiving host, and able to take part in storage migration (any that holds new disks for a move within
 * the pool, which is an offline copy). Sorted: shared first, then by name.
 */
export function candidateSrs(target: Mirror, host: string | undefined, offlineCopy: boolean): SrChoice[] {
  const labels = objectLabels(target, 'SR');
  const out: SrChoice[] = [];
  for (const [ref, sr] of target.objects.SR ?? []) {
    if (isIsoSr(sr) || sr.other_config?.HideFromXenCenter === 'true') continue;
    if (!srVisibleFrom(target, ref, host)) continue;
    if (offlineCopy ? !supportsVdiCreate(target, sr) : !supportsStorageMigration(target, sr)) continue;
    out.push({ ref, label: labels.get(ref) ?? sr.name_label, free: srFreeSpace(sr), shared: sr.shared });
  }
  return out.sort((a, b) => Number(b.shared) - Number(a.shared) || a.label.localeCompare(b.label, undefined, { numeric: true }));
}

/**
 * Space each destination SR needs for `mapping` (disk → SR): the disks' allocated size, their snapshots'
 * with them; nothing for a disk that stays on its own SR.
 */
export function spaceNeeded(source: Mirror, disks: readonly MigrationDisk[], mapping: Readonly<Record<string, string>>, sameConnection: boolean): Map<string, number> {
  const need = new Map<string, number>();
  for (const d of disks) {
    const sr = mapping[d.vdi];
    if (!sr || (sameConnection && sr === d.record.SR)) continue;
    const snapshots = d.snapshots.reduce((n, s) => n + (source.objects.VDI?.get(s)?.physical_utilisation ?? 0), 0);
    need.set(sr, (need.get(sr) ?? 0) + d.record.physical_utilisation + snapshots);
  }
  return need;
}

/** SRs that `mapping` overfills: SR ref → bytes needed beyond its free space. */
export function overfilledSrs(source: Mirror, target: Mirror, disks: readonly MigrationDisk[], mapping: Readonly<Record<string, string>>, sameConnection: boolean): Map<string, { need: number; free: number }> {
  const out = new Map<string, { need: number; free: number }>();
  for (const [ref, need] of spaceNeeded(source, disks, mapping, sameConnection)) {
    const sr = target.objects.SR?.get(ref);
    const free = sr ? srFreeSpace(sr) : 0;
    if (need > free) out.set(ref, { need, free });
  }
  return out;
}
