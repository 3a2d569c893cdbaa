/**
 * The end of a cross-pool VM.migrate_send, as xapi's inter_pool_metadata_transfer and the clean-up after it:
 * the VM and its snapshots appear in the destination pool with new refs and the same uuids (a copy gets a
 * new uuid and leaves its snapshots behind), their VBDs on the copied disks, their VIFs on the mapped
 * networks, a running VM resident on the receiving host with new consoles and the same guest; then (unless
 * copying) the source forgets them: VMs, devices, disks, and its messages move to the destination.
 * Everything happens in one step, so each pool's event stream shows the VM either here or there.
 */
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { translateRecord } from './foreign-record';
import type { DiskCopies } from './disk-copies';
import type { MigrationPlan } from './migration-plan';
import { createConsoles, nextDomid, refreshHostMemory } from './vm-state';
import { destroyVdi } from './vm-snapshot';

function copyRecord(from: PoolSim, to: PoolSim, cls: string, ref: string, extra: XRecord = {}): string {
  if (ref === NULL_REF || !from.db.has(cls, ref)) return NULL_REF;
  const { uuid: _uuid, ...fields } = translateRecord(cls, from.db.get(cls, ref), () => undefined);
  return to.db.create(cls, { ...fields, ...extra });
}

function createVm(call: CallContext, plan: MigrationPlan, dest: PoolSim, vmRef: string, newRef: string, copies: DiskCopies): void {
  const src = call.db.get('VM', vmRef);
  const destHost = plan.check.destination.host;
  const live = !src.is_a_snapshot && (src.power_state === 'Running' || src.power_state === 'Paused');
  const fields = translateRecord('VM', src, (cls, ref) => (cls === 'VDI' ? copies.created.get(ref) : undefined));
  dest.db.create('VM', {
    ...fields, uuid: plan.check.copy ? dest.db.newUuid() : src.uuid, current_operations: {}, allowed_operations: [],
    resident_on: live ? destHost : NULL_REF, scheduled_to_be_resident_on: NULL_REF, domid: live ? nextDomid(dest, destHost) : -1,
    metrics: copyRecord(call.pool, dest, 'VM_metrics', String(src.metrics)),
    guest_metrics: live ? copyRecord(call.pool, dest, 'VM_guest_metrics', String(src.guest_metrics)) : NULL_REF,
  }, { ref: newRef });
  for (const vbdRef of src.VBDs as string[]) {
    const vbd = call.db.get('VBD', vbdRef);
    const vdi = copies.created.get(String(vbd.VDI));
    // A CD's ISO lives in the source pool's library: the drive arrives empty.
    dest.db.create('VBD', {
      ...translateRecord('VBD', vbd, () => undefined), uuid: undefined, VM: newRef, VDI: vdi ?? NULL_REF, empty: !vdi, current_operations: {},
      currently_attached: live && !!vdi,
    });
  }
  for (const vifRef of src.VIFs as string[]) {
    const vif = call.db.get('VIF', vifRef);
    dest.db.create('VIF', {
      ...translateRecord('VIF', vif, () => undefined), uuid: undefined, VM: newRef, network: plan.check.vifMap.get(vifRef) ?? NULL_REF,
      current_operations: {}, currently_attached: live,
    });
  }
  if (live) createConsoles(dest, newRef, destHost);
  const profile = call.pool.guests.get(vmRef);
  if (profile) dest.guests.set(newRef, { ...profile, ips: plan.check.copy ? [] : profile.ips });
}

/** Destroys a VM of the source pool with everything that belongs to it but its disks. */
function forgetVm(pool: PoolSim, vmRef: string): void {
  const db = pool.db;
  const vm = db.get('VM', vmRef);
  for (const [set, cls] of [['VBDs', 'VBD'], ['VIFs', 'VIF'], ['consoles', 'console']] as const) {
    for (const r of [...(vm[set] as string[])]) if (db.has(cls, r)) db.destroy(cls, r);
  }
  for (const [field, cls] of [['metrics', 'VM_metrics'], ['guest_metrics', 'VM_guest_metrics']] as const) {
    if (db.has(cls, String(vm[field]))) db.destroy(cls, String(vm[field]));
  }
  pool.guests.delete(vmRef);
  db.destroy('VM', vmRef);
}

/** xapi sends the VM's messages to the destination pool and destroys them in the source. */
function moveMessages(from: PoolSim, to: PoolSim, uuids: Set<string>): void {
  for (const [ref, m] of [...from.db.all('message')]) {
    if (m.cls !== 'VM' || !uuids.has(String(m.obj_uuid))) continue;
    const { uuid: _uuid, ...fields } = m;
    to.db.create('message', fields);
    from.db.destroy('message', ref);
  }
}

/** Returns the VM's ref in the destination pool. */
export function commitCrossPool(call: CallContext, plan: MigrationPlan, copies: DiskCopies): string {
  const dest = plan.check.destination.pool;
  const newRefs = new Map(plan.vms.map((vm) => [vm, dest.db.newRef()]));
  for (const vm of plan.vms) createVm(call, plan, dest, vm, newRefs.get(vm)!, copies);
  // The snapshot tree, once every member exists (VM.snapshot_of/parent keep the reverse sets in step).
  for (const [from, to] of newRefs) {
    const src = call.db.get('VM', from);
    const link = (ref: unknown) => newRefs.get(String(ref)) ?? NULL_REF;
    dest.db.update('VM', to, { snapshot_of: link(src.snapshot_of), parent: link(src.parent) });
  }
  copies.linkSnapshots();
  refreshHostMemory(dest, plan.check.destination.host);
  const newVm = newRefs.get(plan.vm)!;
  if (plan.check.copy) return newVm;

  const sourceHost = String(call.db.get('VM', plan.vm).resident_on);
  const uuids = new Set(plan.vms.map((vm) => String(call.db.get('VM', vm).uuid)));
  for (const [from, to] of newRefs) call.sim.emitVmMove({ from: call.pool, fromRef: from, to: dest, toRef: to, uuid: String(call.db.get('VM', from).uuid) });
  moveMessages(call.pool, dest, uuids);
  for (const vm of [...plan.vms].reverse()) forgetVm(call.pool, vm);
  for (const vdi of copies.created.keys()) destroyVdi(call.pool, vdi);
  refreshHostMemory(call.pool, sourceHost);
  return newVm;
}
