/**
 * The frame every VM operation runs in, shared by lifecycle, migration and snapshot handlers: xapi's
 * precondition checks, `current_operations` holding the running task, simulated work with task progress,
 * host placement (xapi's checks and choice of host) and the messages XenCenter shows as alerts.
 */
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { hostFreeMemory, publishGuestMetrics } from './vm-state';
import { bootProblem } from './boot-checks';
import { withCurrentOperation } from './current-operations';
import { postMessage } from './messages';

/** Simulated durations (ms) of each operation; a clock rate above 1 shortens them in wall time. */
export const VM_OP_DURATION = {
  start: 4000, clean_shutdown: 3000, hard_shutdown: 1000, clean_reboot: 5000, hard_reboot: 3000,
  suspend: 4000, resume: 3000, pause: 300, unpause: 300, guestAgent: 6000,
};

export async function work(call: CallContext, ms: number, steps = 4): Promise<void> {
  for (let i = 1; i <= steps; i++) {
    if (call.task) await call.task.sleep(ms / steps);
    else await call.clock.sleep(ms / steps);
    call.task?.progress(i / (steps + 1));
  }
}

export function checkOperation(call: CallContext, vmRef: string, op: string, expected: string[]): XRecord {
  const vm = call.db.get('VM', vmRef);
  if (vm.is_control_domain) throw new XapiError('OPERATION_NOT_ALLOWED', [`Operation ${op} is not allowed on a control domain`]);
  if (vm.is_a_template && ['start', 'start_on', 'resume', 'resume_on'].includes(op)) throw new XapiError('VM_IS_TEMPLATE', [vmRef]);
  const blocked = vm.blocked_operations as Record<string, string>;
  if (blocked[op] !== undefined) throw new XapiError('OPERATION_BLOCKED', [vmRef, blocked[op]]);
  const current = Object.entries(vm.current_operations as Record<string, string>);
  if (current.length) throw new XapiError('OTHER_OPERATION_IN_PROGRESS', ['VM', vmRef, current[0][1], current[0][0]]);
  if (!expected.includes(String(vm.power_state))) {
    // xapi spells the states in lower case in this error.
    throw new XapiError('VM_BAD_POWER_STATE', [vmRef, expected[0].toLowerCase(), String(vm.power_state).toLowerCase()]);
  }
  return vm;
}

/**
 * Runs `body` with the operation listed in VM.current_operations (keyed by the task); the pool recomputes
 * allowed_operations on every VM change, so they are empty meanwhile and right again afterwards.
 */
export function withOperation<T>(call: CallContext, vmRef: string, op: string, body: () => Promise<T>): Promise<T> {
  return withCurrentOperation(call, 'VM', vmRef, op, body);
}

/** Why `hostRef` cannot run the VM, as the XapiError xapi would raise, or undefined when it can (a dead host is HOST_OFFLINE). */
export function hostProblem(pool: PoolSim, vmRef: string, hostRef: string): XapiError | undefined {
  return bootProblem(pool, vmRef, hostRef, { deadHost: 'HOST_OFFLINE' });
}

/** xapi's placement: the affinity host if it can, else the live host with the most free memory; never `exclude` (a host being evacuated). */
export function chooseHost(pool: PoolSim, vmRef: string, requested?: string, exclude?: string): string {
  if (requested) {
    pool.db.get('host', requested);
    const problem = hostProblem(pool, vmRef, requested);
    if (problem) throw problem;
    return requested;
  }
  const vm = pool.db.get('VM', vmRef);
  const hosts = pool.db.refs('host').filter((h) => h !== exclude);
  const affinity = String(vm.affinity);
  if (affinity !== NULL_REF && hosts.includes(affinity) && !hostProblem(pool, vmRef, affinity)) return affinity;
  const problems: XapiError[] = [];
  const fit = hosts.filter((h) => {
    const p = hostProblem(pool, vmRef, h);
    if (p) problems.push(p);
    return !p;
  });
  if (fit.length) return fit.sort((a, b) => hostFreeMemory(pool, b) - hostFreeMemory(pool, a))[0];
  const memory = problems.filter((p) => p.code === 'HOST_NOT_ENOUGH_FREE_MEMORY').sort((a, b) => Number(b.params[1]) - Number(a.params[1]));
  if (memory.length) throw memory[0];
  throw problems.find((p) => p.code === 'VM_REQUIRES_SR' || p.code === 'VM_REQUIRES_NETWORK') ?? new XapiError('NO_HOSTS_AVAILABLE');
}

export function scheduleGuestAgent(call: CallContext, vmRef: string): void {
  const domid = call.db.get('VM', vmRef).domid;
  call.clock.setTimeout(() => {
    const vm = call.db.find('VM', vmRef);
    if (vm && vm.power_state === 'Running' && vm.domid === domid) publishGuestMetrics(call.pool, vmRef);
  }, VM_OP_DURATION.guestAgent);
}

export function vmMessage(call: CallContext, vmRef: string, name: string, body: string): void {
  const vm = call.db.find('VM', vmRef);
  if (vm) postMessage(call.pool, name, 5, 'VM', String(vm.uuid), body);
}

