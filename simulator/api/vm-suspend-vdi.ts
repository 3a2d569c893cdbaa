/**
 * VM.set_suspend_VDI as xapi's Xapi_vm.set_suspend_VDI: a suspended VM's memory image may be replaced by
 * an identical copy (XenCenter's Move virtual disk copies a suspend image with VDI.copy, then points the VM
 * at the copy): the VM must be Suspended, some host must see the new image with all the VM's disks, and
 * the two images' checksums must match (SUSPEND_VDI_REPLACEMENT_IS_NOT_IDENTICAL otherwise).
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import { NULL_REF } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { srsRequiredBy, srsVisibleFrom } from './boot-checks';
import { vdiChecksum } from './vdi-content';

function setSuspendVdi(call: CallContext, vmRef: string, vdiRef: string): void {
  const db = call.db;
  const vm = db.get('VM', vmRef);
  if (vm.power_state !== 'Suspended') throw new XapiError('VM_BAD_POWER_STATE', [vmRef, 'suspended', String(vm.power_state).toLowerCase()]);
  const vdi = db.get('VDI', vdiRef);
  if (vdi.type === 'cbt_metadata') throw new XapiError('VDI_INCOMPATIBLE_TYPE', [vmRef, 'cbt_metadata']);
  const current = String(vm.suspend_VDI);
  if (current === vdiRef) return;
  const required = [...srsRequiredBy(call.pool, { ...vm, power_state: 'Halted' }), String(vdi.SR)];
  if (!db.refs('host').some((h) => required.every((sr) => srsVisibleFrom(call.pool, h).has(sr)))) throw new XapiError('NO_HOSTS_AVAILABLE');
  if (current !== NULL_REF && db.has('VDI', current)) {
    const [a, b] = [vdiChecksum(db, current), vdiChecksum(db, vdiRef)];
    if (a !== b) {
      throw new XapiError('SUSPEND_VDI_REPLACEMENT_IS_NOT_IDENTICAL', [`${String(db.get('VDI', current).uuid)} : ${a}`, `${String(vdi.uuid)} : ${b}`]);
    }
  }
  db.update('VM', vmRef, { suspend_VDI: vdiRef });
}

export function installVmSuspendVdiApi(api: ApiRegistry): void {
  api.register('VM.set_suspend_VDI', (call, vm: string, value: string) => setSuspendVdi(call, vm, value));
}
