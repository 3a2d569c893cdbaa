import type { Simulator, PoolSim, SimHost } from '../core';
import type { ObjectDb } from '../db/object-db';
import type { Session } from '../sessions';
import type { SimClock } from '../clock';
import type { TaskHandle } from './tasks';

/** What a handler knows about the call it serves. */
export interface CallContext {
  sim: Simulator;
  pool: PoolSim;
  db: ObjectDb;
  /** Undefined only for session-less calls (login). */
  session: Session | undefined;
  /** The host whose address received the call. */
  host: SimHost;
  clock: SimClock;
  /** `Class.message` without the Async prefix. */
  method: string;
  /** Set when the call runs as `Async.…`: report progress, check for cancellation. */
  task?: TaskHandle;
}
