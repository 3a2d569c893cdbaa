/**
 * event.from (long poll over the database's change log), event.inject, event.get_current_id and the legacy
 * event.register / event.next / event.unregister (XCP 1.x clients; EVENTS_LOST when the queue overflows).
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import type { Change } from '../db/object-db';
import { classesByLowerName, storedClassNames } from '../model';
import { xapiDateTime } from '../datetime';
import { XapiError } from '../xapi-error';
import type { LegacyEventQueue } from '../sessions';

/** Classes event.from can watch: those with records clients read (sessions and events are not objects to watch). */
const WATCHABLE = new Set(storedClassNames.filter((c) => c !== 'session').map((c) => c.toLowerCase()));
const LEGACY_QUEUE_LIMIT = 10_000;

export function formatToken(gen: number): string {
  return String(gen).padStart(20, '0');
}

function parseToken(token: string): number {
  if (token === '') return 0;
  const m = /^(\d+)/.exec(token.trim());
  // A token we never issued cannot be continued: the client must resync.
  if (!m) throw new XapiError('EVENTS_LOST');
  return Number(m[1]);
}

interface Filter { all: boolean; classes: Set<string>; objects: Set<string> }

function parseClasses(classes: string[]): Filter {
  const f: Filter = { all: false, classes: new Set(), objects: new Set() };
  for (const raw of classes) {
    const c = raw.toLowerCase();
    if (c === '*') f.all = true;
    else if (c.includes('/')) f.objects.add(raw.slice(raw.indexOf('/') + 1));
    else f.classes.add(c);
  }
  return f;
}

function wants(f: Filter, cls: string, ref: string): boolean {
  const l = cls.toLowerCase();
  if (!WATCHABLE.has(l)) return false;
  return f.all || f.classes.has(l) || f.objects.has(ref);
}

function eventRecord(pool: PoolSim, c: Change): Record<string, unknown> {
  return {
    id: c.gen, timestamp: xapiDateTime(pool.sim.clock.now()), class: c.cls.toLowerCase(), operation: c.op, ref: c.ref,
    obj_uuid: String(c.rec.uuid ?? ''), snapshot: c.rec,
  };
}

function validRefCounts(pool: PoolSim, f: Filter): Record<string, number> {
  const counts: Record<string, number> = {};
  const names = f.all ? [...WATCHABLE] : [...f.classes].filter((c) => WATCHABLE.has(c));
  for (const l of names) {
    const info = classesByLowerName.get(l);
    if (info) counts[l] = pool.db.count(info.name);
  }
  return counts;
}

async function eventFrom(call: CallContext, classes: string[], token: string, timeout: number): Promise<unknown> {
  const pool = call.pool;
  const since = parseToken(token);
  const f = parseClasses(classes);
  const deadline = Date.now() + Math.max(0, Math.min(timeout, 3600)) * 1000;
  for (;;) {
    if (!pool.sessions.find(call.session!.ref)) throw new XapiError('SESSION_INVALID', [call.session!.ref]);
    if (call.sim.stopped) throw new XapiError('HOST_OFFLINE', [call.host.ref]);
    const gen = pool.db.gen;
    const changes = pool.db.changesSince(since, (cls, ref) => wants(f, cls, ref));
    const remaining = deadline - Date.now();
    if (changes.length || remaining <= 0) {
      return { events: changes.map((c) => eventRecord(pool, c)), valid_ref_counts: validRefCounts(pool, f), token: formatToken(Math.max(gen, since)) };
    }
    // Long poll: wake on the next database change, or at the deadline.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, remaining);
      function done() {
        clearTimeout(timer);
        pool.eventWaiters.delete(done);
        resolve();
      }
      pool.eventWaiters.add(done);
    });
  }
}

/** Feeds every session registered with event.register (legacy API). */
export function attachLegacyQueues(pool: PoolSim): void {
  pool.db.onChange((c) => {
    for (const s of pool.sessions.all()) {
      const q = s.legacy;
      if (!q || !(q.classes.has('*') || q.classes.has(c.cls.toLowerCase()))) continue;
      if (!WATCHABLE.has(c.cls.toLowerCase())) continue;
      if (q.queue.length >= LEGACY_QUEUE_LIMIT) {
        q.lost = true;
        q.queue = [];
      } else q.queue.push(eventRecord(pool, c));
      q.wake?.();
    }
  });
}

/** Fault injection: every legacy queue overflows (EVENTS_LOST on the next event.next). */
export function loseLegacyEvents(pool: PoolSim): void {
  for (const s of pool.sessions.all()) {
    if (!s.legacy) continue;
    s.legacy.lost = true;
    s.legacy.queue = [];
    s.legacy.wake?.();
  }
}

export function installEventApi(api: ApiRegistry): void {
  api.register('event.from', (call, classes: string[], token: string, timeout: number) => eventFrom(call, classes, token, timeout));
  api.register('event.inject', (call, cls: string, ref: string) => {
    const info = classesByLowerName.get(cls.toLowerCase());
    if (!info) throw new XapiError('HANDLE_INVALID', [cls, ref]);
    return formatToken(call.db.touch(info.name, ref));
  });
  api.register('event.get_current_id', (call) => call.db.gen);
  api.register('event.register', (call, classes: string[]) => {
    const s = call.session!;
    const q: LegacyEventQueue = s.legacy ?? { classes: new Set(), queue: [], lost: false };
    for (const c of classes) q.classes.add(c.toLowerCase());
    s.legacy = q;
  });
  api.register('event.unregister', (call, classes: string[]) => {
    const q = call.session!.legacy;
    if (!q) return;
    for (const c of classes) q.classes.delete(c.toLowerCase());
  });
  api.register('event.next', async (call) => {
    const s = call.session!;
    const q = s.legacy;
    if (!q || q.classes.size === 0) throw new XapiError('SESSION_NOT_REGISTERED', [s.ref]);
    for (;;) {
      if (!call.pool.sessions.find(s.ref)) throw new XapiError('SESSION_INVALID', [s.ref]);
      if (call.sim.stopped) throw new XapiError('HOST_OFFLINE', [call.host.ref]);
      if (q.lost) {
        q.lost = false;
        throw new XapiError('EVENTS_LOST');
      }
      if (q.queue.length) {
        const out = q.queue;
        q.queue = [];
        return out;
      }
      await new Promise<void>((resolve) => {
        q.wake = () => {
          q.wake = undefined;
          resolve();
        };
      });
    }
  });
}
