/**
 * Snapshots as xapi makes them (Xapi_vm_clone Disk_op_snapshot/checkpoint, Xapi_vm_snapshot): VM.snapshot,
 * VM.snapshot_with_quiesce, VM.checkpoint, VM.revert, VM.destroy of snapshots (children rebased onto the
 * parent). A snapshot is a VM record with is_a_snapshot and is_a_template set,
 * snapshot_of the VM, parent the VM's previous parent; the VM's parent becomes the new snapshot, so `parent`
 * and `children` draw the tree XenCenter shows. Disks become VDIs with is_a_snapshot/snapshot_of.
 */
import type { ApiRegistry, ApiHandler } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { xapiDateTime } from '../datetime';
import { XapiError } from '../xapi-error';
import { markStopped, refreshAllowed } from './vm-state';

/** Simulated durations (ms). */
export const SNAPSHOT_DURATION = { snapshot: 3000, quiesce: 5000, checkpointSuspend: 4000, checkpointResume: 3000, revert: 4000 };

const MiB = 1024 ** 2;

/** Fields a snapshot or a revert never copies from its source (identity, runtime state, reverse sets). */
const NOT_COPIED = new Set(['uuid', 'VBDs', 'VIFs', 'consoles', 'snapshots', 'children', 'crash_dumps', 'VTPMs', 'VUSBs', 'VGPUs', 'attached_PCIs',
  'resident_on', 'scheduled_to_be_resident_on', 'metrics', 'guest_metrics', 'current_operations', 'allowed_operations', 'blobs', 'suspend_VDI']);

/** What Xapi_vm_snapshot.do_not_copy keeps on the VM when a revert copies the snapshot's metadata back. */
const REVERT_KEEPS = new Set(['uuid', 'suspend_VDI', 'power_state', 'parent', 'current_operations', 'allowed_operations', 'guest_metrics', 'resident_on',
  'domid', 'protection_policy', 'snapshot_schedule', 'scheduled_to_be_resident_on', 'snapshots', 'tags', 'affinity', 'consoles', 'VBDs', 'VIFs', 'VGPUs',
  'children', 'metrics', 'crash_dumps', 'VTPMs', 'VUSBs', 'attached_PCIs', 'blobs', 'snapshot_of', 'is_a_snapshot', 'is_a_template', 'snapshot_time',
  'snapshot_info', 'snapshot_metadata', 'transportable_snapshot_id', 'is_vmss_snapshot', 'is_snapshot_from_vmpp', 'appliance']);

async function step(call: CallContext, ms: number, progress: number): Promise<void> {
  if (call.task) await call.task.sleep(ms);
  else await call.clock.sleep(ms);
  call.task?.progress(progress);
}

/** xapi's check order: power state, then a running operation, then allowed_operations. */
function checkOp(call: CallContext, vmRef: string, op: string, states: string[]): XRecord {
  const vm = call.db.get('VM', vmRef);
  if (vm.is_control_domain) throw new XapiError('OPERATION_NOT_ALLOWED', [`Operation ${op} is not allowed on a control domain`]);
  const blocked = vm.blocked_operations as Record<string, string>;
  if (blocked[op] !== undefined) throw new XapiError('OPERATION_BLOCKED', [vmRef, blocked[op]]);
  if (!vm.is_a_template && !states.includes(String(vm.power_state))) {
    throw new XapiError('VM_BAD_POWER_STATE', [vmRef, states[0].toLowerCase(), String(vm.power_state).toLowerCase()]);
  }
  const current = Object.entries(vm.current_operations as Record<string, string>);
  if (current.length) throw new XapiError('OTHER_OPERATION_IN_PROGRESS', ['VM', vmRef, current[0][1], current[0][0]]);
  if (!(vm.allowed_operations as string[]).includes(op)) {
    const what = vm.is_a_snapshot ? 'a snapshot' : vm.is_a_template ? 'a template' : `a VM in state ${String(vm.power_state)}`;
    throw new XapiError('OPERATION_NOT_ALLOWED', [`${op} is not allowed on ${what}`]);
  }
  return vm;
}

