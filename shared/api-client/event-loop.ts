/**
 * Keeps an ObjectCache equal to the pool (CLIENT-NOTES §1.5, §7.1-6):
 *  - sync(): take a token with `event.inject` *before* the sweep, then load every class with
 *    `get_all_records` in parallel, and diff against what the cache held (resync after EVENTS_LOST or
 *    a reconnect emits exactly what changed meanwhile: no ghost, no duplicate);
 *  - poll(): one `event.from` long poll (float timeout, HTTP timeout above it), applied as one change
 *    set; `valid_ref_counts` checked against the cache to catch deletions xapi never sent (tasks after
 *    a toolstack restart);
 *  - hosts without `event.inject` load through `event.from(classes, "", 0)`; hosts without
 *    `event.from` (XCP 1.x) use `event.register` + `event.next`.
 */
import { classesFromMethods, type ClassSet } from './class-discovery';
import { emptyChangeSet, type ChangeSet, type XapiObject } from './change-set';
import { restoreNumbers } from './codec/restore-numbers';
import type { ConcurrencyLimit } from './concurrency-limit';
import type { MirrorRecord } from './raw-record';
import type { ObjectCache } from './object-cache';
import type { Session } from './session';
import { ClientErrorCode, XapiError, isXapiError } from './xapi-error';

export interface EventLoopOptions {
  /** event.from's server-side timeout, seconds. */
  eventTimeoutSeconds: number;
  /** Classes never mirrored. */
  ignoredClasses?: readonly string[];
}

type Mode = 'from' | 'from-without-inject' | 'next';

interface RawEvent {
  class?: unknown;
  operation?: unknown;
  ref?: unknown;
  snapshot?: unknown;
}

export class EventLoop {
  private classSet: ClassSet | undefined;
  private mode: Mode = 'from';
  private token = '';
  private registered = false;
  private tracked = new Set<string>();

  constructor(
    private readonly session: Session,
    private readonly cache: ObjectCache,
    private readonly limit: ConcurrencyLimit,
    private readonly options: EventLoopOptions,
  ) {}

  /** Classes being mirrored (API spelling), once known. */
  get classes(): readonly string[] {
    return this.classSet?.names ?? [];
  }

  get eventMode(): Mode {
    return this.mode;
  }

  /** Full (re)load; returns the change set relative to the cache's previous content. */
  async sync(): Promise<ChangeSet> {
    const classSet = await this.discover();
    const changes = emptyChangeSet();
    if (this.mode === 'from') {
      try {
        const [poolRef] = (await this.session.call('pool.get_all')) as string[];
        this.token = String(await this.session.call('event.inject', ['pool', poolRef ?? 'OpaqueRef:NULL']));
      } catch (err) {
        if (!isXapiError(err, 'MESSAGE_METHOD_UNKNOWN')) throw err;
        this.mode = classSet.methods.has('event.from') ? 'from-without-inject' : 'next';
      }
    }
    if (this.mode === 'from-without-inject') {
      // No inject: event.from from the empty token returns every object as an `add` and a token.
      const batch = await this.callEventFrom('', 0.001);
      const fresh = new Map<string, Record<string, XapiObject>>(classSet.names.map((c) => [c, {}]));
      for (const event of batch.events) {
        const cls = this.className(event.class);
        if (cls && event.operation !== 'del' && typeof event.ref === 'string' && isRecord(event.snapshot)) fresh.get(cls)![event.ref] = this.normalise(cls, event.snapshot);
      }
      for (const [cls, records] of fresh) this.cache.replaceClass(cls, records, changes);
      this.token = batch.token;
      return changes;
    }
    if (this.mode === 'next') {
      if (this.registered) await this.session.call('event.unregister', [this.subscription()]).catch(() => undefined);
      await this.session.call('event.register', [this.subscription()]);
      this.registered = true;
    }
    await this.loadClasses(classSet.names, changes);
    return changes;
  }

  /** One round of events; resolves with what changed (possibly nothing). */
  async poll(): Promise<ChangeSet> {
    const changes = emptyChangeSet();
    if (this.mode === 'next') {
      const events = await this.session.call('event.next', [], { lane: 'events', timeoutMs: 10 * 60_000 });
      if (!Array.isArray(events)) throw malformed('event.next', 'events is not an array');
      this.applyEvents(events as RawEvent[], changes);
      return changes;
    }
    const batch = await this.callEventFrom(this.token, this.options.eventTimeoutSeconds);
    this.token = batch.token;
    this.applyEvents(batch.events, changes);
    await this.checkCounts(batch.counts, changes);
    return changes;
  }

