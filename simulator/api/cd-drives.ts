/**
 * VBD.insert and VBD.eject: loading and emptying a VM's CD drive, with xapi's checks (Xapi_vbd): not on a
 * suspended VM (VM_BAD_POWER_STATE [vm, "halted, running", "suspended"]), only on removable media
 * (VBD_NOT_REMOVABLE_MEDIA), into an empty drive (VBD_NOT_EMPTY) or out of a loaded one (VBD_IS_EMPTY).
 * XenCenter asks users to eject a CD that is on a host's local SR before a migration ("Please eject your CD").
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { NULL_REF, type XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';

function checkDrive(call: CallContext, vbdRef: string): XRecord {
  const vbd = call.db.get('VBD', vbdRef);
  const vm = call.db.get('VM', String(vbd.VM));
  if (vm.power_state === 'Suspended') throw new XapiError('VM_BAD_POWER_STATE', [String(vbd.VM), 'halted, running', 'suspended']);
  if (vbd.type !== 'CD' && vbd.type !== 'Floppy') throw new XapiError('VBD_NOT_REMOVABLE_MEDIA', [vbdRef]);
  return vbd;
}

function attachedNow(call: CallContext, vbd: XRecord): boolean {
  const vm = call.db.get('VM', String(vbd.VM));
  return vm.power_state === 'Running' || vm.power_state === 'Paused';
}

export function installCdDriveApi(api: ApiRegistry): void {
  api.register('VBD.insert', (call, vbdRef: string, vdiRef: string) => {
    const vbd = checkDrive(call, vbdRef);
    if (!vbd.empty) throw new XapiError('VBD_NOT_EMPTY', [vbdRef]);
    const vdi = call.db.get('VDI', vdiRef);
    if (!vdi.managed) throw new XapiError('VDI_NOT_MANAGED', [vdiRef]);
    call.db.update('VBD', vbdRef, { VDI: vdiRef, empty: false, currently_attached: attachedNow(call, vbd) });
  });
  api.register('VBD.eject', (call, vbdRef: string) => {
    const vbd = checkDrive(call, vbdRef);
    if (vbd.empty) throw new XapiError('VBD_IS_EMPTY', [vbdRef]);
    call.db.update('VBD', vbdRef, { VDI: NULL_REF, empty: true, currently_attached: false });
  });
}