/** Runs `body` with `op` in each VM's current_operations (keyed by the task), as xapi's with_vm_operation. */
async function withOps<T>(call: CallContext, ops: [string, string][], body: () => Promise<T>): Promise<T> {
  const key = call.task?.ref ?? call.db.newRef();
  for (const [vm, op] of ops) {
    call.db.update('VM', vm, { current_operations: { ...(call.db.get('VM', vm).current_operations as Record<string, string>), [key]: op } });
  }
  try {
    return await body();
  } finally {
    for (const [vm] of ops) {
      if (!call.db.has('VM', vm)) continue;
      const cur = { ...(call.db.get('VM', vm).current_operations as Record<string, string>) };
      delete cur[key];
      call.db.update('VM', vm, { current_operations: cur });
      refreshAllowed(call.pool, vm);
    }
  }
}

function adjustSr(pool: PoolSim, sr: string, physical: number, virtual: number): void {
  if (!pool.db.has('SR', sr)) return;
  const rec = pool.db.get('SR', sr);
  pool.db.update('SR', sr, {
    physical_utilisation: Math.max(0, Number(rec.physical_utilisation) + physical), virtual_allocation: Math.max(0, Number(rec.virtual_allocation) + virtual),
  });
}

/** Creates a VDI and charges its SR. */
export function createVdi(pool: PoolSim, fields: XRecord): string {
  const ref = pool.db.create('VDI', { current_operations: {}, VBDs: [], snapshots: [], location: pool.db.newUuid(), ...fields });
  const vdi = pool.db.get('VDI', ref);
  adjustSr(pool, String(vdi.SR), Number(vdi.physical_utilisation), Number(vdi.virtual_size));
  return ref;
}

/** Destroys a VDI (and any VBD still pointing at it) and gives its space back to the SR. */
export function destroyVdi(pool: PoolSim, vdiRef: string): void {
  if (!pool.db.has('VDI', vdiRef)) return;
  const vdi = pool.db.get('VDI', vdiRef);
  for (const vbd of [...(vdi.VBDs as string[])]) if (pool.db.has('VBD', vbd)) pool.db.destroy('VBD', vbd);
  pool.db.destroy('VDI', vdiRef);
  adjustSr(pool, String(vdi.SR), -Number(vdi.physical_utilisation), -Number(vdi.virtual_size));
}

/**
 * A VHD snapshot freezes the current data as a shared parent; the snapshot leaf only holds what the guest
 * wrote lately (8 MiB minimum, as xapi reports for a fresh leaf).
 */
function snapshotLeafSize(from: XRecord): number {
  return Math.min(Number(from.virtual_size), 8 * MiB + Math.round(Number(from.physical_utilisation) * 0.02 / MiB) * MiB);
}

function snapshotVdi(pool: PoolSim, vdiRef: string, now: string): string {
  const from = pool.db.get('VDI', vdiRef);
  return createVdi(pool, {
    ...from, uuid: undefined, VBDs: [], snapshots: [], crash_dumps: [], is_a_snapshot: true, snapshot_of: vdiRef, snapshot_time: now,
    physical_utilisation: snapshotLeafSize(from), location: pool.db.newUuid(), current_operations: {},
    sm_config: { ...(from.sm_config as Record<string, string>), 'vhd-parent': String(from.uuid) },
  });
}

/** A full-size thin clone, as Disk_op_clone gives during a revert. */
function cloneVdi(pool: PoolSim, vdiRef: string): string {
  const from = pool.db.get('VDI', vdiRef);
  return createVdi(pool, {
    ...from, uuid: undefined, VBDs: [], snapshots: [], crash_dumps: [], is_a_snapshot: false, snapshot_of: NULL_REF, snapshot_time: xapiDateTime(0),
    physical_utilisation: Math.min(Number(from.virtual_size), 8 * MiB), location: pool.db.newUuid(), current_operations: {},
  });
}

function copyGuestMetrics(pool: PoolSim, gm: string): string {
  if (gm === NULL_REF || !pool.db.has('VM_guest_metrics', gm)) return NULL_REF;
  const { uuid: _uuid, ...rest } = pool.db.get('VM_guest_metrics', gm);
  return pool.db.create('VM_guest_metrics', rest);
}

