/**
 * Hostile input against the console tunnel's loopback listener over real sockets: requests and upgrades with odd
 * targets, wrong tickets and broken handshakes, then frames breaking RFC 6455 on an accepted tunnel. The host's
 * side of each tunnel is a real TCP echo server, so a tunnel that still works echoes what the viewer sends.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleTunnelService, MAX_VIEWER_MESSAGE_BYTES } from '../backend/console-tunnel/console-tunnel';
import { everyRequestAnswered, framesHandledAsTheRfcSays, violatorsClosed } from './properties';
import { RawHttpConnection } from './raw-http';
import { OPCODE, openRawWebSocket, type RawWebSocket } from './raw-ws';

const ORIGIN = 'http://127.0.0.1:5173';
let echo: Server;
const echoSockets = new Set<Socket>();
let tunnel: ConsoleTunnelService;
let authority = '';
let marker = 0;

beforeAll(async () => {
  echo = createServer((s) => {
    echoSockets.add(s);
    s.on('close', () => echoSockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const echoPort = (echo.address() as { port: number }).port;
  tunnel = new ConsoleTunnelService({
    openConsoleSocket: () =>
      new Promise<Duplex>((resolve, reject) => {
        const s = connect(echoPort, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      }),
    isOriginAllowed: (o) => o === ORIGIN,
  });
  await tunnel.start();
  authority = `127.0.0.1:${tunnel.listeningPort}`;
});
afterAll(async () => {
  await tunnel?.stop();
  for (const s of echoSockets) s.destroy();
  await new Promise<void>((r) => echo.close(() => r()));
});

/** A tunnel as the viewer opens one: a fresh one-time URL, the app's Origin, subprotocol binary. */
async function openTunnel(): Promise<RawWebSocket> {
  const { url } = await tunnel.open('conn', 'OpaqueRef:vm');
  const u = new URL(url);
  const ws = await openRawWebSocket(tunnel.listeningPort, { path: `${u.pathname}${u.search}`, origin: ORIGIN, protocols: ['binary'] });
  if (!('socket' in ws)) throw new Error(`the tunnel refused its own URL with ${ws.refused}`);
  return ws;
}

/** Bytes through the tunnel come back from the echo server. */
async function echoes(ws: RawWebSocket): Promise<void> {
  const token = Buffer.from(`echo-${marker++};`);
  ws.sendFrame({ opcode: OPCODE.binary, payload: token });
  let seen = Buffer.alloc(0);
  while (!seen.includes(token)) {
    const f = await ws.next((frame) => frame.opcode === OPCODE.binary);
    if (f === 'closed' || f.opcode === OPCODE.close) throw new Error(`the tunnel closed (${ws.closeCode}) instead of echoing`);
    seen = Buffer.concat([seen, f.payload]).subarray(-4096);
  }
}

/** A normal viewer's session after a hostile request: a new tunnel that echoes. */
async function normalTunnel(): Promise<void> {
  const ws = await openTunnel();
  await echoes(ws);
  ws.destroy();
}

describe('the console tunnel listener', () => {
  it('refuses odd targets, used or unknown tickets, foreign origins and plain requests with a status, and keeps tunnelling', async () => {
    const conn = new RawHttpConnection(tunnel.listeningPort);
    const { url } = await tunnel.open('conn', 'OpaqueRef:vm');
    const good = new URL(url);
    const upgrade = (target: string, origin = ORIGIN, protocol = 'binary') =>
      `GET ${target} HTTP/1.1\r\nHost: ${authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`;
    const cases: [string, number][] = [
      [upgrade('//host:99999/'), 400],
      [upgrade(`//${authority}${good.pathname}${good.search}`), 400],
      [upgrade(`${good.pathname}%zz${good.search}`), 400],
      [upgrade(`${good.pathname}?token=%C3%28`), 400],
      [upgrade(`${good.pathname}?token=wrong`), 401],
      [upgrade(`${good.pathname}${good.search}`, 'https://evil.example'), 403],
      [upgrade(`${good.pathname}${good.search}`, ORIGIN, 'base64'), 400],
      [`GET ${good.pathname}${good.search} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 426],
      [`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 400],
      [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 431],
    ];
    for (const [request, status] of cases) {
      expect((await conn.exchange(request)).status, JSON.stringify(request.slice(0, 80))).toBe(status);
      await normalTunnel();
    }
    // None of those spent the ticket: it still opens its tunnel, once.
    const ws = await openRawWebSocket(tunnel.listeningPort, { path: `${good.pathname}${good.search}`, origin: ORIGIN, protocols: ['binary'] });
    expect('socket' in ws).toBe(true);
    if ('socket' in ws) {
      await echoes(ws);
      ws.destroy();
    }
    expect(await openRawWebSocket(tunnel.listeningPort, { path: `${good.pathname}${good.search}`, origin: ORIGIN, protocols: ['binary'] })).toEqual({ refused: 401 });
    conn.close();
  });

  it('answers 10,000 generated hostile requests, each followed by a tunnel that still works', async () => {
    const { url } = await tunnel.open('conn', 'OpaqueRef:vm');
    const u = new URL(url);
    const open = await openTunnel();
    let n = 0;
    const ran = await everyRequestAnswered({
      port: tunnel.listeningPort,
      shape: { authority, paths: ['/', u.pathname, '/console/', '/console/x'], realHeaders: { Origin: ORIGIN, 'Sec-WebSocket-Protocol': 'binary' } },
      normal: async (conn) => {
        // The listener still answers (on the hostile request's connection if it kept it), the open tunnel still
        // relays, and every 50th time a new tunnel is opened end to end.
        expect((await conn.exchange(`GET / HTTP/1.1\r\nHost: ${authority}\r\n\r\n`)).status).toBe(426);
        await echoes(open);
        if (++n % 50 === 0) await normalTunnel();
      },
      cases: 10_000,
    });
    expect(ran).toBeGreaterThanOrEqual(10_000);
    open.destroy();
  }, 180_000);
});

describe('a console tunnel', () => {
  it('closes a viewer that breaks the protocol with the code for what it did, and the other tunnels go on', async () => {
    await violatorsClosed(openTunnel, await openTunnel(), [
      ['a message over the size limit', (ws) => ws.sendFrame({ opcode: OPCODE.binary, declaredLength: MAX_VIEWER_MESSAGE_BYTES + 1 }), 1009],
      ['text that is not UTF-8', (ws) => ws.sendFrame({ opcode: OPCODE.text, payload: Buffer.from([0xc3, 0x28]) }), 1007],
      ['a reserved opcode', (ws) => ws.sendFrame({ opcode: 0xb, payload: Buffer.from('x') }), 1002],
      ['a fragmented ping', (ws) => ws.sendFrame({ opcode: OPCODE.ping, fin: false }), 1002],
    ], echoes);
  });

  it('handles 10,000 generated frame sequences as RFC 6455 says, each followed by bytes that still get through', async () => {
    const ran = await framesHandledAsTheRfcSays({
      open: openTunnel,
      maxPayload: MAX_VIEWER_MESSAGE_BYTES,
      appText: fc.string({ maxLength: 60 }),
      // The tunnel relays every message as bytes: it closes nothing itself.
      onMessage: () => undefined,
      normal: echoes,
      cases: 10_000,
    });
    expect(ran).toBeGreaterThanOrEqual(10_000);
  }, 180_000);
});
