/**
 * Why an operation cannot run now, in words, for a VM or a host. XAPI only says *that* an operation is
 * not allowed (it is missing from allowed_operations); the reason is read, in XenCenter's order, from
 * what XAPI bases that on: an operation already running on the object, an operation the pool
 * administrator blocked (blocked_operations), the power state, and the host being unreachable.
 */
import type { EnumHostAllowedOperations, EnumVmOperations, HostRecord, VMRecord } from '../../shared/xapi/generated/records';
import type { MirrorState } from '../store';
import { isNullRef } from '../store/object-id';

/** Operation names as a sentence reads them ("clean_shutdown" → "shut down"). */
const OPERATION_WORDS: Partial<Record<string, string>> = {
  start: 'start', start_on: 'start', clean_shutdown: 'shut down', hard_shutdown: 'force shut down', shutdown: 'shut down',
  clean_reboot: 'reboot', hard_reboot: 'force reboot', suspend: 'suspend', resume: 'resume', resume_on: 'resume',
  pause: 'pause', unpause: 'unpause', clone: 'clone', copy: 'copy', snapshot: 'take a snapshot', checkpoint: 'take a snapshot with memory',
  snapshot_with_quiesce: 'take a quiesced snapshot', destroy: 'delete', revert: 'revert', pool_migrate: 'migrate', migrate_send: 'migrate',
  provision: 'create disks', export: 'export', import: 'import', evacuate: 'move VMs away', reboot: 'reboot', changing_memory_limits: 'change memory',
  changing_dynamic_range: 'change memory', changing_VCPUs: 'change vCPUs', changing_VCPUs_live: 'change vCPUs', make_into_template: 'convert to a template',
};

export const operationWords = (op: string) => OPERATION_WORDS[op] ?? op.replace(/_/g, ' ');

/** "shutting down" for an operation in progress. */
const RUNNING_WORDS: Partial<Record<string, string>> = {
  start: 'starting', start_on: 'starting', clean_shutdown: 'shutting down', hard_shutdown: 'shutting down', shutdown: 'shutting down',
  clean_reboot: 'rebooting', hard_reboot: 'rebooting', suspend: 'suspending', resume: 'resuming', resume_on: 'resuming',
  pause: 'pausing', unpause: 'unpausing', clone: 'being cloned', copy: 'being copied', snapshot: 'taking a snapshot', checkpoint: 'taking a snapshot with memory',
  snapshot_with_quiesce: 'taking a snapshot', destroy: 'being deleted', revert: 'reverting to a snapshot', pool_migrate: 'migrating', migrate_send: 'migrating',
  provision: 'creating its disks', export: 'being exported', evacuate: 'moving its VMs away', reboot: 'rebooting', provision_host: 'provisioning',
};

function busy(name: string, current: Record<string, string>): string | undefined {
  const ops = Object.values(current);
  if (ops.length === 0) return undefined;
  return `${name} is ${RUNNING_WORDS[ops[0]] ?? `busy (${ops[0].replace(/_/g, ' ')})`}: wait for it to finish.`;
}

const POWER_WORDS: Record<string, string> = { Running: 'running', Halted: 'shut down', Suspended: 'suspended', Paused: 'paused' };

/** What the power state must be for the operation (per XAPI's state machine), as words for a reason. */
function powerNeed(op: EnumVmOperations, power: string): string | undefined {
  const is = POWER_WORDS[power] ?? power.toLowerCase();
  switch (op) {
    case 'start':
    case 'start_on':
      return power === 'Running' ? 'is already running.' : power === 'Suspended' ? 'is suspended: resume it instead.' : power === 'Paused' ? 'is paused: unpause it instead.' : undefined;
    case 'clean_shutdown':
    case 'clean_reboot':
    case 'suspend':
    case 'pause':
    case 'checkpoint':
    case 'pool_migrate':
      return power === 'Running' ? undefined : power === 'Paused' && op !== 'pause' ? 'is paused: unpause it first.' : `is ${is}: it must be running.`;
    case 'hard_reboot':
      return power === 'Running' || power === 'Paused' ? undefined : `is ${is}: it must be running.`;
    case 'hard_shutdown':
      return power === 'Halted' ? 'is already shut down.' : undefined;
    case 'resume':
    case 'resume_on':
      return power === 'Suspended' ? undefined : `is ${is}, not suspended.`;
    case 'unpause':
      return power === 'Paused' ? undefined : `is ${is}, not paused.`;
    case 'destroy':
      return power === 'Halted' ? undefined : `is ${is}: shut it down before deleting it.`;
    case 'clone':
    case 'copy':
      return power === 'Halted' ? undefined : `is ${is}: shut it down to copy it.`;
    case 'changing_memory_limits':
    case 'changing_static_range':
    case 'changing_VCPUs':
      return power === 'Halted' ? undefined : `is ${is}: shut it down to change this.`;
    default:
      return undefined;
  }
}

/** Why `op` is not allowed on the VM now; undefined when XAPI allows it. */
export function vmOperationReason(vm: VMRecord, op: EnumVmOperations): string | undefined {
  if (vm.allowed_operations.includes(op)) return undefined;
  const name = vm.name_label || 'The VM';
  const blocked = vm.blocked_operations?.[op as keyof typeof vm.blocked_operations];
  if (blocked !== undefined) return `The pool administrator blocked “${operationWords(op)}” on ${name}${blocked && blocked !== 'true' ? `: ${blocked}` : '.'}`;
  const state = powerNeed(op, vm.power_state);
  if (state) return `${name} ${state}`;
  const running = busy(name, vm.current_operations ?? {});
  if (running) return running;
  if ((op === 'clean_shutdown' || op === 'clean_reboot' || op === 'suspend') && vm.power_state === 'Running') {
    return `${name} has no guest tools answering, so it cannot ${operationWords(op)} cleanly: use Force ${op === 'clean_reboot' ? 'reboot' : 'shut down'}.`;
  }
  return `The pool does not allow “${operationWords(op)}” on ${name} now.`;
}

/** Whether the host answers (host_metrics.live); unknown counts as live. */
export function hostIsLive(host: HostRecord, state: MirrorState, connectionId: string): boolean {
  if (isNullRef(host.metrics)) return true;
  const metrics = state.mirrors[connectionId]?.objects.host_metrics?.get(host.metrics);
  return metrics ? metrics.live : true;
}

/** Why `op` is not allowed on the host now; undefined when XAPI allows it. */
export function hostOperationReason(host: HostRecord, op: EnumHostAllowedOperations, state: MirrorState, connectionId: string): string | undefined {
  const name = host.name_label || 'The host';
  if (!hostIsLive(host, state, connectionId)) return `${name} is not reachable (it is off or has failed).`;
  if (host.allowed_operations.includes(op)) return undefined;
  const running = busy(name, host.current_operations ?? {});
  if (running) return running;
  return `The pool does not allow “${operationWords(op)}” on ${name} now.`;
}

/**
 * The reason for a selection: the one object's reason, or for several (none of which can run) the first
 * few reasons after a count.
 */
export function selectionReason(reasons: readonly string[], what: string): string | undefined {
  if (reasons.length === 0) return undefined;
  if (reasons.length === 1) return reasons[0];
  const shown = reasons.slice(0, 3).join(' ');
  return `None of the ${reasons.length} selected ${what} can: ${shown}${reasons.length > 3 ? ' …' : ''}`;
}
