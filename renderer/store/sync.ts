/**
 * Keeps a MirrorStore in step with the main process: connections from `connections.list` and
 * `connections.changed`, objects from `mirror.snapshot` per connected pool and then `mirror.batch`.
 *
 * Events are subscribed before anything is requested, so nothing between the two is lost. A snapshot
 * comes in chunks of about 1 MB, applied as they arrive. Batches that arrive while a connection's
 * snapshot is on its way are held and replayed after its last chunk: the main process
 * sends what it has pending before taking the snapshot, so the held batches (partial records of what
 * changed) lead to exactly what the snapshot holds, and the batches after it are relative to that.
 * A chunked load (a reset with `more`) is complete at its last chunk; chunks are sent back to back,
 * never split by the snapshot's answer.
 *
 * The main process sends a `reset` batch whenever a pool (re)loads, so a snapshot is needed only for a
 * pool that was already connected when this page first heard of it; asking again on every reconnect
 * would make the page receive and apply the whole pool twice (40 MB for 5,000 VMs).
 *
 * In browser mode a page that stopped reading (a frozen tab) has its batches dropped by the host, which
 * sends `mirror.resync` once the page has caught up (electron/bridge-socket.ts): the pools it names are loaded
 * again, after the load under way if there is one, and so is a pool whose load was refused meanwhile
 * (BRIDGE_PAGE_BEHIND).
 */
import type { Bridge, ConnectionInfo, MirrorBatch } from '../../shared/bridge';
import type { MirrorStore } from './mirror-store';

export interface MirrorSyncOptions {
  /** Called with a failure of `connections.list` or a snapshot (the UI shows it); the sync keeps going. */
  onError?: (error: unknown, what: string) => void;
}

export function startMirrorSync(bridge: Bridge, store: MirrorStore, options: MirrorSyncOptions = {}): () => void {
  const pending = new Map<string, MirrorBatch[]>();
  const known = new Set<string>();
  /** Pools to load again when their load under way ends: it may hold what a dropped batch changed. */
  const loadAgain = new Set<string>();
  /** Pools whose load the host refused while the page was behind: loaded at the next resync. */
  const refusedLoads = new Set<string>();
  let stopped = false;

  const load = (connectionId: string) => {
    if (pending.has(connectionId)) return;
    pending.set(connectionId, []);
    const superseded = () => (pending.get(connectionId) ?? []).some((b) => b.reset);
    void (async () => {
      // Chunks are applied as they come (each a short task); a reset batch that arrives meanwhile
      // supersedes the snapshot, whose remaining chunks are then read but not applied.
      let chunk = await bridge.request('mirror.snapshot', { connectionId });
      // The first chunk replaces what the page holds of the pool.
      let reset = true;
      for (;;) {
        if (stopped) return;
        const { cursor, ...batch } = chunk;
        if (!superseded()) store.getState().applyBatch({ ...batch, connectionId, reset });
        reset = false;
        if (!batch.more || cursor === undefined) break;
        chunk = await bridge.request('mirror.snapshot', { connectionId, cursor });
      }
      const held = pending.get(connectionId) ?? [];
      pending.delete(connectionId);
      // Start from the last reset that came meanwhile, if any.
      const lastReset = held.map((b) => Boolean(b.reset)).lastIndexOf(true);
      for (const batch of held.slice(Math.max(0, lastReset))) store.getState().applyBatch(batch);
      if (loadAgain.delete(connectionId)) load(connectionId);
    })().catch((error: unknown) => {
      pending.delete(connectionId);
      loadAgain.delete(connectionId);
      if ((error as { code?: unknown }).code === 'BRIDGE_PAGE_BEHIND') refusedLoads.add(connectionId);
      else if (!stopped) options.onError?.(error, `loading the objects of ${connectionId}`);
    });
  };

  const resync = (connectionIds: string[]) => {
    const ids = new Set([...connectionIds, ...refusedLoads]);
    refusedLoads.clear();
    for (const id of ids) {
      // A pool not connected now gets a reset batch when it connects.
      if (store.getState().connections.find((c) => c.id === id)?.status.state !== 'connected') continue;
      if (pending.has(id)) loadAgain.add(id);
      else load(id);
    }
  };

  const onConnections = (connections: ConnectionInfo[]) => {
    const { mirrors } = store.getState();
    store.getState().setConnections(connections);
    for (const c of connections) {
      const firstSeen = !known.has(c.id);
      known.add(c.id);
      // Connected before this page knew it: its reset batch went by, so fetch what it holds.
      if (firstSeen && c.status.state === 'connected' && !mirrors[c.id]?.loaded) load(c.id);
    }
  };

  const offBatch = bridge.on('mirror.batch', (batch) => {
    const mirror = store.getState().mirrors[batch.connectionId];
    // A batch's modifications are partial records, relative to what the page holds: for a pool the page does
    // not hold yet (events reach a new page before `connections.list` answers), they would be records with
    // fields missing. Such a pool is loaded first, the batch held and replayed after its snapshot.
    if (!pending.has(batch.connectionId) && !batch.reset && !mirror?.loaded && !mirror?.loading) load(batch.connectionId);
    const held = pending.get(batch.connectionId);
    if (held) held.push(batch);
    else store.getState().applyBatch(batch);
  });
  const offConnections = bridge.on('connections.changed', onConnections);
  const offResync = bridge.on('mirror.resync', ({ connectionIds }) => resync(connectionIds));
  bridge.request('connections.list', undefined).then(
    (connections) => {
      // A `connections.changed` that came first is newer than this answer: keep it.
      if (!stopped && !store.getState().connectionsLoaded) onConnections(connections);
    },
    (error: unknown) => !stopped && options.onError?.(error, 'listing the connections'),
  );

  return () => {
    stopped = true;
    offBatch();
    offConnections();
    offResync();
  };
}
