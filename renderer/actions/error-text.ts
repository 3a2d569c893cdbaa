/**
 * XAPI failures in words for the action dialogs and the task panel, the code always kept beside the
 * sentence. The app-wide table is renderer/errors.ts (part of the main window's shell); this module is
 * the bridge to it for actions and panels, with the sentences actions need most until that table
 * covers them.
 */
import type { BridgeErrorShape } from '../../shared/bridge';

type Words = (params: string[]) => string;

const SENTENCES: Record<string, Words> = {
  VM_BAD_POWER_STATE: (p) => `The VM is ${p[2] ?? 'in another state'}; this needs it ${p[1] ?? 'in a different state'}.`,
  OPERATION_NOT_ALLOWED: (p) => `The pool does not allow this now${p[0] ? `: ${p[0]}` : ''}.`,
  OTHER_OPERATION_IN_PROGRESS: () => 'Another operation is running on this object; try again when it finishes.',
  HOST_NOT_ENOUGH_FREE_MEMORY: () => 'No host has enough free memory for this VM. Shut down another VM or lower its memory.',
  NO_HOSTS_AVAILABLE: () => 'No host in the pool can run this VM now.',
  VM_MISSING_PV_DRIVERS: () => 'The guest has no PV drivers, so it cannot be asked to shut down or suspend cleanly.',
  VM_FAILED_SHUTDOWN_ACKNOWLEDGMENT: () => 'The guest did not acknowledge the shutdown request.',
  VM_SHUTDOWN_TIMEOUT: () => 'The guest did not shut down in time.',
  VM_IS_TEMPLATE: () => 'This is a template; templates cannot be started.',
  VM_CANNOT_DELETE_DEFAULT_TEMPLATE: () => 'Built-in templates cannot be deleted.',
  VM_REQUIRES_SR: () => 'A disk of this VM is on storage no host can reach.',
  HOST_OFFLINE: () => 'The host is offline.',
  CANNOT_EVACUATE_HOST: (p) => `A VM cannot move off this host${p[0] ? ` (${p[0].split('|')[0]})` : ''}: no other host can run it. Shut it down or free memory elsewhere.`,
  HOST_DISABLED: () => 'The host is in maintenance mode (disabled).',
  HOST_IN_USE: () => 'The host still runs VMs.',
  HOST_HAS_RESIDENT_VMS: () => 'The host still runs VMs; move or shut them down first.',
  HOST_NOT_DISABLED: () => 'The host must be in maintenance mode (disabled) first.',
  TASK_CANCELLED: () => 'Cancelled.',
  SR_FULL: () => 'The storage repository is full.',
  VDI_IN_USE: () => 'The disk is in use by a running VM.',
  HANDLE_INVALID: () => 'The object no longer exists on the pool.',
  MESSAGE_METHOD_UNKNOWN: (p) => `This pool does not support ${p[0] ?? 'this operation'}.`,
  SESSION_INVALID: () => 'The session expired; XenDeck is logging in again.',
  RBAC_PERMISSION_DENIED: () => 'Your role on this pool does not allow this.',
  CONNECTION_FAILED: (p) => `Could not reach ${p[0] ?? 'the server'}.`,
  TIMEOUT: () => 'The server did not answer in time.',
  DISCONNECTED: () => 'The connection to the pool was closed.',
  NOT_IMPLEMENTED: () => 'Not available yet in this version of XenDeck.',
};

export function errorSentence(error: (Pick<BridgeErrorShape, 'code' | 'params'> & { message?: string }) | undefined): string {
  if (!error) return 'Failed.';
  const words = SENTENCES[error.code];
  if (words) return words(error.params ?? []);
  // Failures XenDeck's backend words itself (connections, certificates) carry their sentence.
  return error.message && error.message !== error.code ? error.message : 'The pool refused the operation.';
}
