/**
 * Send backpressure of the browser-mode bridge over a real WebSocket: a page that stops reading while mirror
 * batches flow and it keeps sending requests cannot grow the host past the fixed bound (bridge-socket.ts), its
 * requests are refused with BRIDGE_PAGE_BEHIND meanwhile, a page that reads is not held back, the stalled page
 * recovers (a mirror.resync names the pool it must load again) once it reads again, and the memory is returned
 * when it leaves. Memory is measured in this process (host and pages): heap + external after a full GC (what is
 * kept, not the garbage of serialising), every 20 batches and at the end; RSS is reported alongside.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AppInfo, MirrorBatch } from '../shared/bridge';
import { createBridgeHost, EventHub, type BridgeHandlers } from './backend/bridge-host';
import { PAGE_REPLY_ALLOWANCE, PAGE_SEND_LIMIT } from './bridge-socket';
import { OPCODE, openRawWebSocket, type RawWebSocket } from './hostile/raw-ws';
import { startWebHost, type WebHost } from './web-host';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const info: AppInfo = { name: 'XenDeck', version: '1', mode: 'browser', platform: 'linux', secretStorage: 'user-file' };
const events = new EventHub();
const handlers = { 'app.info': async () => info } as unknown as BridgeHandlers;
/** Pages the host serves now: each subscribes to the events while its socket is open. */
let pages = 0;
const inner = createBridgeHost(handlers, events);
const backend = {
  ...inner,
  subscribe: (listener: Parameters<typeof inner.subscribe>[0]) => {
    pages++;
    const off = inner.subscribe(listener);
    return () => {
      pages--;
      off();
    };
  },
};
let dir: string;
let host: WebHost;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-backpressure-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  host = await startWebHost({ backend, rendererDir: join(dir, 'renderer'), consoleTunnelPort: 1 });
});
afterAll(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

/** About 1 MB of VM records, as a pool's load sends them (mirror-batcher.ts cuts batches at about 1 MB). */
function bigBatch(): MirrorBatch {
  const VM: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 1000; i++) VM[`OpaqueRef:${i}`] = { uuid: `uuid-${i}`, name_label: `vm-${i}`, name_description: 'x'.repeat(900), power_state: 'Running' };
  return { connectionId: 'pool-1', added: { VM }, modified: {}, removed: {} };
}

function memory(): { used: number; rss: number } {
  gc();
  const m = process.memoryUsage();
  return { used: m.heapUsed + m.external, rss: m.rss };
}

interface FloodOutcome {
  emitted: number;
  asked: number;
  answered: number;
  refused: number;
  resync: string[];
  readerBatches: number;
  peak: { used: number; rss: number };
}

/**
 * The two pages and the flood, in a scope of their own: when it returns, nothing of the pages (their clients'
 * buffers included) is reachable from the test, so what is still held afterwards is held by the host.
 */
