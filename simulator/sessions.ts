/**
 * Sessions of one pool. Like xapi, sessions live in the pool database (class `session`), so any member
 * host accepts a session created on the master, and they survive a master change.
 */
import { randomUUID } from 'node:crypto';
import { XapiError } from './xapi-error';
import type { ObjectDb } from './db/object-db';
import type { SimClock } from './clock';
import { xapiDateTime } from './datetime';

export interface Session {
  ref: string;
  uuid: string;
  user: string;
  originator: string;
  /** Legacy event.register/event.next state. */
  legacy?: LegacyEventQueue;
}

export interface LegacyEventQueue {
  classes: Set<string>;
  queue: unknown[];
  lost: boolean;
  wake?: () => void;
}

export class Sessions {
  private live = new Map<string, Session>();

  constructor(private db: ObjectDb, private clock: SimClock) {}

  /** Opens a session (credentials already checked). Session refs are random, never seeded: they are secrets. */
  open(user: string, originator: string, hostRef: string): Session {
    const ref = `OpaqueRef:${randomUUID()}`;
    const uuid = randomUUID();
    const now = xapiDateTime(this.clock.now());
    this.db.create('session', {
      uuid, this_host: hostRef, last_active: now, validation_time: now, pool: false, is_local_superuser: user === 'root',
      auth_user_name: user, originator, rbac_permissions: [],
    }, { ref });
    const s: Session = { ref, uuid, user, originator };
    this.live.set(ref, s);
    return s;
  }

  /** The session, or SESSION_INVALID [ref]. Used by the RPC dispatcher and by HTTP handlers. */
  check(ref: unknown): Session {
    const s = typeof ref === 'string' ? this.live.get(ref) : undefined;
    if (!s) throw new XapiError('SESSION_INVALID', [String(ref ?? '')]);
    return s;
  }

  find(ref: string): Session | undefined {
    return this.live.get(ref);
  }

  close(ref: string): void {
    const s = this.live.get(ref);
    if (!s) return;
    this.live.delete(ref);
    s.legacy?.wake?.();
    if (this.db.has('session', ref)) this.db.destroy('session', ref);
  }

  all(): Session[] {
    return [...this.live.values()];
  }

  /** Fault injection: every session dies at once, as after a toolstack restart. */
  invalidateAll(): void {
    for (const ref of [...this.live.keys()]) this.close(ref);
  }
}
