/**
 * VM lifecycle: start, start_on, clean/hard shutdown, clean/hard reboot, suspend, resume(_on), pause,
 * unpause, destroy, following xapi's checks (VM_BAD_POWER_STATE, OTHER_OPERATION_IN_PROGRESS,
 * VM_IS_TEMPLATE, HOST_NOT_ENOUGH_FREE_MEMORY, HOST_OFFLINE, VM_REQUIRES_SR) with `current_operations`
 * holding the running task while the operation takes its simulated time.
 */
import type { CallContext } from '../rpc/call-context';
import type { ApiRegistry } from '../rpc/api-registry';
import { NULL_REF } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { markRunning, markStopped, setPaused } from './vm-state';
import { bootProblem } from './boot-checks';
import { checkOperation, chooseHost, hostProblem, scheduleGuestAgent, vmMessage, VM_OP_DURATION, withOperation, work } from './vm-operation';


async function start(call: CallContext, vmRef: string, op: 'start' | 'start_on' | 'resume' | 'resume_on', startPaused: boolean, requested?: string): Promise<void> {
  const resuming = op.startsWith('resume');
  checkOperation(call, vmRef, op, [resuming ? 'Suspended' : 'Halted']);
  const hostRef = chooseHost(call.pool, vmRef, requested);
  await withOperation(call, vmRef, op, async () => {
    // Reserve the memory while the domain builds, so concurrent starts cannot overcommit the host.
    call.db.update('VM', vmRef, { scheduled_to_be_resident_on: hostRef });
    try {
      await work(call, resuming ? VM_OP_DURATION.resume : VM_OP_DURATION.start);
    } catch (err) {
      if (call.db.has('VM', vmRef)) call.db.update('VM', vmRef, { scheduled_to_be_resident_on: NULL_REF });
      throw err;
    }
    if (resuming) {
      const suspendVdi = String(call.db.get('VM', vmRef).suspend_VDI);
      call.db.update('VM', vmRef, { suspend_VDI: NULL_REF });
      if (call.db.has('VDI', suspendVdi)) call.db.destroy('VDI', suspendVdi);
    }
    markRunning(call.pool, vmRef, hostRef, startPaused ? 'Paused' : 'Running');
  });
  scheduleGuestAgent(call, vmRef);
  vmMessage(call, vmRef, resuming ? 'VM_RESUMED' : 'VM_STARTED', `VM '${call.db.get('VM', vmRef).name_label}' ${resuming ? 'resumed' : 'started'} on host '${call.db.get('host', hostRef).name_label}'`);
}

async function stop(call: CallContext, vmRef: string, op: 'clean_shutdown' | 'hard_shutdown'): Promise<void> {
  const from = op === 'clean_shutdown' ? ['Running'] : ['Running', 'Paused', 'Suspended'];
  const vm = checkOperation(call, vmRef, op, from);
  await withOperation(call, vmRef, op, async () => {
    await work(call, VM_OP_DURATION[op]);
    if (vm.power_state === 'Suspended') {
      const suspendVdi = String(call.db.get('VM', vmRef).suspend_VDI);
      call.db.update('VM', vmRef, { suspend_VDI: NULL_REF });
      if (call.db.has('VDI', suspendVdi)) call.db.destroy('VDI', suspendVdi);
    }
    markStopped(call.pool, vmRef, 'Halted');
  });
  vmMessage(call, vmRef, 'VM_SHUTDOWN', `VM '${vm.name_label}' shut down`);
}

async function reboot(call: CallContext, vmRef: string, op: 'clean_reboot' | 'hard_reboot'): Promise<void> {
  const vm = checkOperation(call, vmRef, op, op === 'clean_reboot' ? ['Running'] : ['Running', 'Paused']);
  const hostRef = String(vm.resident_on);
  await withOperation(call, vmRef, op, async () => {
    await work(call, VM_OP_DURATION[op]);
    // A reboot builds a new domain: new domid, new console locations, guest agent reports again.
    markStopped(call.pool, vmRef, 'Halted');
    markRunning(call.pool, vmRef, hostRef, 'Running');
  });
  scheduleGuestAgent(call, vmRef);
  vmMessage(call, vmRef, 'VM_REBOOTED', `VM '${vm.name_label}' rebooted`);
}

async function suspend(call: CallContext, vmRef: string): Promise<void> {
  const vm = checkOperation(call, vmRef, 'suspend', ['Running']);
  await withOperation(call, vmRef, 'suspend', async () => {
    await work(call, VM_OP_DURATION.suspend);
    // The memory image goes to a suspend VDI on the pool's suspend SR (or the VM's first disk's SR).
    const db = call.db;
    const firstDisk = (vm.VBDs as string[]).map((r) => db.find('VBD', r)).find((b) => b && !b.empty && b.type === 'Disk');
    const sr = String(call.pool.record.suspend_image_SR) !== NULL_REF ? String(call.pool.record.suspend_image_SR)
      : firstDisk ? String(db.get('VDI', String(firstDisk.VDI)).SR) : NULL_REF;
    let suspendVdi = NULL_REF;
    if (sr !== NULL_REF && db.has('SR', sr)) {
      suspendVdi = db.create('VDI', {
        name_label: `Suspend image for ${vm.name_label}`, SR: sr, type: 'suspend', virtual_size: Number(vm.memory_static_max),
        physical_utilisation: Number(vm.memory_dynamic_max), managed: true, sharable: false, read_only: false, location: db.newUuid(),
      });
    }
    markStopped(call.pool, vmRef, 'Suspended');
    db.update('VM', vmRef, { suspend_VDI: suspendVdi, suspend_SR: sr });
  });
  vmMessage(call, vmRef, 'VM_SUSPENDED', `VM '${vm.name_label}' suspended`);
}

