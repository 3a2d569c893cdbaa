/**
 * Long operations go through `Async.*` calls (`xapi.callAsync` answers with the task ref at once) so
 * the task panel shows their progress from the mirror's task objects. Bulk work runs one call per
 * object with a concurrency limit (as xen-api caps calls), one task each; a call the pool refuses at
 * once is listed in the task panel as a failed task, so nothing fails silently.
 */
import { ConcurrencyLimit } from '../../shared/api-client/concurrency-limit';
import type { Bridge, BridgeErrorShape } from '../../shared/bridge';
import type { TaskRecord } from '../../shared/xapi/generated/records';
import { appStore, type ClassMap, type MirrorStore } from '../store';
import { appTaskLog, recordFinished, recordLaunch, recordLaunchFailure, taskError, taskKey, type FinishedTask, type LaunchInfo, type TaskLog } from '../views/tasks/task-log';
import { taskLabels } from '../views/tasks/task-identity';

/** At most this many calls of one bulk action in flight (xapi queues the rest anyway; this keeps sockets few). */
export const BULK_CONCURRENCY = 4;

export interface AsyncCall extends LaunchInfo {
  /** Without the `Async.` prefix: `VM.start`. */
  method: string;
  params: unknown[];
}

/**
 * Writes the task's title and object into its other_config (task-identity.ts), so every client can say
 * what it acts on (XenCenter reads applies_to) and a XenDeck window opened later lists it by its title
 * rather than by the method xapi named it after. Best effort: the task may already be gone, and a
 * read-only user may not write other_config.
 */
function labelTask(bridge: Bridge, taskRef: string, info: LaunchInfo): void {
  for (const [key, value] of Object.entries(taskLabels(info))) {
    bridge.request('xapi.call', { connectionId: info.connectionId, method: 'task.add_to_other_config', params: [taskRef, key, value] }).catch(() => undefined);
  }
}

/** Starts one Async call; the task ref, or undefined when the pool refused (recorded as a failed task). */
export async function launch(bridge: Bridge, call: AsyncCall, log: TaskLog = appTaskLog): Promise<string | undefined> {
  const { method, params, ...info } = call;
  try {
    const taskRef = await bridge.request('xapi.callAsync', { connectionId: call.connectionId, method: `Async.${method}`, params });
    recordLaunch(log, taskRef, info);
    labelTask(bridge, taskRef, info);
    return taskRef;
  } catch (err) {
    recordLaunchFailure(log, info, err);
    return undefined;
  }
}

/** One Async call per item, at most `limit` at a time; refs in the order of `calls`. */
export async function launchEach(bridge: Bridge, calls: AsyncCall[], limit = BULK_CONCURRENCY, log: TaskLog = appTaskLog): Promise<(string | undefined)[]> {
  const gate = new ConcurrencyLimit(limit);
  return Promise.all(calls.map((c) => gate.run(() => launch(bridge, c, log))));
}

/** A synchronous XAPI call whose failure is also listed in the task panel; throws it on. */
export async function callRecorded(bridge: Bridge, info: LaunchInfo, method: string, params: unknown[], log: TaskLog = appTaskLog): Promise<unknown> {
  try {
    return await bridge.request('xapi.call', { connectionId: info.connectionId, method, params });
  } catch (err) {
    recordLaunchFailure(log, info, err);
    throw err;
  }
}

export interface TaskOutcome {
  status: 'success' | 'failure' | 'cancelled';
  result?: string;
  error?: Pick<BridgeErrorShape, 'code' | 'params'>;
}

function outcomeOf(task: TaskRecord): TaskOutcome | undefined {
  if (task.status === 'success') return { status: 'success', result: task.result };
  if (task.status === 'failure') return { status: 'failure', error: { code: task.error_info[0] ?? 'INTERNAL_ERROR', params: task.error_info.slice(1) } };
  if (task.status === 'cancelled') return { status: 'cancelled' };
  return undefined;
}

interface TaskWaiter {
  connectionId: string;
  taskRef: string;
  key: string;
  resolve(outcome: TaskOutcome): void;
}

/**
 * The tasks awaited against one store and task log, checked together on each change: a bulk action waits
 * for hundreds of tasks, and one check per task per change (each reading the log of finished tasks) grew
 * with the square of their number.
 */
class TaskWaiters {
  private readonly waiting = new Set<TaskWaiter>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: MirrorStore,
    private readonly log: TaskLog,
  ) {}

  add(waiter: TaskWaiter): void {
    if (this.settle(waiter, undefined)) return;
    this.waiting.add(waiter);
    if (!this.unsubscribe) {
      const offStore = this.store.subscribe(() => this.sweep());
      const offLog = this.log.subscribe(() => this.sweep());
      this.unsubscribe = () => {
        offStore();
        offLog();
      };
    }
  }

  private sweep(): void {
    let finished: Map<string, FinishedTask> | undefined;
    const logged = () => (finished ??= new Map(this.log.getState().finished.map((f) => [f.key, f])));
    for (const waiter of this.waiting) if (this.settle(waiter, logged)) this.waiting.delete(waiter);
    if (this.waiting.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
    }
  }

  /** Resolves the waiter if its task has ended (in the mirror, else in the task log); whether it did. */
  private settle(waiter: TaskWaiter, logged: (() => ReadonlyMap<string, FinishedTask>) | undefined): boolean {
    const task = (this.store.getState().mirrors[waiter.connectionId]?.objects.task as ClassMap<'task'> | undefined)?.get(waiter.taskRef);
    const outcome = task && outcomeOf(task);
    if (outcome) {
      waiter.resolve(outcome);
      return true;
    }
    const entry = logged ? logged().get(waiter.key) : this.log.getState().finished.find((f) => f.key === waiter.key);
    if (entry) {
      waiter.resolve({ status: entry.status, result: entry.result, error: entry.error });
      return true;
    }
    return false;
  }
}

