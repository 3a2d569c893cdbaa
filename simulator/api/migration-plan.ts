/**
 * What a migrate_send moves, decided as xapi's migrate_send' does once the checks pass: the complete VDI map
 * (the client's map, then snapshot disks following their parent disk, suspend images going to the
 * destination's suspend SR or default SR), which disks are copied (all of them across pools; within a pool
 * those whose SR changes), the CDs xapi ejects (an ISO cannot follow the VM), and how much memory streams.
 */
import type { CallContext } from '../rpc/call-context';
import { NULL_REF, type XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { srsVisibleFrom } from './boot-checks';
import { diskVdis, type MigrationCheck, type MigrationRequest } from './migration-checks';
import { domainMemoryBytes } from './migration-transfer';

export interface DiskMove {
  vdi: string;
  /** Destination SR (in the destination pool). */
  sr: string;
  bytes: number;
}

export interface MigrationPlan {
  check: MigrationCheck;
  vm: string;
  /** The VM and the snapshots that go with it (across pools, a copy leaves the snapshots behind). */
  vms: string[];
  /** Every VDI of the VM, its snapshots and suspend images, with its destination SR. */
  vdiMap: Map<string, string>;
  /** The VDIs whose data is copied. */
  moves: DiskMove[];
  /** CD drives emptied before the copy (their ISO stays behind). */
  cdsToEject: string[];
  /** Memory streamed to the receiving host (0 when the VM has no domain). */
  memoryBytes: number;
}

function snapshotDiskVdis(call: CallContext, snapshots: string[]): string[] {
  return [...new Set(snapshots.flatMap((s) => diskVdis(call.db, s)))];
}

/** Suspend images to move: the VM's and its checkpoints', unless the receiving host of an intra-pool move sees them already. */
function suspendVdis(call: CallContext, check: MigrationCheck, vms: string[]): string[] {
  const visible = check.destination.kind === 'intra' ? srsVisibleFrom(call.pool, check.destination.host) : new Set<string>();
  const out: string[] = [];
  for (const ref of vms) {
    const rec = call.db.get('VM', ref);
    const vdi = String(rec.suspend_VDI);
    if (rec.power_state !== 'Suspended' || vdi === NULL_REF || !call.db.has('VDI', vdi)) continue;
    if (!visible.has(String(call.db.get('VDI', vdi).SR))) out.push(vdi);
  }
  return out;
}

/** xapi's resolution of VDIs the client did not map: snapshot_of's SR, then the suspend SR, then the default SR. */
function extraTarget(call: CallContext, check: MigrationCheck, given: Record<string, string>, vdi: string, suspend: boolean): string {
  if (vdi in given) return given[vdi];
  const parent = String(call.db.get('VDI', vdi).snapshot_of);
  if (parent in given) return given[parent];
  const destDb = check.destination.pool.db;
  const pool = check.destination.pool.record;
  const suspendSr = String(pool.suspend_image_SR) !== NULL_REF ? String(pool.suspend_image_SR) : String(destDb.get('host', check.destination.host).suspend_image_sr);
  if (suspend && suspendSr !== NULL_REF && destDb.has('SR', suspendSr)) return suspendSr;
  const defaultSr = String(pool.default_SR);
  if (defaultSr !== NULL_REF && destDb.has('SR', defaultSr)) return defaultSr;
  throw new XapiError('VDI_NOT_IN_MAP', [vdi]);
}

/** The VM's CD drives whose ISO does not stay where it is (xapi's find_cds_to_eject; not for suspended VMs). */
function cdsToEject(call: CallContext, vm: XRecord, vdiMap: Map<string, string>): string[] {
  if (vm.power_state === 'Suspended') return [];
  return (vm.VBDs as string[]).filter((ref) => {
    const vbd = call.db.find('VBD', ref);
    if (!vbd || vbd.type !== 'CD' || vbd.empty || !call.db.has('VDI', String(vbd.VDI))) return false;
    return vdiMap.get(String(vbd.VDI)) !== call.db.get('VDI', String(vbd.VDI)).SR;
  });
}

export function planMigration(call: CallContext, req: MigrationRequest, check: MigrationCheck): MigrationPlan {
  const db = call.db;
  const intra = check.destination.kind === 'intra';
  if (check.copy && intra) {
    throw new XapiError('OPERATION_NOT_ALLOWED', ['Copy mode is disallowed on intra pool storage migration, try efficient alternatives, for example, VM.copy/clone.']);
  }
  const disks = diskVdis(db, req.vm);
  for (const vdi of disks) {
    if (db.get('VDI', vdi).on_boot === 'reset') throw new XapiError('VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION', [vdi]);
  }
  const snapshots = check.copy ? [] : [...(check.vm.snapshots as string[])];
  const vms = [req.vm, ...snapshots];
  const vdiMap = new Map(Object.entries(req.vdiMap));
  for (const vdi of snapshotDiskVdis(call, snapshots)) if (!vdiMap.has(vdi)) vdiMap.set(vdi, extraTarget(call, check, req.vdiMap, vdi, false));
  for (const vdi of suspendVdis(call, check, vms)) if (!vdiMap.has(vdi)) vdiMap.set(vdi, extraTarget(call, check, req.vdiMap, vdi, true));
  const moving = [...disks, ...snapshotDiskVdis(call, snapshots), ...suspendVdis(call, check, vms)];
  const moves: DiskMove[] = [];
  for (const vdi of new Set(moving)) {
    const sr = vdiMap.get(vdi)!;
    const rec = db.get('VDI', vdi);
    if (intra && rec.SR === sr) continue;
    if (rec.cbt_enabled) throw new XapiError('VDI_CBT_ENABLED', [vdi]);
    moves.push({ vdi, sr, bytes: Number(rec.physical_utilisation) || Number(rec.virtual_size) });
  }
  // xapi copies the smallest disks first, so snapshot chains arrive base before leaf.
  moves.sort((a, b) => a.bytes - b.bytes);
  const live = check.vm.power_state === 'Running' || check.vm.power_state === 'Paused';
  return {
    check, vm: req.vm, vms, vdiMap, moves, cdsToEject: cdsToEject(call, check.vm, vdiMap),
    // A live VM's memory always streams, to itself too when it stays on its host (xapi's localhost migration).
    memoryBytes: live ? domainMemoryBytes(db, check.vm) : 0,
  };
}
