/**
 * The operation checks xapi's message forwarding runs before a migration starts (Xapi_vm_lifecycle
 * check_operation_error for `pool_migrate` and `migrate_send`), in xapi's order, and the host side of a
 * migration: the receiving host's current_operations hold `vm_migrate` while memory is reserved there.
 */
import type { CallContext } from '../rpc/call-context';
import type { XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { refreshHostOperations } from './host-operations';
import { withCurrentOperation } from './current-operations';

/** Power states each operation accepts, spelled as xapi lists them in VM_BAD_POWER_STATE's `expected`. */
const ALLOWED_STATES: Record<'pool_migrate' | 'migrate_send', string[]> = {
  pool_migrate: ['Running'],
  migrate_send: ['Halted', 'Suspended', 'Running'],
};

export function checkMigrationOperation(call: CallContext, vmRef: string, op: 'pool_migrate' | 'migrate_send'): XRecord {
  const vm = call.db.get('VM', vmRef);
  const blocked = vm.blocked_operations as Record<string, string>;
  if (blocked[op] !== undefined) throw new XapiError('OPERATION_BLOCKED', [vmRef, blocked[op]]);
  const states = ALLOWED_STATES[op];
  if (!states.includes(String(vm.power_state))) {
    throw new XapiError('VM_BAD_POWER_STATE', [vmRef, states.map((s) => s.toLowerCase()).join(', '), String(vm.power_state).toLowerCase()]);
  }
  const current = Object.entries(vm.current_operations as Record<string, string>);
  if (current.length) throw new XapiError('OTHER_OPERATION_IN_PROGRESS', ['VM', vmRef, current[0][1], current[0][0]]);
  if (vm.is_a_snapshot) throw new XapiError('OPERATION_NOT_ALLOWED', [`VM.${op} is not allowed on a snapshot`]);
  // Templates may be sent to another pool (XenCenter's "Copy template"), except the default ones.
  if (vm.is_a_template && (op !== 'migrate_send' || vm.is_default_template)) throw new XapiError('VM_IS_TEMPLATE', [vmRef, op]);
  if (vm.is_control_domain) throw new XapiError('OPERATION_NOT_ALLOWED', ['This operation is not allowed on a control domain']);
  if ((vm.attached_PCIs as string[]).length) throw new XapiError('VM_HAS_PCI_ATTACHED', [vmRef]);
  if ((vm.VGPUs as string[]).length && vm.power_state !== 'Halted') throw new XapiError('VM_HAS_VGPU', [vmRef]);
  return vm;
}

/** Runs `body` with `vm_migrate` in the receiving host's current_operations (keyed by the task), as xapi's allocate_vm_to_host. */
export function withHostReceiving<T>(call: CallContext, hostRef: string, body: () => Promise<T>): Promise<T> {
  return withCurrentOperation(call, 'host', hostRef, 'vm_migrate', body, () => refreshHostOperations(call.pool, hostRef));
}