const waitersByStore = new WeakMap<MirrorStore, WeakMap<TaskLog, TaskWaiters>>();

function waitersFor(store: MirrorStore, log: TaskLog): TaskWaiters {
  let byLog = waitersByStore.get(store);
  if (!byLog) waitersByStore.set(store, (byLog = new WeakMap()));
  let waiters = byLog.get(log);
  if (!waiters) byLog.set(log, (waiters = new TaskWaiters(store, log)));
  return waiters;
}

/** Resolves when the task reaches a final status in the mirror (or the task log saw it finish and vanish). */
export function waitForTask(connectionId: string, taskRef: string, store: MirrorStore = appStore, log: TaskLog = appTaskLog): Promise<TaskOutcome> {
  return new Promise((resolve) => waitersFor(store, log).add({ connectionId, taskRef, key: taskKey(connectionId, taskRef), resolve }));
}

/** The ref a successful task returned: XAPI encodes it as `<value>OpaqueRef:…</value>` in task.result. */
export function resultRef(result: string | undefined): string | undefined {
  if (!result) return undefined;
  const m = /OpaqueRef:[\w-]+/.exec(result);
  return m ? m[0] : undefined;
}

/** A task that ended without success, with XAPI's reason ({code, params}) for the dialog or form that asked for it. */
export class TaskFailed extends Error {
  constructor(
    readonly code: string,
    readonly params: string[],
  ) {
    super(code);
  }
}

/**
 * Runs one Async call to its end (listed in the task panel); the ref the task returned, if any. A refusal or
 * a failed task throws TaskFailed (or the bridge's error) with XAPI's code. `onTask` learns the task ref at once.
 */
export async function runTask(bridge: Bridge, info: LaunchInfo, method: string, params: unknown[], onTask?: (task: string) => void, log: TaskLog = appTaskLog): Promise<string | undefined> {
  let task: string;
  try {
    task = await bridge.request('xapi.callAsync', { connectionId: info.connectionId, method: `Async.${method}`, params });
  } catch (err) {
    // Refused at once (wrong power state, another operation…): listed as a failed task, and the caller says why.
    recordLaunchFailure(log, info, err);
    throw err;
  }
  recordLaunch(log, task, info);
  labelTask(bridge, task, info);
  onTask?.(task);
  const outcome = await waitForTask(info.connectionId, task, appStore, log);
  if (outcome.status === 'success') return resultRef(outcome.result);
  if (outcome.status === 'cancelled') throw new TaskFailed('TASK_CANCELLED', [task]);
  throw new TaskFailed(outcome.error?.code ?? 'INTERNAL_ERROR', outcome.error?.params ?? []);
}

export interface CallStep {
  method: string;
  params: unknown[];
  /** A refusal hidden in a successful answer (a host plug-in's reply that does not start with "True"). */
  refusal?: (result: unknown) => Pick<BridgeErrorShape, 'code' | 'params'> | undefined;
}

/**
 * Synchronous calls run as one task of the pool (task.create, as Xen Orchestra does for its own work): the
 * task panel lists it with its progress, other clients and later windows see it by the title in its
 * other_config, and it ends with the first failure, whose XAPI error it carries and throws. Calls made
 * before a failure stay made (XAPI has no transaction); the caller can show what is left to do.
 */
export async function runCallsAsTask(bridge: Bridge, info: LaunchInfo, steps: readonly CallStep[], log: TaskLog = appTaskLog): Promise<void> {
  const call = (method: string, params: unknown[]) => bridge.request('xapi.call', { connectionId: info.connectionId, method, params });
  let task: string;
  try {
    task = (await call('task.create', [info.title, info.targetName])) as string;
  } catch (err) {
    recordLaunchFailure(log, info, err);
    throw err;
  }
  recordLaunch(log, task, info);
  labelTask(bridge, task, info);
  // Bookkeeping on the task is best effort: older servers lack task.set_status, a read-only user may not write.
  const quietly = (method: string, params: unknown[]) => call(method, params).catch(() => undefined);
  try {
    for (const [i, step] of steps.entries()) {
      const result = await call(step.method, step.params);
      const refused = step.refusal?.(result);
      if (refused) throw { ...refused, method: step.method };
      if (i < steps.length - 1) void quietly('task.set_progress', [task, (i + 1) / steps.length]);
    }
  } catch (err) {
    const { code, params } = taskError(err);
    const error = { code, params };
    await quietly('task.set_error_info', [task, [error.code, ...error.params]]);
    await quietly('task.set_status', [task, 'failure']);
    recordFinished(log, task, info, { status: 'failure', error });
    void quietly('task.destroy', [task]);
    throw err;
  }
  await quietly('task.set_progress', [task, 1]);
  await quietly('task.set_status', [task, 'success']);
  recordFinished(log, task, info, { status: 'success' });
  void quietly('task.destroy', [task]);
}