function copyMetrics(pool: PoolSim, m: string): string {
  const now = xapiDateTime(pool.sim.clock.now());
  const install = pool.db.find('VM_metrics', m)?.install_time ?? now;
  return pool.db.create('VM_metrics', { install_time: install, last_updated: now, state: [] });
}

/** The VM's fields at snapshot time, kept for VM.revert (xapi keeps an S-expression of the row; ours is JSON). */
function metadataOf(vm: XRecord): string {
  const fields: XRecord = {};
  for (const [k, v] of Object.entries(vm)) if (!REVERT_KEEPS.has(k)) fields[k] = v;
  return JSON.stringify(fields);
}

export interface SnapshotOptions {
  kind: 'snapshot' | 'checkpoint';
  quiesced?: boolean;
  vmss?: boolean;
  ignoreVdis?: string[];
}

/** Makes the snapshot records: VM, VBDs with snapshot VDIs, VIFs (same MACs), metrics copies; moves the VM's parent. */
export function createSnapshotRecords(pool: PoolSim, vmRef: string, name: string, opts: SnapshotOptions): string {
  const db = pool.db;
  const vm = db.get('VM', vmRef);
  const now = xapiDateTime(pool.sim.clock.now());
  const checkpoint = opts.kind === 'checkpoint' && vm.power_state === 'Running';
  const info: Record<string, string> = { 'disk-snapshot-type': opts.quiesced ? 'quiesced' : 'crash_consistent', 'power-state-at-snapshot': String(vm.power_state) };
  const fields: XRecord = {};
  for (const [k, v] of Object.entries(vm)) if (!NOT_COPIED.has(k)) fields[k] = v;
  const snap = db.create('VM', {
    ...fields, name_label: name, is_a_template: true, is_default_template: false, is_a_snapshot: true, snapshot_of: vmRef, snapshot_time: now,
    snapshot_info: info, snapshot_metadata: metadataOf(vm), transportable_snapshot_id: opts.quiesced ? db.newUuid() : '', parent: vm.parent,
    power_state: checkpoint ? 'Suspended' : 'Halted', domid: -1, resident_on: NULL_REF, scheduled_to_be_resident_on: NULL_REF,
    metrics: copyMetrics(pool, String(vm.metrics)), guest_metrics: copyGuestMetrics(pool, String(vm.guest_metrics)), blocked_operations: {},
    ha_always_run: false, is_vmss_snapshot: !!opts.vmss, is_snapshot_from_vmpp: false, snapshot_schedule: NULL_REF, protection_policy: NULL_REF,
    appliance: NULL_REF, start_delay: 0, shutdown_delay: 0, order: 0, suspend_SR: NULL_REF, current_operations: {}, allowed_operations: [],
  });
  const ignore = new Set(opts.ignoreVdis ?? []);
  for (const vbdRef of vm.VBDs as string[]) {
    const vbd = db.find('VBD', vbdRef);
    if (!vbd) continue;
    let vdi = String(vbd.VDI);
    if (vbd.type === 'Disk' && vdi !== NULL_REF && db.has('VDI', vdi)) {
      if (ignore.has(vdi)) continue;
      vdi = snapshotVdi(pool, vdi, now);
    }
    // CA-58405: the snapshot owns its disks, so deleting it can clean them up.
    const otherConfig = vbd.type === 'Disk' ? { owner: '', ...(vbd.other_config as Record<string, string>) } : vbd.other_config;
    db.create('VBD', { ...vbd, uuid: undefined, VM: snap, VDI: vdi, currently_attached: false, current_operations: {}, other_config: otherConfig });
  }
  for (const vifRef of vm.VIFs as string[]) {
    const vif = db.find('VIF', vifRef);
    if (vif) db.create('VIF', { ...vif, uuid: undefined, VM: snap, currently_attached: false, current_operations: {} });
  }
  if (checkpoint) {
    // The memory image the checkpoint saved, on the pool's suspend SR (or the first disk's SR), as a suspend VDI.
    const firstDisk = (vm.VBDs as string[]).map((r) => db.find('VBD', r)).find((b) => b && !b.empty && b.type === 'Disk');
    const suspendSr = String(pool.record.suspend_image_SR) !== NULL_REF && db.has('SR', String(pool.record.suspend_image_SR))
      ? String(pool.record.suspend_image_SR) : firstDisk ? String(db.get('VDI', String(firstDisk.VDI)).SR) : NULL_REF;
    if (suspendSr !== NULL_REF) {
      const image = createVdi(pool, {
        name_label: `Suspend image for ${name}`, name_description: '', SR: suspendSr, type: 'suspend', virtual_size: Number(vm.memory_static_max),
        physical_utilisation: Number(vm.memory_target) || Number(vm.memory_dynamic_max), managed: true, sharable: false, read_only: false,
        is_a_snapshot: true, snapshot_time: now, allowed_operations: ['destroy', 'clone', 'copy'], on_boot: 'persist',
      });
      db.update('VM', snap, { suspend_VDI: image, suspend_SR: suspendSr });
    }
  }
  db.update('VM', vmRef, { parent: snap });
  refreshAllowed(pool, snap);
  return snap;
}

