/**
 * What the task panel knows beyond the mirror. XAPI destroys a task soon after it finishes (its
 * creator reads the result and calls task.destroy), so the panel keeps its own record of finished
 * tasks for a while; it also remembers, for the tasks XenDeck started, a title in words and the
 * object they act on, and calls that failed before a task existed (refused at once by the pool).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BridgeErrorShape } from '../../../shared/bridge';
import type { TaskRecord } from '../../../shared/xapi/generated/records';
import { parseXapiTime } from './xapi-time';

/** How long a finished task stays listed. */
export const FINISHED_TASK_TTL_MS = 10 * 60_000;

export interface LaunchInfo {
  connectionId: string;
  /** "Shut down", "Start"…: the action, in words. */
  title: string;
  /** The object acted on, by name ("web-01"), and its ref so the panel can follow renames. */
  targetName: string;
  targetRef?: string;
}

export interface FinishedTask extends LaunchInfo {
  key: string;
  taskRef?: string;
  status: 'success' | 'failure' | 'cancelled';
  /** XAPI's code and parameters; `message` when XenDeck's backend worded it (connection failures). */
  error?: Pick<BridgeErrorShape, 'code' | 'params'> & { message?: string };
  /** Local time it was seen finishing (drives the TTL). */
  finishedAt: number;
  /** Duration from the server's created/finished times, else from what this window saw. */
  elapsedMs?: number;
  /** The result's class and ref ("VM", OpaqueRef…) for tasks that made something. */
  result?: string;
}

export interface TaskLogState {
  /** Tasks started from this window, by `connectionId|taskRef`. */
  launched: Readonly<Record<string, LaunchInfo & { startedAt: number }>>;
  /** When a task was first seen pending (for the elapsed time of tasks of other clients). */
  firstSeen: Readonly<Record<string, number>>;
  finished: readonly FinishedTask[];
}

export type TaskLog = StoreApi<TaskLogState>;

export const taskKey = (connectionId: string, taskRef: string) => `${connectionId}|${taskRef}`;

export function createTaskLog(): TaskLog {
  return createStore<TaskLogState>()(() => ({ launched: {}, firstSeen: {}, finished: [] }));
}

export function recordLaunch(log: TaskLog, taskRef: string, info: LaunchInfo, now = Date.now()): void {
  const key = taskKey(info.connectionId, taskRef);
  log.setState((s) => ({ launched: { ...s.launched, [key]: { ...info, startedAt: now } }, firstSeen: { ...s.firstSeen, [key]: s.firstSeen[key] ?? now } }));
}

/** What a failed call threw, as a finished task's error: XAPI's code and parameters (INTERNAL_ERROR and the message for anything else). */
export function taskError(error: unknown): NonNullable<FinishedTask['error']> {
  const e = error as Partial<BridgeErrorShape> | undefined;
  return {
    code: typeof e?.code === 'string' ? e.code : 'INTERNAL_ERROR',
    params: Array.isArray(e?.params) ? e.params.map(String) : [String(e?.message ?? error)],
    message: typeof e?.message === 'string' ? e.message : undefined,
  };
}

/** A call refused before a task existed (OPERATION_NOT_ALLOWED, a lost connection…): listed as a failed task. */
export function recordLaunchFailure(log: TaskLog, info: LaunchInfo, error: unknown, now = Date.now()): void {
  const entry: FinishedTask = { ...info, key: `local|${now}|${Math.random().toString(36).slice(2)}`, status: 'failure', error: taskError(error), finishedAt: now };
  log.setState((s) => ({ finished: [entry, ...s.finished] }));
}

/**
 * The end of a task this window ran itself (a series of calls under a task it created): listed under the
 * task's own key, so the mirror seeing the task finish or vanish does not list it twice.
 */
export function recordFinished(log: TaskLog, taskRef: string, info: LaunchInfo, outcome: Pick<FinishedTask, 'status' | 'error'>, now = Date.now()): void {
  const key = taskKey(info.connectionId, taskRef);
  log.setState((s) => {
    if (s.finished.some((f) => f.key === key)) return s;
    const started = s.launched[key]?.startedAt;
    const entry: FinishedTask = { ...info, key, taskRef, ...outcome, finishedAt: now, elapsedMs: started !== undefined ? now - started : undefined };
    return { finished: [entry, ...s.finished] };
  });
}

