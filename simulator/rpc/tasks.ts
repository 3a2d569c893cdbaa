/**
 * Tasks: created for every `Async.*` call (and by task.create), moved pending → success/failure/cancelled,
 * with progress reported by the handler on simulated time. `result` holds an XML-RPC value fragment
 * (`<value>OpaqueRef:…</value>`), as xapi stores it and xen-api parses it.
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import { xmlValue } from '../codec/xmlrpc-encode';
import { xapiDateTime } from '../datetime';
import type { ObjectDb } from '../db/object-db';
import type { SimClock } from '../clock';
import { XapiError } from '../xapi-error';

export class TaskHandle {
  private cancelRequested = false;
  private cancelWaiters: (() => void)[] = [];

  constructor(readonly ref: string, private db: ObjectDb, private clock: SimClock) {}

  get cancelled(): boolean {
    return this.cancelRequested;
  }

  progress(p: number): void {
    if (!this.db.has('task', this.ref)) return;
    this.db.update('task', this.ref, { progress: Math.max(0, Math.min(1, p)) });
  }

  requestCancel(): void {
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.db.has('task', this.ref)) this.db.update('task', this.ref, { status: 'cancelling', allowed_operations: [] });
    for (const w of this.cancelWaiters.splice(0)) w();
  }

  throwIfCancelled(): void {
    if (this.cancelRequested) throw new XapiError('TASK_CANCELLED', [this.ref]);
  }

  /** Sleeps on simulated time; a cancel request interrupts the sleep with TASK_CANCELLED. */
  async sleep(ms: number): Promise<void> {
    this.throwIfCancelled();
    await new Promise<void>((resolve) => {
      const id = this.clock.setTimeout(resolve, ms);
      this.cancelWaiters.push(() => {
        this.clock.clearTimeout(id);
        resolve();
      });
    });
    this.throwIfCancelled();
  }

  succeed(result: unknown, type: XapiType): void {
    if (!this.db.has('task', this.ref)) return;
    const encoded = type.k === 'void' || result === undefined ? '' : xmlValue(result, type);
    this.db.update('task', this.ref, {
      status: 'success', progress: 1, result: encoded, finished: xapiDateTime(this.clock.now()), allowed_operations: ['destroy'], current_operations: {},
    });
  }

  fail(err: XapiError): void {
    if (!this.db.has('task', this.ref)) return;
    const cancelled = err.code === 'TASK_CANCELLED';
    this.db.update('task', this.ref, {
      status: cancelled ? 'cancelled' : 'failure', progress: 1, error_info: err.description,
      finished: xapiDateTime(this.clock.now()), allowed_operations: ['destroy'], current_operations: {},
    });
  }
}

export class Tasks {
  private handles = new Map<string, TaskHandle>();

  constructor(private db: ObjectDb, private clock: SimClock) {}

  create(label: string, description: string, hostRef: string, sessionRef?: string): TaskHandle {
    const now = xapiDateTime(this.clock.now());
    const ref = this.db.create('task', {
      name_label: label, name_description: description, created: now, status: 'pending', resident_on: hostRef,
      progress: 0, allowed_operations: ['cancel'], other_config: {}, type: '',
    });
    const h = new TaskHandle(ref, this.db, this.clock);
    this.handles.set(ref, h);
    if (sessionRef && this.db.has('session', sessionRef)) {
      const s = this.db.get('session', sessionRef);
      this.db.update('session', sessionRef, { tasks: [...(s.tasks as string[]), ref] });
    }
    return h;
  }

  handle(ref: string): TaskHandle | undefined {
    return this.handles.get(ref);
  }

  cancel(ref: string): void {
    const t = this.db.get('task', ref);
    const h = this.handles.get(ref);
    if (t.status !== 'pending' || !h) throw new XapiError('OPERATION_NOT_ALLOWED', ['task is not pending']);
    h.requestCancel();
  }

  destroy(ref: string): void {
    this.db.get('task', ref);
    this.handles.get(ref)?.requestCancel();
    this.handles.delete(ref);
    this.db.destroy('task', ref);
  }
}
