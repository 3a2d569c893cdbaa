/**
 * Waits for tasks through the event stream, never by polling (CLIENT-NOTES §7.10): a task record
 * reaching `success`, `failure` or `cancelled` settles its waiters; a task deleted before that
 * rejects with TASK_DESTROYED. Task results are XML-RPC `<value>` fragments whatever the transport.
 */
import type { ChangeSet, XapiObject } from './change-set';
import { decodeTaskResult } from './codec/xapi-envelope';
import type { ObjectCache } from './object-cache';
import { recordValue } from './raw-record';
import { ClientErrorCode, XapiError, errorFromDescription } from './xapi-error';

interface Waiter {
  method: string;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const FINAL = new Set(['success', 'failure', 'cancelled']);

export class TaskWatcher {
  private readonly waiters = new Map<string, Waiter[]>();

  constructor(private readonly cache: ObjectCache) {}

  /** Resolves with the decoded result, or rejects with the task's error as an XapiError. */
  wait(ref: string, method: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter = { method, resolve, reject };
      const record = this.cache.get('task', ref);
      if (record && this.settle(ref, record, [waiter])) return;
      const list = this.waiters.get(ref);
      if (list) list.push(waiter);
      else this.waiters.set(ref, [waiter]);
    });
  }

  /** Feed every change set of the mirror here. */
  onChanges(changes: ChangeSet): void {
    if (this.waiters.size === 0) return;
    for (const group of [changes.added.task, changes.modified.task]) {
      if (!group) continue;
      for (const ref in group) {
        const list = this.waiters.get(ref);
        if (list && this.settle(ref, recordValue(group[ref]), list)) this.waiters.delete(ref);
      }
    }
    for (const ref of changes.removed.task ?? []) {
      const list = this.waiters.get(ref);
      if (!list) continue;
      this.waiters.delete(ref);
      for (const w of list) w.reject(new XapiError(ClientErrorCode.TASK_DESTROYED, [ref], w.method, `Task ${ref} was destroyed before it finished`));
    }
  }

  /** The client is going away: nobody will hear of these tasks any more. */
  rejectAll(err: unknown): void {
    for (const list of this.waiters.values()) for (const w of list) w.reject(err);
    this.waiters.clear();
  }

  private settle(ref: string, record: XapiObject, waiters: Waiter[]): boolean {
    const status = record.status;
    if (typeof status !== 'string' || !FINAL.has(status)) return false;
    for (const w of waiters) {
      if (status === 'success') {
        try {
          w.resolve(decodeTaskResult(typeof record.result === 'string' ? record.result : '', w.method));
        } catch (err) {
          w.reject(err);
        }
      } else if (status === 'failure') {
        w.reject(errorFromDescription(record.error_info, w.method));
      } else {
        w.reject(new XapiError('TASK_CANCELLED', [ref], w.method));
      }
    }
    return true;
  }
}