function finishedStatus(status: TaskRecord['status']): FinishedTask['status'] | undefined {
  if (status === 'success') return 'success';
  if (status === 'failure') return 'failure';
  if (status === 'cancelled') return 'cancelled';
  return undefined;
}

/**
 * Brings the log up to date with one connection's tasks: tasks seen for the first time get a
 * first-seen time; tasks that reached a final status, and pending ones that vanished, are recorded as
 * finished (once). `describe` words a task this window did not start, or leaves it out (undefined: a
 * subtask, a synchronous call's task…), and then the log keeps nothing about it.
 */
export function observeTasks(
  log: TaskLog,
  connectionId: string,
  tasks: ReadonlyMap<string, TaskRecord>,
  previous: ReadonlyMap<string, TaskRecord> | undefined,
  describe: (task: TaskRecord) => { title: string; targetName: string; targetRef?: string } | undefined,
  now = Date.now(),
): void {
  const s = log.getState();
  const done = new Set(s.finished.map((f) => f.key));
  let firstSeen: Record<string, number> | undefined;
  const finished: FinishedTask[] = [];

  const finish = (ref: string, task: TaskRecord, status: FinishedTask['status']) => {
    const key = taskKey(connectionId, ref);
    if (done.has(key)) return;
    done.add(key);
    const launched = s.launched[key];
    const words = launched ?? describe(task);
    if (!words) return;
    const created = parseXapiTime(task.created);
    const ended = parseXapiTime(task.finished);
    const seen = s.firstSeen[key] ?? launched?.startedAt;
    const elapsedMs = created !== undefined && ended !== undefined && ended >= created ? ended - created : seen !== undefined ? now - seen : undefined;
    finished.push({
      ...words,
      connectionId,
      key,
      taskRef: ref,
      status,
      error: status === 'failure' ? { code: task.error_info[0] ?? 'INTERNAL_ERROR', params: task.error_info.slice(1) } : undefined,
      finishedAt: now,
      elapsedMs,
      result: status === 'success' && task.result ? task.result : undefined,
    });
  };

  for (const [ref, task] of tasks) {
    const key = taskKey(connectionId, ref);
    if (s.firstSeen[key] === undefined && (s.launched[key] || describe(task))) (firstSeen ??= { ...s.firstSeen })[key] = now;
    const status = finishedStatus(task.status);
    if (status) finish(ref, task, status);
  }
  // Destroyed before this window saw it finish (a very short task, or one cancelled while disconnected).
  if (previous) {
    for (const [ref, task] of previous) {
      if (tasks.has(ref)) continue;
      const status = finishedStatus(task.status) ?? 'success';
      finish(ref, task, status);
    }
  }
  if (!firstSeen && finished.length === 0) return;
  log.setState((st) => ({ firstSeen: firstSeen ?? st.firstSeen, finished: finished.length ? [...finished.reverse(), ...st.finished] : st.finished }));
}

/** Drops finished tasks older than the TTL (and bookkeeping of tasks long gone). */
export function pruneTaskLog(log: TaskLog, now = Date.now(), ttl = FINISHED_TASK_TTL_MS): void {
  const s = log.getState();
  const finished = s.finished.filter((f) => now - f.finishedAt < ttl);
  if (finished.length === s.finished.length) return;
  const keep = new Set(finished.map((f) => f.key));
  const stale = (key: string) => !keep.has(key) && s.finished.some((f) => f.key === key);
  const launched = Object.fromEntries(Object.entries(s.launched).filter(([k]) => !stale(k)));
  const firstSeen = Object.fromEntries(Object.entries(s.firstSeen).filter(([k]) => !stale(k)));
  log.setState({ finished, launched, firstSeen });
}

export function clearFinished(log: TaskLog): void {
  log.setState({ finished: [] });
}

/** The app's one task log (tests create their own). */
export const appTaskLog = createTaskLog();
