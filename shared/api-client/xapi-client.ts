/**
 * XapiClient: one pool, mirrored. Composes the Session (login, redirects, failover), the EventLoop
 * (sweep + event.from into an ObjectCache), the TaskWatcher and the connection state machine, and
 * runs the supervision loop that decides, for each failure, whether to resync, reconnect, wait or stop.
 *
 *   const client = new XapiClient({ url, user, password, transport });
 *   client.onChanges((changes) => …);           // one change set per load, batch or resync
 *   await client.connect();                     // resolves after the initial load
 *   await client.call('VM.get_power_state', ref);
 *   const done = client.callAsync('VM.start', ref, false, false); await done.task; await done;
 */
import { systemClock, sleep, type Clock } from './clock';
import { isEmptyChangeSet, type ChangeSet, type XapiObject } from './change-set';
import { restoreNumbers } from './codec/restore-numbers';
import { ConcurrencyLimit } from './concurrency-limit';
import { ConnectionStateMachine, type ConnectionState } from './connection-state';
import { EventLoop } from './event-loop';
import { ObjectCache } from './object-cache';
import { Session, type SessionOptions } from './session';
import { TaskWatcher } from './task-watcher';
import { ClientErrorCode, XapiError, isAuthenticationError } from './xapi-error';

export interface XapiClientOptions extends SessionOptions {
  /** event.from's server-side timeout in seconds (default 30). */
  eventTimeoutSeconds?: number;
  /** Pause between event.from calls, so bursts arrive as one batch (default 50 ms). */
  eventDebounceMs?: number;
  /** How long `reconnecting` lasts before `disconnected` is shown (default 30 s). */
  gracePeriodMs?: number;
  /** Retry backoff bounds (default 500 ms doubling to 15 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Calls in flight at once (default 20, as xen-api). */
  callConcurrency?: number;
  ignoredClasses?: readonly string[];
  /**
   * How long a finished Async task is left on the pool before `task.destroy` (default 0). Observers of
   * the mirror (a task panel fed by squashed batches) need to see its final state before it goes.
   */
  finishedTaskTtlMs?: number;
}

export type ChangeReason = 'load' | 'events' | 'resync';

/** A running Async.* call: a promise of the result, plus the task ref and a way to cancel. */
export interface TaskPromise<T = unknown> extends Promise<T> {
  readonly task: Promise<string>;
  cancel(): Promise<void>;
}

export class XapiClient {
  readonly session: Session;
  private readonly cache = new ObjectCache();
  private readonly loop: EventLoop;
  private readonly tasks: TaskWatcher;
  private readonly limit: ConcurrencyLimit;
  private readonly clock: Clock;
  private readonly stateMachine: ConnectionStateMachine;
  private readonly changeListeners = new Set<(changes: ChangeSet, reason: ChangeReason) => void>();
  private readonly errorListeners = new Set<(error: XapiError) => void>();
  private running: Promise<void> | undefined;
  private stop = new AbortController();
  private loaded = false;
  private firstLoad: { resolve(): void; reject(err: unknown): void; promise: Promise<void> } | undefined;

  constructor(private readonly options: XapiClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.session = new Session(options);
    this.limit = new ConcurrencyLimit(options.callConcurrency ?? 20);
    this.loop = new EventLoop(this.session, this.cache, this.limit, {
      eventTimeoutSeconds: options.eventTimeoutSeconds ?? 30,
      ignoredClasses: options.ignoredClasses,
    });
    this.tasks = new TaskWatcher(this.cache);
    this.stateMachine = new ConnectionStateMachine(this.clock, options.gracePeriodMs ?? 30_000);
  }

  get state(): ConnectionState {
    return this.stateMachine.value;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    return this.stateMachine.subscribe(listener);
  }

