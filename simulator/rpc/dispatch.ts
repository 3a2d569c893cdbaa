/**
 * One call, from method name and decoded params to a typed result or an XapiError, in xapi's order:
 * method lookup (MESSAGE_METHOD_UNKNOWN), parameter count (MESSAGE_PARAMETER_COUNT_MISMATCH), session
 * (SESSION_INVALID), argument types (FIELD_TYPE_ERROR), then the handler. `Async.` calls return a task ref
 * at once and run the handler inside the task.
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import { classesByLowerName, classes, type MessageInfo } from '../model';
import { XapiError, toXapiError } from '../xapi-error';
import type { SimHost } from '../core';
import { coerceArgument } from './argument-types';
import type { CallContext } from './call-context';
import { genericHandler } from './generic-messages';
import type { ApiHandler } from './api-registry';

export interface CallResult { value: unknown; type: XapiType | undefined }

/** Messages callable without a session (xapi: session.login_with_password and friends, system.*). */
const SESSIONLESS = new Set(['session.login_with_password', 'session.slave_local_login_with_password']);
/** login_with_password takes 2 to 4 arguments: version and originator came later and stay optional. */
// xapi fills parameters added in later releases with their defaults (VM.snapshot's ignore_vdis: [],
// host.evacuate's network and evacuate_batch_size), so clients written for older hosts keep working.
// VM.migrate_send/assert_can_migrate gained vgpu_map (Inverness): XenCenter and Xen Orchestra still send 6
// arguments after the session. VDI.copy gained base_vdi and into_vdi (Clearwater): XenCenter sends (vdi, sr).
const OPTIONAL_TRAILING: Record<string, number> = {
  'session.login_with_password': 2, 'VM.snapshot': 3, 'host.evacuate': 2, 'VM.migrate_send': 7, 'VM.assert_can_migrate': 7, 'VDI.copy': 3,
};

export function resolveHandler(host: SimHost, clsName: string, msg: MessageInfo): ApiHandler | undefined {
  const registered = host.sim.api.get(`${clsName}.${msg.name}`);
  if (registered) return registered;
  const cls = classes.get(clsName);
  return cls ? genericHandler(cls, msg) : undefined;
}

/** Every method the simulator answers, for system.listMethods. */
export function listMethods(host: SimHost): string[] {
  const out: string[] = ['system.listMethods', 'system.methodHelp', 'system.methodSignature'];
  for (const cls of classes.values()) {
    for (const msg of cls.messages.values()) {
      if (!resolveHandler(host, cls.name, msg)) continue;
      out.push(`${cls.name}.${msg.name}`);
      if (msg.async) out.push(`Async.${cls.name}.${msg.name}`);
    }
  }
  for (const name of host.sim.api.names()) if (!out.includes(name)) out.push(name);
  return out;
}

export async function dispatch(host: SimHost, method: string, rawParams: unknown[]): Promise<CallResult> {
  if (method === 'system.listMethods') return { value: listMethods(host), type: { k: 'set', of: { k: 'string' } } };
  if (method.startsWith('system.')) throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);

  const isAsync = method.startsWith('Async.');
  const name = isAsync ? method.slice(6) : method;
  const dot = name.indexOf('.');
  const cls = dot > 0 ? classesByLowerName.get(name.slice(0, dot).toLowerCase()) : undefined;
  const msg = cls?.messages.get(name.slice(dot + 1));
  if (!cls || !msg || (isAsync && !msg.async)) throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);
  const canonical = `${cls.name}.${msg.name}`;
  const handler = resolveHandler(host, cls.name, msg);
  if (!handler) throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);

  const expected = msg.params.length;
  const minimum = OPTIONAL_TRAILING[canonical] ?? expected;
  if (rawParams.length > expected || rawParams.length < minimum) {
    throw new XapiError('MESSAGE_PARAMETER_COUNT_MISMATCH', [method, expected, rawParams.length]);
  }

  const pool = host.pool;
  const sessionless = SESSIONLESS.has(canonical) || msg.params[0]?.name !== 'session_id';
  const session = sessionless ? undefined : pool.sessions.check(rawParams[0]);
  const args = rawParams.map((v, i) => coerceArgument(v, msg.params[i].type, msg.params[i].name));
  if (!sessionless) args.shift();

  const call: CallContext = { sim: host.sim, pool, db: pool.db, session, host, clock: host.sim.clock, method: canonical };
  if (!isAsync) return msg.async ? runInCallTask(call, canonical, () => handler(call, ...args), msg.result) : { value: await handler(call, ...args), type: msg.result };

  const task = pool.tasks.create(`Async.${canonical}`, '', host.ref, session?.ref);
  call.task = task;
  // Run on the next tick so the client always has the task ref before anything happens to the task.
  setImmediate(() => {
    Promise.resolve()
      .then(() => handler(call, ...args))
      .then((value) => task.succeed(value, msg.result), (err) => task.fail(toXapiError(err)));
  });
  return { value: task.ref, type: { k: 'ref', cls: 'task' } };
}

/**
 * xapi runs a synchronous call of a message that has an Async form in a task of its own, in the database
 * while the call runs (Context.of_http_req with generate_task_for), named after the call (`host.call_plugin`),
 * completed and destroyed when the call returns (Context.finally_destroy_context): other clients see it come
 * and go in event.from. The handler runs as a synchronous call still (no simulated duration).
 */
async function runInCallTask(call: CallContext, label: string, run: () => unknown, type: XapiType | undefined): Promise<CallResult> {
  const { pool, host, session } = call;
  const task = pool.tasks.create(label, '', host.ref, session?.ref);
  try {
    const value = await run();
    if (type) task.succeed(value, type);
    return { value, type };
  } catch (err) {
    task.fail(toXapiError(err));
    throw err;
  } finally {
    if (pool.db.has('task', task.ref)) pool.tasks.destroy(task.ref);
  }
}