/** Whether the guest's PV tools advertise a VSS provider (xapi reads control/feature-quiesce from xenstore). */
export function supportsQuiesce(pool: PoolSim, vmRef: string): boolean {
  const gm = pool.db.find('VM_guest_metrics', String(pool.db.get('VM', vmRef).guest_metrics));
  const other = (gm?.other ?? {}) as Record<string, string>;
  return other['feature-quiesce'] === '1' || other['feature-snapshot'] === '1';
}

export async function snapshot(call: CallContext, vmRef: string, name: string, opts: SnapshotOptions): Promise<string> {
  const op = opts.kind === 'checkpoint' ? 'checkpoint' : opts.quiesced ? 'snapshot_with_quiesce' : 'snapshot';
  if (opts.kind === 'checkpoint') checkOp(call, vmRef, 'checkpoint', ['Running']);
  else if (opts.quiesced) {
    checkOp(call, vmRef, 'snapshot', ['Running']);
    if (!supportsQuiesce(call.pool, vmRef)) throw new XapiError('VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED', [vmRef, 'the guest has no VSS provider']);
  } else checkOp(call, vmRef, 'snapshot', ['Running', 'Halted', 'Paused', 'Suspended']);
  return withOps(call, [[vmRef, op]], async () => {
    if (opts.kind === 'checkpoint') {
      // Live suspend: the memory goes to disk first, then the disks are snapshotted, then the guest resumes.
      await step(call, SNAPSHOT_DURATION.checkpointSuspend, 0.4);
      await step(call, SNAPSHOT_DURATION.snapshot, 0.7);
      const snap = createSnapshotRecords(call.pool, vmRef, name, opts);
      await step(call, SNAPSHOT_DURATION.checkpointResume, 0.95);
      return snap;
    }
    if (opts.quiesced) await step(call, SNAPSHOT_DURATION.quiesce, 0.4);
    await step(call, SNAPSHOT_DURATION.snapshot / 2, 0.6);
    await step(call, SNAPSHOT_DURATION.snapshot / 2, 0.9);
    return createSnapshotRecords(call.pool, vmRef, name, opts);
  });
}

