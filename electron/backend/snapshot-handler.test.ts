/** mirror.snapshot in chunks: what a page reassembles is the snapshot; the rest is held for that page only. */
import { describe, expect, it } from 'vitest';
import type { MirrorBatch, MirrorSnapshotChunk } from '../../shared/bridge';
import { RawRecord } from '../../shared/api-client/raw-record';
import { createBridgeHost, EventHub, type BridgeHandlers } from './bridge-host';
import { applyToReplica } from './connections/mirror-replica';
import { snapshotHandler } from './snapshot-handler';
import { ManualClock } from '../testing/manual-clock';

const vm = (i: number) => new RawRecord(JSON.stringify({ uuid: `u${i}`, name_label: `vm-${i}`, other_config: { note: 'x'.repeat(200) } }));
const pool: MirrorBatch = {
  connectionId: 'c1',
  reset: true,
  added: { VM: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`OpaqueRef:${i}`, vm(i)])), pool: { 'OpaqueRef:p': { name_label: 'Production' } } },
  modified: {},
  removed: {},
};

function rig() {
  const clock = new ManualClock();
  const handlers = snapshotHandler({ snapshot: () => pool }, clock, 10_000) as BridgeHandlers;
  const host = createBridgeHost(handlers, new EventHub());
  const ask = (page: ReturnType<typeof host.openCaller>, cursor?: string) =>
    host.request('mirror.snapshot', { connectionId: 'c1', ...(cursor ? { cursor } : {}) }, page).then((r) => JSON.parse(JSON.stringify(r)) as MirrorSnapshotChunk);
  return { clock, host, ask };
}

describe('mirror.snapshot in chunks', () => {
  it('answers a big pool in chunks of about the asked size that add up to the snapshot', async () => {
    const { host, ask } = rig();
    const page = host.openCaller();
    const replica = new Map<string, unknown>();
    let chunk = await ask(page);
    expect(chunk.reset).toBe(true);
    let chunks = 1;
    for (;;) {
      expect(JSON.stringify(chunk).length).toBeLessThan(12_000);
      const { cursor, ...batch } = chunk;
      applyToReplica(replica, batch);
      if (!chunk.more) break;
      chunk = await ask(page, cursor);
      chunks++;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(chunk.cursor).toBeUndefined();
    const whole = new Map<string, unknown>();
    applyToReplica(whole, JSON.parse(JSON.stringify(pool)) as MirrorBatch);
    expect(replica).toEqual(whole);
  });

  it('keeps the rest for the page that asked: another page, a page that went, or a minute unread gets SNAPSHOT_EXPIRED', async () => {
    const { host, ask, clock } = rig();
    const page = host.openCaller();
    const other = host.openCaller();
    const first = await ask(page);
    await expect(ask(other, first.cursor)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });
    const second = await ask(page, first.cursor);
    expect(second.more).toBe(true);
    page.end();
    await expect(ask(page, second.cursor)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });

    const late = host.openCaller();
    const started = await ask(late);
    clock.tick(61_000);
    await expect(ask(late, started.cursor)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });
  });

  it('answers a small pool in one piece, without a cursor', async () => {
    const clock = new ManualClock();
    const small = { ...pool, added: { pool: pool.added.pool } };
    const host = createBridgeHost(snapshotHandler({ snapshot: () => small }, clock) as BridgeHandlers, new EventHub());
    const answer = (await host.request('mirror.snapshot', { connectionId: 'c1' }, host.openCaller())) as MirrorSnapshotChunk;
    expect(answer).toEqual(small);
  });
});
