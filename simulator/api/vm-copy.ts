/**
 * VM.clone, VM.copy, VM.provision and VM.create: how a client makes a VM from a template (clone the template,
 * provision its disks from other_config["disks"], clear is_a_template, start), as XenCenter's New VM wizard does.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { NULL_REF, type XRecord } from '../db/object-db';
import { xapiDateTime } from '../datetime';
import { XapiError } from '../xapi-error';
import { vmAllowedOperations } from './vm-state';
import { chargeSr, VDI_ALLOWED_OPERATIONS } from './storage';

const DURATION = { clone: 2000, copy: 6000, provision: 3000 };

async function wait(call: CallContext, ms: number): Promise<void> {
  if (call.task) await call.task.sleep(ms);
  else await call.clock.sleep(ms);
  call.task?.progress(0.9);
}

function checkCopyable(call: CallContext, vmRef: string): XRecord {
  const vm = call.db.get('VM', vmRef);
  if (vm.is_control_domain) throw new XapiError('OPERATION_NOT_ALLOWED', ['Control domains cannot be cloned']);
  if (!vm.is_a_template && vm.power_state !== 'Halted') throw new XapiError('VM_BAD_POWER_STATE', [vmRef, 'halted', String(vm.power_state).toLowerCase()]);
  return vm;
}

function newMetrics(call: CallContext): string {
  return call.db.create('VM_metrics', { install_time: xapiDateTime(call.clock.now()), last_updated: xapiDateTime(call.clock.now()), state: [] });
}

/** Copies a VM record with new identity; disks are cloned (thin) or copied (full, possibly to another SR). */
function duplicate(call: CallContext, srcRef: string, name: string, mode: 'clone' | 'copy', targetSr: string): string {
  const db = call.db;
  const src = db.get('VM', srcRef);
  const otherConfig = { ...(src.other_config as Record<string, string>) };
  delete otherConfig.default_template;
  if ('mac_seed' in otherConfig) otherConfig.mac_seed = db.newUuid();
  const skip = new Set(['uuid', 'VBDs', 'VIFs', 'consoles', 'snapshots', 'children', 'crash_dumps', 'VTPMs', 'VUSBs', 'VGPUs', 'attached_PCIs', 'resident_on',
    'scheduled_to_be_resident_on', 'metrics', 'guest_metrics', 'current_operations', 'allowed_operations', 'snapshot_of', 'parent', 'blobs', 'suspend_VDI']);
  const fields: XRecord = {};
  for (const [k, v] of Object.entries(src)) if (!skip.has(k)) fields[k] = v;
  const ref = db.create('VM', {
    ...fields, name_label: name, is_default_template: false, other_config: otherConfig, metrics: newMetrics(call), guest_metrics: NULL_REF,
    power_state: 'Halted', domid: -1, is_a_snapshot: false, snapshot_time: xapiDateTime(0), snapshot_info: {}, current_operations: {},
    // A clone of a snapshot is a new top-level VM or template (CA-52668): no snapshot identity carries over.
    snapshot_metadata: '', transportable_snapshot_id: '', is_vmss_snapshot: false, snapshot_schedule: NULL_REF,
  });
  for (const vbdRef of src.VBDs as string[]) {
    const vbd = db.get('VBD', vbdRef);
    let vdi = String(vbd.VDI);
    if (vbd.type === 'Disk' && vdi !== NULL_REF && db.has('VDI', vdi)) {
      const from = db.get('VDI', vdi);
      const sr = mode === 'copy' && targetSr !== NULL_REF ? targetSr : String(from.SR);
      const used = mode === 'clone' ? Math.min(Number(from.virtual_size), 8 * 1024 ** 2) : Number(from.physical_utilisation);
      vdi = db.create('VDI', {
        ...from, uuid: undefined, VBDs: [], snapshots: [], snapshot_of: NULL_REF, is_a_snapshot: false, SR: sr, location: db.newUuid(),
        name_label: String(from.name_label).replace(String(src.name_label), name), physical_utilisation: used, current_operations: {},
      });
      chargeSr(db, sr, used, Number(from.virtual_size));
    }
    db.create('VBD', { ...vbd, uuid: undefined, VM: ref, VDI: vdi, currently_attached: false, current_operations: {} });
  }
  for (const vifRef of src.VIFs as string[]) {
    const vif = db.get('VIF', vifRef);
    db.create('VIF', { ...vif, uuid: undefined, VM: ref, MAC: db.rng.mac(), currently_attached: false, current_operations: {} });
  }
  const profile = call.pool.guests.get(srcRef);
  if (profile) call.pool.guests.set(ref, { ...profile, ips: [] });
  db.update('VM', ref, { allowed_operations: vmAllowedOperations(db.get('VM', ref)) });
  return ref;
}

/** Disks described by a template's other_config["disks"], e.g. <provision><disk device="0" size="…" sr="" bootable="true" type="system"/></provision>. */
function parseProvision(xml: string): { device: string; size: number; sr: string; bootable: boolean }[] {
  const disks: { device: string; size: number; sr: string; bootable: boolean }[] = [];
  for (const m of xml.matchAll(/<disk\s([^>]*?)\/?>/g)) {
    const attr = (n: string) => new RegExp(`${n}="([^"]*)"`).exec(m[1])?.[1] ?? '';
    disks.push({ device: attr('device'), size: Number(attr('size')) || 0, sr: attr('sr'), bootable: attr('bootable') === 'true' });
  }
  return disks;
}