  /** Every change of the mirror, one change set per load, event batch or resync. */
  onChanges(listener: (changes: ChangeSet, reason: ChangeReason) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Failures of the event loop (the "stale" signal), retried by the loop itself. */
  onError(listener: (error: XapiError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  get masterUrl(): string {
    return this.session.masterUrl;
  }

  /** Pool members' base URLs known for failover. */
  members(): string[] {
    return this.session.knownMembers();
  }

  /** The mirror (read-only view; records must not be mutated). */
  get objects(): Pick<ObjectCache, 'get' | 'records' | 'size' | 'classes'> {
    return this.cache;
  }

  snapshot(): ChangeSet {
    return this.cache.snapshot();
  }

  /** Starts the connection; resolves once every class is loaded, rejects if it cannot start (auth, certificate). */
  connect(): Promise<void> {
    if (!this.running) {
      this.stop = new AbortController();
      this.session.reopen();
      let resolve!: () => void, reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
      promise.catch(() => undefined);
      this.firstLoad = { resolve, reject, promise };
      this.stateMachine.connecting();
      // supervise() handles every failure of a round itself; should its own handling throw, the
      // connection stops with that error in its state rather than leave a rejection nobody handles.
      this.running = this.supervise()
        .catch((raw: unknown) => {
          const err = asXapiError(raw);
          this.stateMachine.stopped(err);
          this.firstLoad?.reject(err);
          this.stop.abort();
        })
        .finally(() => { this.running = undefined; });
    }
    return this.loaded ? Promise.resolve() : this.firstLoad!.promise;
  }

  async disconnect(): Promise<void> {
    this.stop.abort();
    this.firstLoad?.reject(new XapiError(ClientErrorCode.DISCONNECTED, [], undefined, 'Disconnected'));
    await this.session.close();
    await this.running;
    this.loaded = false;
    this.stateMachine.stopped();
  }

  /** Forgets the mirror (emits its removal). */
  clearMirror(): void {
    const changes = this.cache.snapshot();
    this.cache.clear();
    const removed: ChangeSet = { added: {}, modified: {}, removed: Object.fromEntries(Object.entries(changes.added).map(([cls, recs]) => [cls, Object.keys(recs)])) };
    if (!isEmptyChangeSet(removed)) this.emitChanges(removed, 'resync');
  }

  /** A call on the session (concurrency-limited). Records read over XML-RPC get their numbers back. */
  async call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    const result = await this.limit.run(() => this.session.call(method, args));
    if (this.session.protocol === 'xml-rpc') restoreRecordNumbers(method, result);
    return result as T;
  }

  /**
   * `Async.<method>`: resolves with the task's decoded result once the task finishes (watched through
   * events), rejects with the task's error_info as an XapiError; destroys the task afterwards.
   */
  callAsync<T = unknown>(method: string, ...args: unknown[]): TaskPromise<T> {
    const task = this.limit.run(() => this.session.call(`Async.${method}`, args)).then((ref) => {
      if (typeof ref !== 'string') throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, 'task ref is not a string'], `Async.${method}`);
      return ref;
    });
    const result = task.then(async (ref) => {
      try {
        return (await this.tasks.wait(ref, method)) as T;
      } finally {
        const destroy = () => void this.session.call('task.destroy', [ref]).catch(() => undefined);
        const ttl = this.options.finishedTaskTtlMs ?? 0;
        if (ttl > 0) this.clock.setTimeout(destroy, ttl);
        else destroy();
      }
    });
    return Object.assign(result, {
      task,
      cancel: async () => { await this.session.call('task.cancel', [await task]); },
    });
  }

  /** Starts an Async call and returns the task ref at once; the task is still destroyed when it ends. */
  async startTask(method: string, ...args: unknown[]): Promise<string> {
    const pending = this.callAsync(method, ...args);
    pending.catch(() => undefined);
    return pending.task;
  }

  // ---------------------------------------------------------------------------------------------

