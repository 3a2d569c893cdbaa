/**
 * Fault injection for tests, from code (`sim.faults`) or from the localhost-only control endpoint
 * (http/control.ts): kill/restart hosts (master failover included), drop connections, delay or corrupt
 * replies, expire event tokens (EVENTS_LOST), invalidate every session.
 */
import type { Simulator } from './core';
import { killHost, restartHost } from './pool-membership';
import { loseLegacyEvents } from './api/event';

export class Faults {
  /** Wall milliseconds added before every HTTP answer. */
  delayMs = 0;
  /** When on, RPC replies are truncated garbage with the right content type. */
  malformed = false;

  constructor(private sim: Simulator) {}

  /** The host stops answering (its port closes); if it was the master, a surviving member takes over. */
  killHost(uuidOrName: string): Promise<void> {
    return killHost(this.sim.hostByUuidOrName(uuidOrName));
  }

  /** The host answers again on the same address, as a member if another host became master meanwhile. */
  restartHost(uuidOrName: string): Promise<void> {
    return restartHost(this.sim.hostByUuidOrName(uuidOrName));
  }

  /** Cuts every open connection on every host (clients see ECONNRESET / socket hang up). */
  dropConnections(): void {
    for (const h of this.sim.hosts) h.listener?.dropConnections();
  }

  delayResponses(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  malformedBodies(on: boolean): void {
    this.malformed = on;
  }

  /** Every event token issued so far becomes too old: event.from answers EVENTS_LOST, event.next too. */
  expireEventTokens(): void {
    for (const p of this.sim.pools) {
      p.db.expireTokens();
      loseLegacyEvents(p);
      for (const w of [...p.eventWaiters]) w();
    }
  }

  /** Every session dies (SESSION_INVALID on the next call), as after a toolstack restart. */
  invalidateSessions(): void {
    for (const p of this.sim.pools) {
      p.sessions.invalidateAll();
      for (const w of [...p.eventWaiters]) w();
    }
  }

  async reset(): Promise<void> {
    this.delayMs = 0;
    this.malformed = false;
    for (const h of this.sim.hosts) if (!h.alive) await restartHost(h);
  }
}