  private async callEventFrom(token: string, timeoutSeconds: number): Promise<{ events: RawEvent[]; counts: Record<string, unknown>; token: string }> {
    // xapi unmarshals this parameter as a float: over JSON an integral number would be read as an
    // int, so keep it visibly fractional (XO sends 60.1, XO Lite 5.001).
    const timeout = Number.isInteger(timeoutSeconds) ? timeoutSeconds + 0.001 : timeoutSeconds;
    const reply = await this.session.call('event.from', [this.subscription(), token, timeout], {
      lane: 'events',
      timeoutMs: Math.ceil(timeout * 1000) + 15_000,
    });
    if (!isRecord(reply) || !Array.isArray(reply.events) || typeof reply.token !== 'string') throw malformed('event.from', 'not an event batch');
    return { events: reply.events as RawEvent[], counts: isRecord(reply.valid_ref_counts) ? reply.valid_ref_counts : {}, token: reply.token };
  }

  /**
   * Applies a batch as its last event per object: the same change set as applying every event in turn
   * (a del then an add of one ref is a modification, an add then a del is nothing), in one pass even
   * for a batch of a hundred thousand events. Upserts go before removals so that no upsert has to look
   * through this batch's removals.
   */
  private applyEvents(events: RawEvent[], changes: ChangeSet): void {
    const last = new Map<string, Map<string, RawEvent>>();
    for (const event of events) {
      if (typeof event !== 'object' || event === null) continue;
      const cls = this.className(event.class);
      if (!cls || typeof event.ref !== 'string') continue;
      if (event.operation !== 'del' && !isRecord(event.snapshot)) continue;
      let byRef = last.get(cls);
      if (!byRef) last.set(cls, (byRef = new Map()));
      byRef.delete(event.ref); // keeps the order of the last events
      byRef.set(event.ref, event);
    }
    for (const [cls, byRef] of last) {
      for (const [ref, event] of byRef) if (event.operation !== 'del') this.cache.upsert(cls, ref, this.normalise(cls, event.snapshot as Record<string, unknown>), changes);
    }
    for (const [cls, byRef] of last) {
      for (const [ref, event] of byRef) if (event.operation === 'del') this.cache.remove(cls, ref, changes);
    }
  }

  /** valid_ref_counts says how many objects of each class exist; a mismatch means we missed something. */
  private async checkCounts(counts: Record<string, unknown>, changes: ChangeSet): Promise<void> {
    const stale: string[] = [];
    for (const [lower, value] of Object.entries(counts)) {
      const cls = this.className(lower);
      if (!cls) continue;
      const count = typeof value === 'number' ? value : Number(value);
      if (Number.isFinite(count) && count !== this.cache.size(cls)) stale.push(cls);
    }
    if (stale.length) await this.loadClasses(stale, changes);
  }

  private async loadClasses(classes: readonly string[], changes: ChangeSet): Promise<void> {
    const results = await Promise.all(classes.map((cls) => this.limit.run(async () => {
      try {
        return [cls, await this.session.call(`${cls}.get_all_records`, [], { recordsAsText: true })] as const;
      } catch (err) {
        // A class this user may not read, or removed on this version: mirror the rest.
        if (err instanceof XapiError && (err.code === 'MESSAGE_METHOD_UNKNOWN' || err.code === 'MESSAGE_REMOVED' || err.code === 'RBAC_PERMISSION_DENIED' || err.code === 'PERMISSION_DENIED')) {
          return [cls, undefined] as const;
        }
        throw err;
      }
    })));
    // Apply only once every class has arrived: the change set is one consistent step.
    for (const [cls, records] of results) {
      if (records === undefined) {
        this.dropClass(cls, changes);
        continue;
      }
      if (!isRecord(records)) throw malformed(`${cls}.get_all_records`, 'not a map of records');
      if (this.session.protocol === 'xml-rpc') for (const ref in records) if (isRecord(records[ref])) restoreNumbers(cls, records[ref]);
      this.cache.replaceClass(cls, records as Record<string, MirrorRecord>, changes);
    }
  }

  private dropClass(cls: string, changes: ChangeSet): void {
    if (this.classSet) this.classSet.names = this.classSet.names.filter((c) => c !== cls);
    this.tracked.delete(cls);
    this.cache.dropClass(cls, changes);
  }

  private async discover(): Promise<ClassSet> {
    if (!this.classSet) {
      const methods = await this.session.callWithoutSession('system.listMethods');
      if (!Array.isArray(methods)) throw malformed('system.listMethods', 'not a list');
      this.classSet = classesFromMethods(methods.filter((m): m is string => typeof m === 'string'), this.options.ignoredClasses);
      this.tracked = new Set(this.classSet.names);
      if (!this.classSet.methods.has('event.from') && this.classSet.methods.size > 0 && this.classSet.methods.has('event.next')) this.mode = 'next';
    }
    return this.classSet;
  }

  private subscription(): string[] {
    return (this.classSet?.names ?? []).map((c) => c.toLowerCase());
  }

  private className(name: unknown): string | undefined {
    if (typeof name !== 'string' || !this.classSet) return undefined;
    const cls = this.classSet.byLowerName.get(name.toLowerCase());
    return cls && this.tracked.has(cls) ? cls : undefined;
  }

  private normalise(cls: string, record: Record<string, unknown>): XapiObject {
    if (this.session.protocol === 'xml-rpc') restoreNumbers(cls, record);
    return record;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const malformed = (method: string, detail: string) => new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, detail], method);