/** Xapi_vm_snapshot.revert: the VM gets clones of the snapshot's disks, its VIFs and fields, and ends in the snapshot's power state. */
async function revert(call: CallContext, snapRef: string): Promise<void> {
  const db = call.db;
  const snap = db.get('VM', snapRef);
  if (!snap.is_a_snapshot) throw new XapiError('OPERATION_NOT_ALLOWED', ['revert is only allowed on a snapshot']);
  const vmRef = String(snap.snapshot_of);
  if (vmRef === NULL_REF || !db.has('VM', vmRef)) throw new XapiError('VM_REVERT_FAILED', [snapRef, vmRef]);
  checkOp(call, snapRef, 'revert', ['Halted', 'Suspended']);
  const vmCurrent = Object.entries(db.get('VM', vmRef).current_operations as Record<string, string>);
  if (vmCurrent.length) throw new XapiError('OTHER_OPERATION_IN_PROGRESS', ['VM', vmRef, vmCurrent[0][1], vmCurrent[0][0]]);
  await withOps(call, [[snapRef, 'revert'], [vmRef, 'reverting']], async () => {
    const vm = db.get('VM', vmRef);
    // The running domain goes first (xenopsd destroys it), then the old disks to make room.
    if (vm.power_state !== 'Halted') markStopped(call.pool, vmRef, 'Halted');
    await step(call, SNAPSHOT_DURATION.revert / 4, 0.2);
    const snapDisks = (snap.VBDs as string[]).map((r) => db.find('VBD', r)).filter((b): b is XRecord => !!b && b.type === 'Disk' && b.VDI !== NULL_REF);
    const snapshotted = new Set(snapDisks.map((b) => String(db.find('VDI', String(b.VDI))?.snapshot_of ?? NULL_REF)));
    const current = db.get('VM', vmRef);
    const oldDisks = (current.VBDs as string[]).map((r) => db.find('VBD', r)).filter((b): b is XRecord => !!b && b.type === 'Disk')
      .map((b) => String(b.VDI)).filter((v) => snapshotted.has(v));
    for (const r of [...(current.VBDs as string[])]) if (db.has('VBD', r)) db.destroy('VBD', r);
    destroyVdi(call.pool, String(current.suspend_VDI));
    for (const v of oldDisks) destroyVdi(call.pool, v);
    await step(call, SNAPSHOT_DURATION.revert / 4, 0.5);
    for (const vbdRef of snap.VBDs as string[]) {
      const vbd = db.find('VBD', vbdRef);
      if (!vbd) continue;
      let vdi = String(vbd.VDI);
      if (vbd.type === 'Disk' && vdi !== NULL_REF && db.has('VDI', vdi)) {
        const before = String(db.get('VDI', vdi).snapshot_of);
        const clone = cloneVdi(call.pool, vdi);
        // Every snapshot of the replaced disk now hangs off the clone, so the disk's snapshot tree stays whole.
        for (const [ref, rec] of db.all('VDI')) if (rec.snapshot_of === before && before !== NULL_REF) db.update('VDI', ref, { snapshot_of: clone });
        vdi = clone;
      }
      const { owner: _owner, ...otherConfig } = vbd.other_config as Record<string, string>;
      db.create('VBD', { ...vbd, uuid: undefined, VM: vmRef, VDI: vdi, currently_attached: false, current_operations: {}, other_config: otherConfig });
    }
    const suspendVdi = String(snap.suspend_VDI) !== NULL_REF && db.has('VDI', String(snap.suspend_VDI)) ? cloneSuspend(call.pool, String(snap.suspend_VDI)) : NULL_REF;
    await step(call, SNAPSHOT_DURATION.revert / 4, 0.7);
    for (const r of [...(db.get('VM', vmRef).VIFs as string[])]) if (db.has('VIF', r)) db.destroy('VIF', r);
    for (const vifRef of snap.VIFs as string[]) {
      const vif = db.find('VIF', vifRef);
      if (vif) db.create('VIF', { ...vif, uuid: undefined, VM: vmRef, currently_attached: false, current_operations: {} });
    }
    const oldGm = String(db.get('VM', vmRef).guest_metrics);
    if (oldGm !== NULL_REF && db.has('VM_guest_metrics', oldGm)) db.destroy('VM_guest_metrics', oldGm);
    const restored = parseMetadata(String(snap.snapshot_metadata));
    for (const k of Object.keys(restored)) if (REVERT_KEEPS.has(k)) delete restored[k];
    db.update('VM', vmRef, {
      ...restored, ha_always_run: false, parent: snapRef, guest_metrics: copyGuestMetrics(call.pool, String(snap.guest_metrics)),
      suspend_VDI: suspendVdi, suspend_SR: suspendVdi !== NULL_REF ? String(db.get('VDI', suspendVdi).SR) : NULL_REF,
      power_state: snap.power_state === 'Suspended' ? 'Suspended' : 'Halted',
    });
    await step(call, SNAPSHOT_DURATION.revert / 4, 0.95);
  });
}

function parseMetadata(text: string): XRecord {
  try {
    const v: unknown = JSON.parse(text || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as XRecord) : {};
  } catch {
    // Snapshots loaded from a real host's dump carry xapi's S-expression: keep the VM's fields then.
    return {};
  }
}