  private async supervise(): Promise<void> {
    const signal = this.stop.signal;
    let attempt = 0;
    let needReconnect = false;
    let needSync = true;
    let syncedGeneration = -1;
    while (!signal.aborted) {
      try {
        if (needReconnect) await this.session.reconnect();
        else await this.session.login();
        needReconnect = false;
        if (needSync || this.session.generation !== syncedGeneration) {
          const generation = this.session.generation;
          const changes = await this.loop.sync();
          if (signal.aborted) break;
          syncedGeneration = generation;
          needSync = false;
          this.afterChanges(changes, this.loaded ? 'resync' : 'load');
          this.loaded = true;
          this.stateMachine.connected();
          this.firstLoad?.resolve();
          attempt = 0;
        }
        const changes = await this.loop.poll();
        if (signal.aborted) break;
        this.afterChanges(changes, 'events');
        this.stateMachine.connected();
        attempt = 0;
        await sleep(this.clock, this.options.eventDebounceMs ?? 50, signal);
      } catch (raw) {
        if (signal.aborted) break;
        const err = asXapiError(raw);
        for (const listener of [...this.errorListeners]) listener(err);
        if (isFatal(err)) {
          this.stateMachine.stopped(err);
          this.firstLoad?.reject(err);
          this.stop.abort();
          break;
        }
        attempt++;
        switch (err.code) {
          case 'EVENTS_LOST':
            needSync = true; // the token is too old: reload everything and diff
            if (attempt === 1) continue;
            break;
          case 'SESSION_INVALID':
            needSync = true; // one re-login already failed in Session.call: start afresh
            await this.session.logout();
            break;
          case ClientErrorCode.CONNECTION_FAILED:
          case ClientErrorCode.TIMEOUT:
          case ClientErrorCode.NO_MASTER_FOUND:
          case 'HOST_IS_SLAVE':
          case 'HOST_STILL_BOOTING':
            needReconnect = true; // the master may be gone: probe the pool
            needSync = true;
            break;
          default:
            // Malformed replies, HTTP errors, unexpected XAPI failures: keep the session and the
            // token, retry after a pause (the loop survives a bad reply).
            break;
        }
        const min = this.options.retryMinMs ?? 500;
        const capped = Math.min(this.options.retryMaxMs ?? 15_000, min * 2 ** Math.min(attempt - 1, 16));
        this.stateMachine.failing(err, attempt, capped);
        await sleep(this.clock, capped, signal);
      }
    }
  }

  private afterChanges(changes: ChangeSet, reason: ChangeReason): void {
    if (isEmptyChangeSet(changes)) return;
    if (changes.added.host || changes.modified.host || changes.removed.host) {
      const addresses: string[] = [];
      for (const host of this.cache.records('host').values()) if (typeof host.address === 'string' && host.address) addresses.push(host.address);
      this.session.setMembers(addresses);
    }
    this.emitChanges(changes, reason);
  }

  private emitChanges(changes: ChangeSet, reason: ChangeReason): void {
    this.tasks.onChanges(changes);
    for (const listener of [...this.changeListeners]) listener(changes, reason);
  }
}

/** A failure as the client reports it: XAPI's and the transport's errors as they are, anything else (a bug, a stack overflow) as INTERNAL_ERROR with its message. */
function asXapiError(raw: unknown): XapiError {
  if (raw instanceof XapiError) return raw;
  const message = raw instanceof Error ? `${raw.name}: ${raw.message}` : String(raw);
  return new XapiError('INTERNAL_ERROR', ['client', message], undefined, `XenDeck failed while handling the pool's data (${message})`);
}

/** Stops the loop: retrying cannot help and could lock the account or trust an unknown host. */
function isFatal(err: XapiError): boolean {
  return isAuthenticationError(err) || err.code === ClientErrorCode.CERTIFICATE_UNKNOWN || err.code === ClientErrorCode.CERTIFICATE_CHANGED;
}

function restoreRecordNumbers(method: string, result: unknown): void {
  const m = /^([A-Za-z0-9_]+)\.(get_all_records|get_record|get_by_uuid_record)$/.exec(method);
  if (!m || typeof result !== 'object' || result === null) return;
  if (m[2] === 'get_all_records') {
    for (const record of Object.values(result as Record<string, XapiObject>)) restoreNumbers(m[1], record);
  } else restoreNumbers(m[1], result as XapiObject);
}
