/**
 * What the page may not call on a pool through the Bridge (`xapi.call`, `xapi.callAsync`): the one list, for
 * both transports (Electron IPC and the browser-mode WebSocket reach the same check in the connection manager).
 * The main process itself calls these freely.
 *
 * - `session.*`: session ids are the pool's credentials (the page never holds one), and logging in or out
 *   belongs to the connection manager.
 * - `event.*`: the manager's own event loop feeds the mirror; a second registration or a long poll from the
 *   page would fight it.
 * - the `secret` messages that read a secret or find one: a compromised page must not read the passwords
 *   stored for SRs (CIFS, iSCSI CHAP…). `secret.create` stays (SR creation stores its password with it), and
 *   so do the writes and `get_uuid`/`get_other_config`, which reveal no value.
 *
 * Names are compared as xapi dispatches them, and more loosely: xapi takes `Class.message`, the alternative
 * `Class_message` and an `Async.` or `InternalAsync.` prefix; the class is matched without regard to case (the
 * simulator and databases of old hosts spell classes either way) and so is the message.
 */
import { bridgeError } from './bridge';

/** Classes the page may call nothing of. */
export const PAGE_REFUSED_CLASSES = ['session', 'event'] as const;

/** Single messages the page may not call. */
export const PAGE_REFUSED_MESSAGES = [
  'secret.get_value',
  'secret.get_record',
  'secret.get_all_records',
  'secret.get_all',
  'secret.get_by_uuid',
  // Not in the published datamodel, but xapi serves it for every class (hidden from the docs).
  'secret.get_all_records_where',
] as const;

const ASYNC_PREFIX = /^(?:internal)?async\./;

/** Whether the page must not call `method` (any spelling xapi or the simulator would dispatch). */
export function refusedToPage(method: string): boolean {
  let name = method.toLowerCase();
  while (ASYNC_PREFIX.test(name)) name = name.replace(ASYNC_PREFIX, '');
  for (const cls of PAGE_REFUSED_CLASSES) if (name.startsWith(`${cls}.`) || name.startsWith(`${cls}_`)) return true;
  return PAGE_REFUSED_MESSAGES.some((m) => name === m || name === m.replace('.', '_'));
}

/** Throws METHOD_NOT_ALLOWED for a method the page may not call. */
export function assertPageMayCall(method: string): void {
  if (refusedToPage(method)) throw bridgeError('METHOD_NOT_ALLOWED', [method], `${method} is not available to the interface`, method);
}