async function provision(call: CallContext, vmRef: string): Promise<void> {
  const db = call.db;
  const vm = db.get('VM', vmRef);
  if (!vm.is_a_template) throw new XapiError('PROVISION_ONLY_ALLOWED_ON_TEMPLATE');
  const otherConfig = { ...(vm.other_config as Record<string, string>) };
  const disks = parseProvision(otherConfig.disks ?? '');
  await wait(call, DURATION.provision);
  for (const d of disks) {
    let sr = d.sr;
    if (!sr || !db.has('SR', sr)) {
      try {
        sr = sr ? db.byUuid('SR', sr) : String(call.pool.record.default_SR);
      } catch {
        sr = String(call.pool.record.default_SR);
      }
    }
    if (!db.has('SR', sr)) throw new XapiError('VM_REQUIRES_SR', [vmRef, sr]);
    const vdi = db.create('VDI', {
      name_label: `${vm.name_label} ${d.device === '0' ? 'system' : `disk ${d.device}`}`, SR: sr, virtual_size: d.size, physical_utilisation: 0, type: 'system',
      managed: true, location: db.newUuid(), on_boot: 'persist', allowed_operations: VDI_ALLOWED_OPERATIONS,
    });
    chargeSr(db, sr, 0, d.size);
    db.create('VBD', { VM: vmRef, VDI: vdi, device: `xvd${String.fromCharCode(97 + Number(d.device))}`, userdevice: d.device, bootable: d.bootable, mode: 'RW', type: 'Disk', unpluggable: false, empty: false });
  }
  delete otherConfig.disks;
  db.update('VM', vmRef, { other_config: otherConfig });
}

export function installVmCopyApi(api: ApiRegistry): void {
  api.register('VM.clone', async (call, vm: string, name: string) => {
    checkCopyable(call, vm);
    await wait(call, DURATION.clone);
    return duplicate(call, vm, name, 'clone', NULL_REF);
  });
  api.register('VM.copy', async (call, vm: string, name: string, sr: string) => {
    checkCopyable(call, vm);
    if (sr !== NULL_REF) call.db.get('SR', sr);
    await wait(call, DURATION.copy);
    return duplicate(call, vm, name, 'copy', sr);
  });
  api.register('VM.provision', (call, vm: string) => provision(call, vm));
  api.register('VM.create', (call, args: XRecord) => {
    // xapi gives every new VM its metrics object and computes allowed_operations.
    const ref = call.db.create('VM', { ...args, metrics: newMetrics(call), power_state: 'Halted', current_operations: {} });
    call.db.update('VM', ref, { allowed_operations: vmAllowedOperations(call.db.get('VM', ref)) });
    return ref;
  });
  for (const [message, field] of [['set_VCPUs_max', 'VCPUs_max'], ['set_VCPUs_at_startup', 'VCPUs_at_startup'], ['set_memory_static_max', 'memory_static_max'],
    ['set_memory_dynamic_max', 'memory_dynamic_max'], ['set_memory_dynamic_min', 'memory_dynamic_min'], ['set_memory_static_min', 'memory_static_min']] as const) {
    api.register(`VM.${message}`, (call, vm: string, value: number) => {
      const rec = call.db.get('VM', vm);
      if (rec.power_state !== 'Halted') throw new XapiError('VM_BAD_POWER_STATE', [vm, 'halted', String(rec.power_state).toLowerCase()]);
      call.db.update('VM', vm, { [field]: value });
    });
  }
  api.register('VM.set_memory_dynamic_range', (call, vm: string, min: number, max: number) => {
    const rec = call.db.get('VM', vm);
    if (!(Number(rec.memory_static_min) <= min && min <= max && max <= Number(rec.memory_static_max))) {
      throw new XapiError('MEMORY_CONSTRAINT_VIOLATION', ['Memory limits must satisfy: static_min <= dynamic_min <= dynamic_max <= static_max']);
    }
    call.db.update('VM', vm, { memory_dynamic_min: min, memory_dynamic_max: max });
  });
  // vCPU hot-plug, as xapi's Xapi_xenops.set_vcpus: 0 < n <= VCPUs_max on a running VM; the new count
  // becomes VCPUs_at_startup and the metrics' VCPUs_number.
  api.register('VM.set_VCPUs_number_live', (call, vm: string, n: number) => {
    const rec = call.db.get('VM', vm);
    if (rec.power_state !== 'Running') throw new XapiError('VM_BAD_POWER_STATE', [vm, 'running', String(rec.power_state).toLowerCase()]);
    if (!(rec.allowed_operations as string[]).includes('changing_VCPUs_live')) throw new XapiError('OPERATION_NOT_ALLOWED', ['changing_VCPUs_live']);
    const count = Number(n);
    if (!Number.isInteger(count) || count <= 0 || count > Number(rec.VCPUs_max)) throw new XapiError('INVALID_VALUE', ['VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max', String(n)]);
    call.db.update('VM', vm, { VCPUs_at_startup: count });
    if (call.db.has('VM_metrics', String(rec.metrics))) call.db.update('VM_metrics', String(rec.metrics), { VCPUs_number: count });
  });
}
