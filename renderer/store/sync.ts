/**
 * Keeps a MirrorStore in step with the main process: connections from `connections.list` and
 * `connections.changed`, objects from `mirror.snapshot` per connected pool and then `mirror.batch`.
 *
 * Events are subscribed before anything is requested, so nothing between the two is lost. Batches that
 * arrive while a connection's snapshot is on its way are held and replayed after it: batches carry full
 * records, so replaying one the snapshot already contains changes nothing, and one it does not is kept.
 */
import type { Bridge, ConnectionInfo, MirrorBatch } from '../../shared/bridge';
import type { MirrorStore } from './mirror-store';

export interface MirrorSyncOptions {
  /** Called with a failure of `connections.list` or a snapshot (the UI shows it); the sync keeps going. */
  onError?: (error: unknown, what: string) => void;
}

export function startMirrorSync(bridge: Bridge, store: MirrorStore, options: MirrorSyncOptions = {}): () => void {
  const pending = new Map<string, MirrorBatch[]>();
  let stopped = false;

  const load = (connectionId: string) => {
    if (pending.has(connectionId)) return;
    pending.set(connectionId, []);
    bridge.request('mirror.snapshot', { connectionId }).then(
      (snapshot) => {
        const held = pending.get(connectionId) ?? [];
        pending.delete(connectionId);
        if (stopped) return;
        store.getState().applyBatch({ ...snapshot, connectionId, reset: true });
        for (const batch of held) store.getState().applyBatch(batch);
      },
      (error: unknown) => {
        pending.delete(connectionId);
        if (!stopped) options.onError?.(error, `loading the objects of ${connectionId}`);
      },
    );
  };

  const onConnections = (connections: ConnectionInfo[]) => {
    const { mirrors } = store.getState();
    store.getState().setConnections(connections);
    for (const c of connections) {
      // A pool that is (again) connected and whose objects we do not have yet: fetch them.
      if (c.status.state === 'connected' && !mirrors[c.id]?.loaded) load(c.id);
    }
  };

  const offBatch = bridge.on('mirror.batch', (batch) => {
    const held = pending.get(batch.connectionId);
    if (held) held.push(batch);
    else store.getState().applyBatch(batch);
  });
  const offConnections = bridge.on('connections.changed', onConnections);
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
  };
}