async function pause(call: CallContext, vmRef: string, paused: boolean): Promise<void> {
  const op = paused ? 'pause' : 'unpause';
  checkOperation(call, vmRef, op, [paused ? 'Running' : 'Paused']);
  await withOperation(call, vmRef, op, async () => {
    await work(call, VM_OP_DURATION[op], 1);
    setPaused(call.pool, vmRef, paused);
  });
}

function destroy(call: CallContext, vmRef: string): void {
  const db = call.db;
  const vm = db.get('VM', vmRef);
  if (vm.is_default_template) throw new XapiError('VM_CANNOT_DELETE_DEFAULT_TEMPLATE', [vmRef]);
  if (vm.is_control_domain) throw new XapiError('OPERATION_NOT_ALLOWED', ['Control domains cannot be destroyed']);
  checkOperation(call, vmRef, 'destroy', ['Halted']);
  // As xapi: VBDs, VIFs and metrics go with the VM; VDIs stay (clients destroy them explicitly).
  for (const r of [...(vm.VBDs as string[])]) if (db.has('VBD', r)) db.destroy('VBD', r);
  for (const r of [...(vm.VIFs as string[])]) if (db.has('VIF', r)) db.destroy('VIF', r);
  for (const r of [...(vm.consoles as string[])]) if (db.has('console', r)) db.destroy('console', r);
  if (db.has('VM_metrics', String(vm.metrics))) db.destroy('VM_metrics', String(vm.metrics));
  if (db.has('VM_guest_metrics', String(vm.guest_metrics))) db.destroy('VM_guest_metrics', String(vm.guest_metrics));
  call.pool.guests.delete(vmRef);
  db.destroy('VM', vmRef);
}

export function installVmApi(api: ApiRegistry): void {
  api.register('VM.start', (call, vm: string, startPaused: boolean) => start(call, vm, 'start', startPaused));
  api.register('VM.start_on', (call, vm: string, host: string, startPaused: boolean) => start(call, vm, 'start_on', startPaused, host));
  api.register('VM.resume', (call, vm: string, startPaused: boolean) => start(call, vm, 'resume', startPaused));
  api.register('VM.resume_on', (call, vm: string, host: string, startPaused: boolean) => start(call, vm, 'resume_on', startPaused, host));
  api.register('VM.clean_shutdown', (call, vm: string) => stop(call, vm, 'clean_shutdown'));
  api.register('VM.hard_shutdown', (call, vm: string) => stop(call, vm, 'hard_shutdown'));
  api.register('VM.shutdown', (call, vm: string) => stop(call, vm, 'clean_shutdown'));
  api.register('VM.clean_reboot', (call, vm: string) => reboot(call, vm, 'clean_reboot'));
  api.register('VM.hard_reboot', (call, vm: string) => reboot(call, vm, 'hard_reboot'));
  api.register('VM.suspend', (call, vm: string) => suspend(call, vm));
  api.register('VM.pause', (call, vm: string) => pause(call, vm, true));
  api.register('VM.unpause', (call, vm: string) => pause(call, vm, false));
  api.register('VM.destroy', (call, vm: string) => destroy(call, vm));
  api.register('VM.assert_can_boot_here', (call, vm: string, host: string) => {
    call.db.get('VM', vm);
    const problem = bootProblem(call.pool, vm, host, { deadHost: 'HOST_NOT_LIVE' });
    if (problem) throw problem;
  });
  api.register('VM.get_possible_hosts', (call, vm: string) => call.db.refs('host').filter((h) => !hostProblem(call.pool, vm, h)));
  api.register('VM.get_allowed_VBD_devices', (call, vm: string) => {
    const used = new Set((call.db.get('VM', vm).VBDs as string[]).map((r) => String(call.db.find('VBD', r)?.userdevice)));
    return Array.from({ length: 16 }, (_, i) => String(i)).filter((d) => !used.has(d));
  });
  api.register('VM.get_allowed_VIF_devices', (call, vm: string) => {
    const used = new Set((call.db.get('VM', vm).VIFs as string[]).map((r) => String(call.db.find('VIF', r)?.device)));
    return Array.from({ length: 7 }, (_, i) => String(i)).filter((d) => !used.has(d));
  });
  api.register('VM.set_memory_limits', (call, vm: string, smin: number, smax: number, dmin: number, dmax: number) => {
    if (!(smin <= dmin && dmin <= dmax && dmax <= smax)) throw new XapiError('MEMORY_CONSTRAINT_VIOLATION', ['Memory limits must satisfy: static_min <= dynamic_min <= dynamic_max <= static_max']);
    checkOperation(call, vm, 'changing_memory_limits', ['Halted']);
    call.db.update('VM', vm, { memory_static_min: smin, memory_static_max: smax, memory_dynamic_min: dmin, memory_dynamic_max: dmax });
  });
}