function cloneSuspend(pool: PoolSim, vdiRef: string): string {
  const from = pool.db.get('VDI', vdiRef);
  return createVdi(pool, { ...from, uuid: undefined, VBDs: [], snapshots: [], crash_dumps: [], is_a_snapshot: false, snapshot_of: NULL_REF, location: pool.db.newUuid() });
}

/** VM.destroy of a snapshot: VBDs, VIFs, metrics and the memory image go; disks stay for the client (xapi leaves them). */
function destroySnapshot(call: CallContext, snapRef: string): void {
  checkOp(call, snapRef, 'destroy', ['Halted', 'Suspended']);
  removeSnapshot(call.pool, snapRef, false);
}

/**
 * Removes a snapshot as a client's "delete snapshot" does (VM.destroy, and with `withDisks` the disks its VBDs
 * own, as XenCenter and the schedule's pruning do); its children move to its parent.
 */
export function removeSnapshot(pool: PoolSim, snapRef: string, withDisks: boolean): void {
  const db = pool.db;
  const snap = db.get('VM', snapRef);
  const owned = withDisks
    ? (snap.VBDs as string[]).map((r) => db.find('VBD', r)).filter((b): b is XRecord => !!b && b.type === 'Disk' && 'owner' in (b.other_config as object)).map((b) => String(b.VDI))
    : [];
  for (const child of [...(snap.children as string[])]) if (db.has('VM', child)) db.update('VM', child, { parent: snap.parent });
  for (const r of [...(snap.VBDs as string[])]) if (db.has('VBD', r)) db.destroy('VBD', r);
  for (const r of [...(snap.VIFs as string[])]) if (db.has('VIF', r)) db.destroy('VIF', r);
  destroyVdi(pool, String(snap.suspend_VDI));
  if (db.has('VM_metrics', String(snap.metrics))) db.destroy('VM_metrics', String(snap.metrics));
  if (db.has('VM_guest_metrics', String(snap.guest_metrics))) db.destroy('VM_guest_metrics', String(snap.guest_metrics));
  db.destroy('VM', snapRef);
  for (const vdi of owned) destroyVdi(pool, vdi);
}

export function installVmSnapshotApi(api: ApiRegistry): void {
  api.register('VM.snapshot', (call, vm: string, name: string, ignoreVdis?: string[]) => snapshot(call, vm, name, { kind: 'snapshot', ignoreVdis: ignoreVdis ?? [] }));
  api.register('VM.snapshot_with_quiesce', (call, vm: string, name: string) => snapshot(call, vm, name, { kind: 'snapshot', quiesced: true }));
  api.register('VM.checkpoint', (call, vm: string, name: string) => snapshot(call, vm, name, { kind: 'checkpoint' }));
  api.register('VM.revert', (call, snap: string) => revert(call, snap));
  const destroyVm: ApiHandler | undefined = api.get('VM.destroy');
  api.register('VM.destroy', async (call, vm: string) => {
    const rec = call.db.get('VM', vm);
    const parent = rec.parent;
    const children = [...(rec.children as string[])];
    if (rec.is_a_snapshot) destroySnapshot(call, vm);
    else if (destroyVm) await destroyVm(call, vm);
    else throw new XapiError('MESSAGE_METHOD_UNKNOWN', ['VM.destroy']);
    for (const child of children) if (call.db.has('VM', child)) call.db.update('VM', child, { parent });
  });
}

/** For scenarios: a snapshot dated `at` (ms), with its description. */
export function addScenarioSnapshot(pool: PoolSim, vmRef: string, name: string, description: string, opts: SnapshotOptions, at: number): string {
  const snap = createSnapshotRecords(pool, vmRef, name, opts);
  const when = xapiDateTime(at);
  pool.db.update('VM', snap, { name_description: description, snapshot_time: when });
  for (const vbd of pool.db.get('VM', snap).VBDs as string[]) {
    const vdi = String(pool.db.get('VBD', vbd).VDI);
    if (vdi !== NULL_REF && pool.db.get('VDI', vdi).is_a_snapshot) pool.db.update('VDI', vdi, { snapshot_time: when });
  }
  return snap;
}
