/**
 * Following a pool's master, in words. When the master of a pool with HA dies, the connection drops and
 * XenDeck's client looks for the new master by itself (members answer HOST_IS_SLAVE naming it, once HA has
 * elected one); the window says that it is looking, and then which server took over. Read from the
 * store alone: the connection's state, and the pool's `master` before and after.
 */
import type { MirrorState } from '../../store';

export type MasterNotice =
  | { kind: 'searching'; connectionId: string; pool: string; lost?: string }
  | { kind: 'followed'; connectionId: string; pool: string; from?: string; to: string };

/** What is remembered of each connection's pool between two states. */
export interface MasterWatch {
  master?: string;
  masterName?: string;
  haEnabled: boolean;
}

/**
 * The notice to show for each connection after `state`, given the previous ones and what was remembered
 * (updated in place). A master change while connected, or after a reconnection, gives "followed"; a
 * connection of an HA pool that is reconnecting gives "searching"; a connection back on the same master
 * clears its "searching".
 */
export function masterNotices(state: Pick<MirrorState, 'connections' | 'mirrors'>, watch: Map<string, MasterWatch>, previous: readonly MasterNotice[]): MasterNotice[] {
  const out: MasterNotice[] = [];
  for (const c of state.connections) {
    const seen = watch.get(c.id);
    const before = previous.find((n) => n.connectionId === c.id);
    const mirror = state.mirrors[c.id];
    const pool = mirror?.objects.pool?.values().next().value;
    const poolName = pool?.name_label || c.label || c.address;
    if (c.status.state === 'reconnecting' || (c.status.state === 'connecting' && before?.kind === 'searching')) {
      if (seen?.haEnabled) out.push(before?.kind === 'searching' ? before : { kind: 'searching', connectionId: c.id, pool: poolName, lost: seen.masterName });
      else if (before) out.push(before);
      continue;
    }
    if (c.status.state !== 'connected' || !mirror?.loaded || !pool) {
      if (before) out.push(before);
      continue;
    }
    const masterName = mirror.objects.host?.get(pool.master)?.name_label;
    if (seen?.master && pool.master !== seen.master) {
      out.push({ kind: 'followed', connectionId: c.id, pool: poolName, from: seen.masterName, to: masterName ?? 'another server' });
    } else if (before?.kind === 'followed') out.push(before);
    watch.set(c.id, { master: pool.master, masterName, haEnabled: pool.ha_enabled });
  }
  return out;
}

export function noticeText(n: MasterNotice): string {
  if (n.kind === 'searching') {
    return `${n.pool}: lost the pool master${n.lost ? ` ${n.lost}` : ''}. HA is on, so XenDeck is looking for the server that takes over…`;
  }
  return `${n.pool}: the pool master ${n.from ? `moved from ${n.from} to ${n.to}` : `is now ${n.to}`}. XenDeck found it and reconnected by itself.`;
}
