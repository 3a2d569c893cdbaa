/**
 * The end of an intra-pool VM.migrate_send (storage motion), as xapi's intra_pool_vdi_remap does: the VM
 * keeps its ref and uuid; every VBD (the VM's and its snapshots') and suspend image that pointed at a moved
 * disk points at the copy on the new SR; the old disks go; a live VM now runs on the receiving host.
 */
import type { CallContext } from '../rpc/call-context';
import { NULL_REF } from '../db/object-db';
import { srsVisibleFrom } from './boot-checks';
import type { DiskCopies } from './disk-copies';
import type { MigrationPlan } from './migration-plan';
import { markMigrated } from './vm-state';
import { destroyVdi } from './vm-snapshot';

export function commitIntraPool(call: CallContext, plan: MigrationPlan, copies: DiskCopies): void {
  const db = call.db;
  const staying = new Set<string>();
  for (const vmRef of plan.vms) {
    const vm = db.get('VM', vmRef);
    for (const vbd of vm.VBDs as string[]) {
      const vdi = String(db.get('VBD', vbd).VDI);
      const moved = copies.created.get(vdi);
      if (moved) db.update('VBD', vbd, { VDI: moved });
      else if (vdi !== NULL_REF && db.find('VDI', vdi)?.is_a_snapshot) staying.add(vdi);
    }
    const suspend = copies.created.get(String(vm.suspend_VDI));
    if (suspend) db.update('VM', vmRef, { suspend_VDI: suspend });
  }
  copies.linkSnapshots([...staying]);
  for (const old of copies.created.keys()) destroyVdi(call.pool, old);
  const dest = plan.check.destination.host;
  const vm = db.get('VM', plan.vm);
  const live = vm.power_state === 'Running' || vm.power_state === 'Paused';
  if (live && vm.resident_on !== dest) markMigrated(call.pool, plan.vm, dest);
  // xapi's intra_pool_fix_suspend_sr: a suspend SR the new host cannot see is forgotten.
  if (vm.suspend_SR !== NULL_REF && !srsVisibleFrom(call.pool, dest).has(String(vm.suspend_SR))) db.update('VM', plan.vm, { suspend_SR: NULL_REF });
}