async function floodTwoPages(rounds: number): Promise<FloodOutcome> {
  const url = `/bridge?token=${encodeURIComponent(host.token)}`;
  // A page that reads: the ws library, as fast as it can.
  const reader = new WebSocket(`ws://127.0.0.1:${host.port}${url}`, { origin: host.origin });
  let readerBatches = 0;
  let readerResynced = false;
  reader.on('message', (data) => {
    const event = (JSON.parse(String(data)) as { event?: string }).event;
    if (event === 'mirror.batch') readerBatches++;
    if (event === 'mirror.resync') readerResynced = true;
  });
  await new Promise((r) => reader.once('open', r));

  const stalled = (await openRawWebSocket(host.port, { path: url, origin: host.origin })) as RawWebSocket;
  stalled.socket.pause(); // stops reading; keeps writing

  const batch = bigBatch();
  const batchBytes = JSON.stringify(batch).length;
  // Live memory (after a GC) every 20 rounds: what is kept, not the garbage of serialising batches.
  let peak = memory();
  let emitted = 0;
  let asked = 0;
  for (let i = 0; i < rounds; i++) {
    events.emit('mirror.batch', batch);
    emitted += batchBytes;
    for (let k = 0; k < 5; k++) stalled.sendText(JSON.stringify({ type: 'request', id: ++asked, name: 'app.info' }));
    await new Promise((r) => setImmediate(r));
    if (i % 20 === 19) {
      const now = memory();
      peak = { used: Math.max(peak.used, now.used), rss: Math.max(peak.rss, now.rss) };
    }
  }
  // The page that reads was not held back by the other: it got every batch, or (on a machine too busy for it
  // to keep up) the ones it could and then a resync.
  while (readerBatches < rounds && !readerResynced) await new Promise((r) => setTimeout(r, 20));

  // The stalled page reads again: refusals, then the resync naming the pool it missed, then it works again.
  stalled.socket.resume();
  let refused = 0;
  let answered = 0;
  let resync: string[] | undefined;
  while (!resync) {
    const frame = await stalled.next((f) => f.opcode === OPCODE.text, 30_000);
    if (frame === 'closed' || frame.opcode === OPCODE.close) throw new Error('the stalled page was closed');
    const f = JSON.parse(frame.payload.toString()) as { type: string; event?: string; payload?: { connectionIds: string[] }; ok?: boolean; error?: { code: string } };
    if (f.type === 'response' && f.ok) answered++;
    if (f.type === 'response' && !f.ok) {
      expect(f.error?.code).toBe('BRIDGE_PAGE_BEHIND');
      refused++;
    }
    if (f.event === 'mirror.resync') resync = f.payload!.connectionIds;
  }
  stalled.sendText(JSON.stringify({ type: 'request', id: 1e9, name: 'app.info' }));
  const reply = await stalled.next((f) => f.opcode === OPCODE.text && (JSON.parse(f.payload.toString()) as { id?: number }).id === 1e9);
  expect(reply !== 'closed' && JSON.parse(reply.payload.toString()), 'the page works again').toMatchObject({ ok: true, result: info });

  stalled.destroy();
  reader.close();
  return { emitted, asked, answered, refused, resync, readerBatches, peak };
}

it('keeps a page that stops reading under the bound, refuses its requests meanwhile, lets it recover, and returns the memory when it goes', async () => {
  const before = memory();
  const { emitted, asked, answered, refused, resync, readerBatches, peak } = await floodTwoPages(200);
  expect(readerBatches).toBeGreaterThan(0);
  expect(resync).toEqual(['pool-1']);
  expect(refused, 'requests made while the page was behind are refused').toBeGreaterThan(0);
  // Both pages gone from the host's side (their sockets closed and their subscriptions ended).
  while (pages > 0) await new Promise((r) => setTimeout(r, 20));
  // The closed sockets' buffers are freed once their close has completed and a GC has run after it: memory
  // "returns" when it does, which on a busy machine can be a moment after the host dropped the pages.
  let after = memory();
  for (const deadline = Date.now() + 10_000; after.used - before.used >= 8 * MB && Date.now() < deadline; after = memory()) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const figures = {
    emittedMB: Math.round(emitted / MB),
    boundMB: (PAGE_SEND_LIMIT + PAGE_REPLY_ALLOWANCE) / MB,
    baselineMB: +(before.used / MB).toFixed(1),
    peakMB: +(peak.used / MB).toFixed(1),
    afterMB: +(after.used / MB).toFixed(1),
    rssBaselineMB: Math.round(before.rss / MB),
    rssPeakMB: Math.round(peak.rss / MB),
    rssAfterMB: Math.round(after.rss / MB),
    requests: asked,
    answered,
    refused,
  };
  console.log(`bridge backpressure (heap + external, this process): ${JSON.stringify(figures)}`);
  // Hundreds of MB were sent at a page that did not read: the host grew by the bound plus the frames in flight.
  expect(emitted).toBeGreaterThan(180 * MB);
  expect(peak.used - before.used, 'growth while the page did not read').toBeLessThan(64 * MB);
  expect(after.used - before.used, 'what is left after it went').toBeLessThan(8 * MB);
}, 120_000);
