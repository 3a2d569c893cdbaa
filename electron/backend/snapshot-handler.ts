/**
 * `mirror.snapshot` in chunks. The first request takes the pool's snapshot (ConnectionManager.snapshot,
 * consistent with the batches sent so far) and cuts it like a load's batches (about 1 MB each); the
 * rest waits under a cursor the page asks with, held by that page (released when it goes) and dropped
 * once read to the end or after a minute unread.
 */
import { randomUUID } from 'node:crypto';
import { bridgeError, type MirrorBatch, type MirrorSnapshotChunk } from '../../shared/bridge';
import type { BridgeHandlers } from './bridge-host';
import { DEFAULT_MAX_CHUNK_BYTES, splitBatch } from './connections/mirror-batcher';
import type { Clock } from './ports';

const UNREAD_MS = 60_000;

interface Rest {
  connectionId: string;
  chunks: MirrorBatch[];
  expiry: { cancel(): void };
}

export function snapshotHandler(
  connections: { snapshot(connectionId: string): MirrorBatch | Promise<MirrorBatch> },
  clock: Clock,
  maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES,
): Pick<BridgeHandlers, 'mirror.snapshot'> {
  const rests = new Map<string, Rest>();
  const key = (cursor: string) => `snapshot:${cursor}`;
  const drop = (cursor: string) => {
    rests.get(cursor)?.expiry.cancel();
    rests.delete(cursor);
  };
  return {
    'mirror.snapshot': async (a, caller) => {
      let chunks: MirrorBatch[];
      let cursor = a.cursor;
      if (cursor === undefined) {
        chunks = splitBatch(await connections.snapshot(a.connectionId), maxChunkBytes);
        if (chunks.length === 1) return chunks[0];
        cursor = randomUUID();
        caller.hold(key(cursor), () => drop(cursor!));
      } else {
        const rest = rests.get(cursor);
        if (!rest || rest.connectionId !== a.connectionId || !caller.holds(key(cursor))) {
          throw bridgeError('SNAPSHOT_EXPIRED', [a.connectionId], 'The rest of this pool’s objects is no longer held: load them again');
        }
        chunks = rest.chunks;
        drop(cursor);
      }
      const [chunk, ...more] = chunks;
      if (!more.length) {
        caller.drop(key(cursor));
        return chunk;
      }
      const mine = cursor;
      rests.set(mine, { connectionId: a.connectionId, chunks: more, expiry: clock.setTimeout(() => { caller.drop(key(mine)); drop(mine); }, UNREAD_MS) });
      return { ...chunk, cursor: mine } satisfies MirrorSnapshotChunk;
    },
  };
}
