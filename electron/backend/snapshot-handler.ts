/**
 * `mirror.snapshot` in chunks. The first request takes the pool's snapshot (ConnectionManager.snapshot,
 * consistent with the batches sent so far) and cuts it like a load's batches (about 1 MB each); the
 * rest waits under a cursor the page asks with, held by that page (released when it goes) and dropped
 * once read to the end or after a minute unread.
 */
import { randomUUID } from 'node:crypto';
import { bridgeError, type MirrorBatch, type MirrorSnapshotChunk } from '../../shared/bridge';
import type { BridgeCaller, BridgeHandlers } from './bridge-host';
import { DEFAULT_MAX_CHUNK_BYTES, splitBatch } from './connections/mirror-batcher';
import type { Clock } from './ports';

const UNREAD_MS = 60_000;

interface Rest {
  connectionId: string;
  /** Chunks not read yet, in order. */
  chunks: MirrorBatch[];
  expiry?: { cancel(): void };
}

export function snapshotHandler(
  connections: { snapshot(connectionId: string): MirrorBatch | Promise<MirrorBatch> },
  clock: Clock,
  maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES,
): Pick<BridgeHandlers, 'mirror.snapshot'> {
  const rests = new Map<string, Rest>();
  const key = (cursor: string) => `snapshot:${cursor}`;
  const forget = (cursor: string) => {
    rests.get(cursor)?.expiry?.cancel();
    rests.delete(cursor);
  };
  /** The next chunk under `cursor`, with the cursor while more are left. */
  const next = (cursor: string, caller: BridgeCaller): MirrorSnapshotChunk => {
    const rest = rests.get(cursor)!;
    rest.expiry?.cancel();
    const chunk = rest.chunks.shift()!;
    if (!rest.chunks.length) {
      forget(cursor);
      caller.drop(key(cursor));
      return chunk;
    }
    rest.expiry = clock.setTimeout(() => {
      caller.drop(key(cursor));
      forget(cursor);
    }, UNREAD_MS);
    return { ...chunk, cursor };
  };
  return {
    'mirror.snapshot': async (a, caller) => {
      if (a.cursor === undefined) {
        const chunks = splitBatch(await connections.snapshot(a.connectionId), maxChunkBytes);
        if (chunks.length === 1) return chunks[0];
        const cursor = randomUUID();
        rests.set(cursor, { connectionId: a.connectionId, chunks });
        caller.hold(key(cursor), () => forget(cursor));
        return next(cursor, caller);
      }
      if (rests.get(a.cursor)?.connectionId !== a.connectionId || !caller.holds(key(a.cursor))) {
        throw bridgeError('SNAPSHOT_EXPIRED', [a.connectionId], 'The rest of this pool’s objects is no longer held: load them again');
      }
      return next(a.cursor, caller);
    },
  };
}
