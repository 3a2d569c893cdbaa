/**
 * When this window saw HA switched on for a pool. For a short while after that the hosts have not
 * reported their heartbeats yet (xapi's monitor fills host.ha_network_peers on its next pass), and the
 * HA tab says "Initializing…" rather than "Error", as XenCenter does for its first 30 seconds.
 */

/** How long after HA was switched on missing heartbeats read as "Initializing…". */
export const HEARTBEAT_GRACE_MS = 30_000;

const switchedOn = new Map<string, number>();

/** HA was switched on for the connection's pool now (the enable task finished, or the tab saw the change). */
export function noteHaSwitchedOn(connectionId: string, now = Date.now()): void {
  switchedOn.set(connectionId, now);
}

/** Milliseconds left of the grace period, 0 when it is over or HA was on before this window looked. */
export function heartbeatGraceLeft(connectionId: string, now = Date.now()): number {
  const at = switchedOn.get(connectionId);
  return at === undefined ? 0 : Math.max(0, at + HEARTBEAT_GRACE_MS - now);
}
