/**
 * Virtual disks and network interfaces as xapi manages them: VDI.create/resize/destroy (with SR space
 * accounting), VBD.create/plug/unplug/destroy and VIF.create/plug/unplug/destroy, with the checks and
 * error codes a real host gives (DEVICE_ALREADY_EXISTS, DEVICE_ALREADY_ATTACHED, VDI_IN_USE, SR_FULL…).
 * Hot-plug needs a running VM; creating a device on a running VM leaves it unplugged, as in xapi.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { NULL_REF, type XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { chargeSr, srFreeBytes, VDI_ALLOWED_OPERATIONS } from './storage';

/** Thick-provisioned SR types allocate a VDI's whole size at once; the others (VHD files) grow as written. */
const THICK_SR_TYPES = new Set(['lvm', 'lvmoiscsi', 'lvmohba', 'lvmofcoe']);
const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function vbdsAttached(call: CallContext, vdiRef: string): string[] {
  return (call.db.get('VDI', vdiRef).VBDs as string[]).filter((r) => call.db.find('VBD', r)?.currently_attached);
}

function assertSrSpace(call: CallContext, srRef: string, bytes: number): void {
  const free = srFreeBytes(call.db, srRef);
  if (bytes > free) throw new XapiError('SR_FULL', [String(bytes), String(free)]);
}

function createVdi(call: CallContext, args: XRecord): string {
  const srRef = String(args.SR);
  const sr = call.db.get('SR', srRef);
  const size = Number(args.virtual_size);
  if (!Number.isFinite(size) || size <= 0) throw new XapiError('FIELD_TYPE_ERROR', ['virtual_size']);
  if (sr.content_type === 'iso') throw new XapiError('OPERATION_NOT_ALLOWED', ['VDIs cannot be created on an ISO library']);
  const physical = THICK_SR_TYPES.has(String(sr.type)) ? size : 0;
  assertSrSpace(call, srRef, physical);
  const ref = call.db.create('VDI', {
    type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [],
    ...args, uuid: undefined, SR: srRef, virtual_size: size, physical_utilisation: physical, managed: true, missing: false,
    is_a_snapshot: false, snapshot_of: NULL_REF, location: call.db.newUuid(), on_boot: 'persist', allowed_operations: VDI_ALLOWED_OPERATIONS,
  });
  chargeSr(call.db, srRef, physical, size);
  return ref;
}

function resizeVdi(call: CallContext, vdiRef: string, size: number, online: boolean): void {
  const vdi = call.db.get('VDI', vdiRef);
  const current = Number(vdi.virtual_size);
  // Disks only grow: a smaller size would cut the guest's filesystem.
  if (size < current) throw new XapiError('VDI_TOO_SMALL', [vdiRef, String(current)]);
  if (!online && vbdsAttached(call, vdiRef).length) throw new XapiError('VDI_IN_USE', [vdiRef, 'resize']);
  const sr = call.db.get('SR', String(vdi.SR));
  const grow = size - current;
  const physical = THICK_SR_TYPES.has(String(sr.type)) ? grow : 0;
  assertSrSpace(call, String(vdi.SR), physical);
  call.db.update('VDI', vdiRef, { virtual_size: size, physical_utilisation: Number(vdi.physical_utilisation) + physical });
  chargeSr(call.db, String(vdi.SR), physical, grow);
}

function destroyVdi(call: CallContext, vdiRef: string): void {
  const vdi = call.db.get('VDI', vdiRef);
  if (vbdsAttached(call, vdiRef).length) throw new XapiError('VDI_IN_USE', [vdiRef, 'destroy']);
  // xapi removes the unplugged VBDs that pointed at the disk along with it.
  for (const vbd of [...(vdi.VBDs as string[])]) if (call.db.has('VBD', vbd)) call.db.destroy('VBD', vbd);
  chargeSr(call.db, String(vdi.SR), -Number(vdi.physical_utilisation), -Number(vdi.virtual_size));
  call.db.destroy('VDI', vdiRef);
}

function freeDevice(used: Set<string>, limit: number): string {
  for (let i = 0; i < limit; i++) if (!used.has(String(i))) return String(i);
  throw new XapiError('ILLEGAL_VBD_DEVICE', ['autodetect', 'no free device']);
}

function createVbd(call: CallContext, args: XRecord): string {
  const vmRef = String(args.VM);
  const vm = call.db.get('VM', vmRef);
  const empty = Boolean(args.empty);
  const vdiRef = String(args.VDI ?? NULL_REF);
  if (!empty) call.db.get('VDI', vdiRef);
  const used = new Set((vm.VBDs as string[]).map((r) => String(call.db.find('VBD', r)?.userdevice)));
  let userdevice = String(args.userdevice ?? 'autodetect');
  if (userdevice === 'autodetect' || userdevice === '') userdevice = freeDevice(used, 16);
  else if (!/^\d+$/.test(userdevice)) throw new XapiError('ILLEGAL_VBD_DEVICE', [vmRef, userdevice]);
  else if (used.has(userdevice)) throw new XapiError('DEVICE_ALREADY_EXISTS', [userdevice]);
  const type = String(args.type ?? 'Disk');
  if (type === 'CD' && args.mode === 'RW') throw new XapiError('VBD_CDS_MUST_BE_READONLY');
  return call.db.create('VBD', {
    bootable: false, mode: 'RW', type, unpluggable: true, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, qos_supported_algorithms: [],
    ...args, uuid: undefined, VM: vmRef, VDI: empty ? NULL_REF : vdiRef, empty, userdevice, device: '', currently_attached: false,
    allowed_operations: ['attach', 'plug', 'destroy'], current_operations: {},
  });
}

