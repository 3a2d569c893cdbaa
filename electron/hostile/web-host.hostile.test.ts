/**
 * Hostile input against browser mode's host over real sockets: the HTTP listener (renderer files, the bridge
 * upgrade) and the bridge WebSocket, with the real backend and the embedded demo pools behind them. Hand-picked
 * attacks first (each of them once took the process down), then ten thousand generated requests and ten
 * thousand generated frame sequences; after every one a normal request must still succeed.
 */
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../shared/bridge';
import { MAX_REQUEST_BYTES } from '../web-host';
import { INDEX_HTML, startAppUnderAttack, type AppUnderAttack } from './app-under-attack';
import { everyRequestAnswered, framesHandledAsTheRfcSays, violatorsClosed } from './properties';
import { RawHttpConnection } from './raw-http';
import { OPCODE, openRawWebSocket, type RawWebSocket } from './raw-ws';

let app: AppUnderAttack;
let authority = '';
let nextId = 2 ** 40;

beforeAll(async () => {
  app = await startAppUnderAttack({ demo: true });
  authority = `127.0.0.1:${app.host.port}`;
}, 60_000);
afterAll(() => app?.stop());

async function normalPage(conn: RawHttpConnection): Promise<void> {
  const reply = await conn.exchange(`GET /index.html HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  expect(reply.status, 'the page is still served').toBe(200);
  expect(reply.body.toString()).toBe(INDEX_HTML);
}

async function openBridge(): Promise<RawWebSocket> {
  const ws = await openRawWebSocket(app.host.port, { path: `/bridge?token=${encodeURIComponent(app.host.token)}`, origin: app.host.origin });
  if (!('socket' in ws)) throw new Error(`the bridge refused a good upgrade with ${ws.refused}`);
  return ws;
}

/** Sends a request frame and returns its response frame (other frames are skipped). */
async function ask(ws: RawWebSocket, name: string, args?: unknown): Promise<{ ok: boolean; result?: unknown; error?: { code: string } }> {
  const id = nextId++;
  ws.sendText(JSON.stringify({ type: 'request', id, name, args }));
  const frame = await ws.next((f) => f.opcode === OPCODE.text && (JSON.parse(f.payload.toString()) as { id?: number }).id === id, 15_000);
  if (frame === 'closed' || frame.opcode === OPCODE.close) throw new Error(`the bridge closed (${ws.closeCode}) instead of answering ${name}`);
  return JSON.parse(frame.payload.toString()) as { ok: boolean; result?: unknown; error?: { code: string } };
}

async function normalBridge(ws: RawWebSocket): Promise<void> {
  const reply = await ask(ws, 'app.info');
  expect(reply, 'the bridge still answers').toMatchObject({ ok: true, result: { name: 'XenDeck' } });
}

describe('the web host HTTP listener', () => {
  it('answers requests whose target no URL parser takes (authority-form, absolute-form, *, bad escapes) with 400 and keeps serving', async () => {
    const conn = new RawHttpConnection(app.host.port);
    const odd = ['//host:99999/', '//127.0.0.1:99999/index.html', 'http://evil.example/', '*', '/%zz', '/%C3%28', '/a/%2e%2e/%2e%2e/secret', '/index.html%', '/x%2fy'];
    for (const target of odd) {
      for (const method of ['GET', 'OPTIONS', 'POST']) {
        const reply = await conn.exchange(`${method} ${target} HTTP/1.1\r\nHost: ${authority}\r\nContent-Length: 0\r\n\r\n`);
        expect(reply.status, `${method} ${target}`).toBe(400);
        expect(reply.headers.get('content-security-policy'), 'refusals carry the CSP too').toBeTruthy();
        await normalPage(conn);
      }
      // The same target as a WebSocket upgrade, with the right token even.
      const upgrade = await conn.exchange(`GET ${target} HTTP/1.1\r\nHost: ${authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${app.host.origin}\r\n\r\n`);
      expect(upgrade.status, `upgrade ${target}`).toBe(400);
      await normalPage(conn);
    }
    conn.close();
  });

  it('refuses CONNECT, malformed request lines and oversized heads with a status, and keeps serving', async () => {
    const conn = new RawHttpConnection(app.host.port);
    const cases: [string, number][] = [
      [`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 400],
      [`CONNECT /bridge HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 405],
      ['GET / HTTP/1.1\r\nHost: x\r\n bad fold\r\n\r\n', 400],
      ['\u0000\u0001\u0002\r\n\r\n', 400],
      [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 431],
      [`GET / HTTP/1.1\r\nHost: ${authority}\r\nX-Big: ${'b'.repeat(40_000)}\r\n\r\n`, 431],
      [`POST / HTTP/1.1\r\nHost: ${authority}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`, 400],
    ];
    for (const [request, status] of cases) {
      const reply = await conn.exchange(request);
      expect(reply.status, JSON.stringify(request.slice(0, 60))).toBe(status);
      await normalPage(conn);
    }
    conn.close();
  });

  it('answers 10,000 generated hostile requests, each followed by a normal one that succeeds', async () => {
    const ran = await everyRequestAnswered({
      port: app.host.port,
      shape: { authority, paths: ['/', '/index.html', '/assets/app.js', '/bridge', '/favicon.ico'], realHeaders: { Origin: app.host.origin } },
      normal: normalPage,
      cases: 10_000,
    });
    expect(ran).toBeGreaterThanOrEqual(10_000);
    expect(app.log.filter((l) => /failed/.test(l)), 'no handler failed').toEqual([]);
  }, 180_000);

  it('under a flood of unparseable requests that never waits, answers or drops each one and still serves the page', async () => {
    // More at once than the listener answers in a burst and parks together (refusal-pacer.ts): the rest are dropped.
    const flooders = await Promise.all(
      Array.from({ length: 1_200 }, () => new Promise<Socket>((resolve, reject) => {
        const s = connect(app.host.port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      })),
    );
    const ends = flooders.map((s) => new Promise<string>((resolve) => {
      let reply = '';
      s.on('data', (d: Buffer) => (reply += d.toString('latin1')));
      s.on('error', () => undefined);
      s.on('close', () => resolve(reply === '' ? 'dropped' : reply.startsWith('HTTP/1.1 400 ') ? 'answered' : reply.slice(0, 40)));
      s.write('\u0000not http\r\n\r\n');
    }));
    const conn = new RawHttpConnection(app.host.port);
    await normalPage(conn);
    conn.close();
    const outcomes = await Promise.all(ends);
    expect(outcomes.filter((o) => o !== 'answered' && o !== 'dropped'), 'every flooder is answered 400 or dropped').toEqual([]);
    expect(outcomes, 'the first ones are answered at once').toContain('answered');
    const after = new RawHttpConnection(app.host.port);
    await normalPage(after);
    after.close();
  }, 60_000);
});

describe('the bridge WebSocket', () => {
  it('closes a page that breaks the protocol with the code for what it did, and the other pages go on', async () => {
    await violatorsClosed(openBridge, await openBridge(), [
      ['a message over the size limit', (ws) => ws.sendFrame({ opcode: OPCODE.text, payload: Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20) }), 1009],
      ['a length of 2^60 announced', (ws) => ws.sendFrame({ opcode: OPCODE.binary, declaredLength: 2 ** 60 }), 1009],
      ['text that is not UTF-8', (ws) => ws.sendFrame({ opcode: OPCODE.text, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }), 1007],
      ['a reserved opcode', (ws) => ws.sendFrame({ opcode: 0x3, payload: Buffer.from('x') }), 1002],
      ['an unmasked frame', (ws) => ws.sendFrame({ opcode: OPCODE.text, masked: false, payload: Buffer.from('{}') }), 1002],
      ['a binary message', (ws) => ws.sendFrame({ opcode: OPCODE.binary, payload: Buffer.from([1, 2, 3]) }), 1003],
      ['text that is no request frame', (ws) => ws.sendText('{"type":"request","id":"1"}'), 1003],
    ], normalBridge);
  });

  it('answers deeply nested and oversized arguments with an error and keeps the page', async () => {
    const ws = await openBridge();
    const connections = (await ask(ws, 'connections.list')).result as ConnectionInfo[];
    const demo = connections.find((c) => c.demo)!;
    const depth = 100_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const [name, args] of [
      ['app.info', deep],
      ['xapi.call', `{"connectionId":${JSON.stringify(demo.id)},"method":"VM.get_all","params":[${deep}]}`],
      ['connections.connect', `{"id":${JSON.stringify('x'.repeat(900_000))}}`],
    ] as const) {
      const id = nextId++;
      ws.sendText(`{"type":"request","id":${id},"name":"${name}","args":${args}}`);
      const frame = await ws.next((f) => f.opcode === OPCODE.text && (JSON.parse(f.payload.toString()) as { id?: number }).id === id, 30_000);
      expect(frame !== 'closed' && frame.opcode === OPCODE.text, `${name} is answered`).toBe(true);
      if (frame !== 'closed') expect(JSON.parse(frame.payload.toString()), name).toMatchObject({ ok: false, error: { code: expect.any(String) } });
      await normalBridge(ws);
    }
    ws.destroy();
  }, 60_000);

  it('handles 10,000 generated frame sequences as RFC 6455 says, each followed by a normal request that succeeds', async () => {
    const names = fc.constantFrom('app.info', 'connections.list', 'mirror.snapshot', 'xapi.call', 'xapi.callAsync', 'console.close', 'metrics.unsubscribe', 'metrics.setVisible', 'no.such.request', '__proto__', 'constructor');
    const request = fc.record({ id: fc.integer({ min: 0, max: 2 ** 31 }), name: fc.oneof(names, fc.string({ maxLength: 20 })), args: fc.jsonValue({ maxDepth: 4 }) }).map((r) => JSON.stringify({ type: 'request', ...r }));
    const ran = await framesHandledAsTheRfcSays({
      open: openBridge,
      maxPayload: MAX_REQUEST_BYTES,
      appText: fc.oneof({ weight: 9, arbitrary: request }, { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) }),
      // The bridge takes request frames only: a binary message or any other text closes the page with 1003.
      onMessage: (opcode, payload) => (opcode === OPCODE.text && isRequestFrame(payload.toString()) ? undefined : 1003),
      normal: normalBridge,
      cases: 10_000,
    });
    expect(ran).toBeGreaterThanOrEqual(10_000);
  }, 180_000);
});

function isRequestFrame(text: string): boolean {
  try {
    const f = JSON.parse(text) as { type?: unknown; id?: unknown; name?: unknown } | null;
    return !!f && typeof f === 'object' && f.type === 'request' && Number.isSafeInteger(f.id) && typeof f.name === 'string';
  } catch {
    return false;
  }
}