function setAttached(call: CallContext, cls: 'VBD' | 'VIF', ref: string, attached: boolean, force = false): void {
  const dev = call.db.get(cls, ref);
  const vm = call.db.get('VM', String(dev.VM));
  if (vm.power_state !== 'Running') throw new XapiError('VM_BAD_POWER_STATE', [String(dev.VM), 'running', String(vm.power_state).toLowerCase()]);
  if (attached && dev.currently_attached) throw new XapiError('DEVICE_ALREADY_ATTACHED', [ref]);
  if (!attached && !dev.currently_attached) throw new XapiError('DEVICE_ALREADY_DETACHED', [ref]);
  if (!attached && !force && cls === 'VBD' && !dev.unpluggable) throw new XapiError('VBD_NOT_UNPLUGGABLE', [ref]);
  const fields: XRecord = { currently_attached: attached, allowed_operations: attached ? ['attach', 'unplug', 'unplug_force'] : ['attach', 'plug', 'destroy'] };
  // The device name the guest sees exists while the device is plugged.
  if (cls === 'VBD') fields.device = attached ? `xvd${String.fromCharCode(97 + Number(dev.userdevice))}` : dev.device;
  call.db.update(cls, ref, fields);
}

function destroyDevice(call: CallContext, cls: 'VBD' | 'VIF', ref: string): void {
  const dev = call.db.get(cls, ref);
  if (dev.currently_attached) throw new XapiError('DEVICE_ALREADY_ATTACHED', [ref]);
  call.db.destroy(cls, ref);
}

function createVif(call: CallContext, args: XRecord): string {
  const vmRef = String(args.VM);
  const vm = call.db.get('VM', vmRef);
  const network = call.db.get('network', String(args.network));
  const device = String(args.device ?? '');
  if (!/^\d+$/.test(device)) throw new XapiError('FIELD_TYPE_ERROR', ['device']);
  if ((vm.VIFs as string[]).some((r) => String(call.db.find('VIF', r)?.device) === device)) throw new XapiError('DEVICE_ALREADY_EXISTS', [device]);
  let mac = String(args.MAC ?? '');
  if (mac === '') mac = call.db.rng.mac();
  else if (!MAC_PATTERN.test(mac)) throw new XapiError('MAC_INVALID', [mac]);
  return call.db.create('VIF', {
    other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, locking_mode: 'network_default', ipv4_allowed: [], ipv6_allowed: [],
    ...args, uuid: undefined, VM: vmRef, network: String(args.network), device, MAC: mac.toLowerCase(), MAC_autogenerated: args.MAC === '' || args.MAC === undefined,
    MTU: Number(args.MTU) || Number(network.MTU) || 1500, currently_attached: false, allowed_operations: ['attach', 'plug', 'destroy'], current_operations: {},
  });
}

export function installDeviceApi(api: ApiRegistry): void {
  api.register('VDI.create', (call, args: XRecord) => createVdi(call, args));
  api.register('VDI.resize', (call, vdi: string, size: number) => resizeVdi(call, vdi, Number(size), false));
  api.register('VDI.resize_online', (call, vdi: string, size: number) => resizeVdi(call, vdi, Number(size), true));
  api.register('VDI.destroy', (call, vdi: string) => destroyVdi(call, vdi));
  api.register('VBD.create', (call, args: XRecord) => createVbd(call, args));
  api.register('VBD.plug', (call, vbd: string) => setAttached(call, 'VBD', vbd, true));
  api.register('VBD.unplug', (call, vbd: string) => setAttached(call, 'VBD', vbd, false));
  api.register('VBD.unplug_force', (call, vbd: string) => setAttached(call, 'VBD', vbd, false, true));
  api.register('VBD.destroy', (call, vbd: string) => destroyDevice(call, 'VBD', vbd));
  api.register('VIF.create', (call, args: XRecord) => createVif(call, args));
  api.register('VIF.plug', (call, vif: string) => setAttached(call, 'VIF', vif, true));
  api.register('VIF.unplug', (call, vif: string) => setAttached(call, 'VIF', vif, false));
  api.register('VIF.unplug_force', (call, vif: string) => setAttached(call, 'VIF', vif, false, true));
  api.register('VIF.destroy', (call, vif: string) => destroyDevice(call, 'VIF', vif));
}
