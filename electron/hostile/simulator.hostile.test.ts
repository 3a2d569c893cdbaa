/**
 * Hostile input against the embedded simulator's host listener over real sockets (it runs inside the app's
 * process, so what kills it kills the app): HTTP requests, WebSocket upgrades and CONNECTs with odd targets,
 * broken heads and bodies; frames breaking RFC 6455 on its console WebSocket; and the control endpoint, which
 * without its token must refuse everything and change nothing. After each case a normal XAPI call (or console,
 * or control request) must still succeed.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, type TestSimulator } from '../../simulator/contract/harness';
import { login } from '../../simulator/contract/json-rpc-client';
import { everyRequestAnswered, framesHandledAsTheRfcSays, violatorsClosed } from './properties';
import { RawHttpConnection } from './raw-http';
import { OPCODE, openRawWebSocket, type RawWebSocket } from './raw-ws';

let sim: TestSimulator;
let port = 0;
let authority = '';
let session = '';
let consoleUuid = '';

beforeAll(async () => {
  sim = await startTestSimulator({ timeScale: 0 });
  const master = new URL(sim.hosts[0].httpUrl);
  port = Number(master.port);
  authority = master.host;
  session = await login(sim.hosts[0].httpUrl);
  // A running guest on the first host: its console is served here.
  const db = sim.pools[0].db;
  const hostRef = db.refs('host').find((r) => db.get('host', r).uuid === sim.hosts[0].uuid)!;
  const vm = [...db.all('VM')].find(([, v]) => v.resident_on === hostRef && v.power_state === 'Running' && !v.is_control_domain)![1];
  consoleUuid = String(db.get('console', (vm.consoles as string[])[0]).uuid);
});
afterAll(() => sim?.cleanup());

function jsonRpc(method: string, params: unknown[]): string {
  const body = JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 });
  return `POST /jsonrpc HTTP/1.1\r\nHost: ${authority}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** A normal call on the pool: the session still works and the hosts are listed. */
async function normalCall(conn: RawHttpConnection): Promise<void> {
  const reply = await conn.exchange(jsonRpc('host.get_all', [session]));
  expect(reply.status, 'XAPI still answers').toBe(200);
  expect((JSON.parse(reply.body.toString()) as { result?: unknown[] }).result?.length).toBe(sim.pools[0].pool.hosts.length);
}

/** Nothing a refused request could have changed has changed. */
function nothingChanged(): void {
  expect(sim.faults.delayMs).toBe(0);
  expect(sim.faults.malformed).toBe(false);
  expect(sim.hosts.every((h) => h.alive)).toBe(true);
}

const consolePath = () => `/console?uuid=${consoleUuid}&session_id=${encodeURIComponent(session)}`;

describe('the simulator host listener', () => {
  it('refuses odd request targets on requests, upgrades and CONNECTs with 400, over HTTP and TLS, and keeps serving', async () => {
    const conn = new RawHttpConnection(port);
    const ws = `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n`;
    const cases: [string, number][] = [
      [`GET //host:99999/ HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 400],
      [`POST //host:99999/jsonrpc HTTP/1.1\r\nHost: ${authority}\r\nContent-Length: 0\r\n\r\n`, 400],
      [`OPTIONS * HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 400],
      [`GET http://${authority}/rrd_updates HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 400],
      [`GET /rrd_updates?start=%zz HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 400],
      [`GET //host:99999${consolePath()} HTTP/1.1\r\nHost: ${authority}\r\n${ws}\r\n`, 400],
      [`GET ${consolePath()}%C3%28 HTTP/1.1\r\nHost: ${authority}\r\n${ws}\r\n`, 400],
      [`CONNECT //host:99999/console HTTP/1.0\r\n\r\n`, 400],
      [`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 400],
      [`CONNECT /console?uuid=${consoleUuid} HTTP/1.0\r\n\r\n`, 401],
      [`CONNECT /nothing-here HTTP/1.0\r\n\r\n`, 404],
      [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 431],
      [`POST /jsonrpc HTTP/1.1\r\nHost: ${authority}\r\nTransfer-Encoding: gzip\r\n\r\n`, 400],
    ];
    for (const [request, status] of cases) {
      expect((await conn.exchange(request)).status, JSON.stringify(request.slice(0, 80))).toBe(status);
      await normalCall(conn);
    }
    // The same listener over TLS (the first byte decides).
    const tls = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      tls.on('secureConnect', () => tls.write(`GET //host:99999/ HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`));
      tls.on('data', (d: Buffer) => (text += d.toString()));
      tls.on('end', () => resolve(text));
      tls.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    // And a real console still opens, by CONNECT as XenCenter does: 200, then RFB on the same socket.
    const raw = netConnect(port, '127.0.0.1');
    raw.write(`CONNECT ${consolePath()} HTTP/1.0\r\n\r\n`);
    const opened = await new Promise<string>((resolve) => {
      let text = '';
      raw.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.includes('RFB 003.008\n')) resolve(text);
      });
    });
    expect(opened).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\nRFB 003\.008\n$/);
    raw.destroy();
    conn.close();
  });

  it('answers 10,000 generated hostile requests (upgrades and CONNECTs among them), each followed by a normal XAPI call', async () => {
    const ran = await everyRequestAnswered({
      port,
      shape: { authority, paths: ['/', '/jsonrpc', '/json', '/RPC2', '/xmlrpc', '/rrd_updates', '/host_rrds', '/vm_rrds', '/console', '/sim/control/state', '/sim/control/kill-host'], realHeaders: { 'Content-Type': 'application/json' } },
      normal: normalCall,
      after: nothingChanged,
      cases: 10_000,
    });
    expect(ran).toBeGreaterThanOrEqual(10_000);
  }, 180_000);
});

describe('the simulator console WebSocket', () => {
  async function openConsole(): Promise<RawWebSocket> {
    const ws = await openRawWebSocket(port, { path: consolePath(), protocols: ['binary'] });
    if (!('socket' in ws)) throw new Error(`the console refused a good upgrade with ${ws.refused}`);
    return ws;
  }
  /** A viewer's start: the server's RFB greeting. */
  async function greets(ws: RawWebSocket): Promise<void> {
    const first = await ws.next((f) => f.opcode === OPCODE.binary);
    expect(first !== 'closed' && first.payload.toString('latin1'), 'the RFB greeting').toBe('RFB 003.008\n');
  }

  it('closes a viewer that breaks the protocol with the code for what it did, and consoles go on', async () => {
    const greeted = async () => {
      const ws = await openConsole();
      await greets(ws);
      return ws;
    };
    // A console viewer of the same guest sees its screen go on: a full-screen update request is answered.
    const stillDraws = async (viewer: RawWebSocket) => {
      viewer.sendFrame({ opcode: OPCODE.binary, payload: Buffer.from([3, 0, 0, 0, 0, 0, 0, 16, 0, 16]) });
      // FramebufferUpdate: message type 0, then at least one 12-byte rectangle header.
      const update = await viewer.next((f) => f.opcode === OPCODE.binary && f.payload[0] === 0 && f.payload.length >= 16);
      expect(update !== 'closed' && update.opcode, 'a framebuffer update').toBe(OPCODE.binary);
    };
    const viewer = await greeted();
    // RFB 3.8 handshake of the bystander: version, security None, shared.
    viewer.sendFrame({ opcode: OPCODE.binary, payload: Buffer.from('RFB 003.008\n') });
    viewer.sendFrame({ opcode: OPCODE.binary, payload: Buffer.from([1]) });
    viewer.sendFrame({ opcode: OPCODE.binary, payload: Buffer.from([1]) });
    await violatorsClosed(greeted, viewer, [
      ['a length of 2^40 announced', (ws) => ws.sendFrame({ opcode: OPCODE.binary, declaredLength: 2 ** 40 }), 1009],
      ['text that is not UTF-8', (ws) => ws.sendFrame({ opcode: OPCODE.text, payload: Buffer.from([0xff]) }), 1007],
      ['a reserved opcode', (ws) => ws.sendFrame({ opcode: 0x5 }), 1002],
    ], stillDraws);
  });

  it('handles 2,000 generated frame sequences as RFC 6455 says, each followed by a console that still opens', async () => {
    let current: RawWebSocket | undefined;
    const ran = await framesHandledAsTheRfcSays({
      open: async () => {
        current = await openConsole();
        await greets(current);
        return current;
      },
      maxPayload: 4 * 1024 * 1024,
      appText: fc.constantFrom('RFB 003.008\n', 'RFB 003.003\n', '\u0001', '\u0003\u0000\u0000\u0000\u0000\u0000\u0010\u0000\u0010'),
      // RFB is the guest console's business: a message it cannot take ends the session. Only the WebSocket rules
      // are checked exactly; after a whole message the socket may be open or closed by the RFB server.
      onMessage: () => 'any',
      normal: async () => {
        const ws = await openConsole();
        await greets(ws);
        ws.destroy();
      },
      cases: 2_000,
    });
    current?.destroy();
    expect(ran).toBeGreaterThanOrEqual(2_000);
  }, 180_000);
});

describe('the simulator control endpoint', () => {
  const control = (method: string, path: string, authorization: string | undefined, body = '') =>
    `${method} /sim/control/${path} HTTP/1.1\r\nHost: ${authority}\r\n${authorization === undefined ? '' : `Authorization: ${authorization}\r\n`}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const normalControl = async (conn: RawHttpConnection) => {
    const reply = await conn.exchange(control('GET', 'state', `Bearer ${sim.controlToken}`));
    expect(reply.status, 'the control endpoint still answers its owner').toBe(200);
    expect((JSON.parse(reply.body.toString()) as { hosts: unknown[] }).hosts).toHaveLength(sim.hosts.length);
  };

  it('takes a deeply nested or oversized body from its owner with an answer, not a crash', async () => {
    const conn = new RawHttpConnection(port);
    // 30,000 levels: as deep as the endpoint's 64 KiB body limit allows.
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expect((await conn.exchange(control('POST', 'reset', `Bearer ${sim.controlToken}`, deep))).status).toBe(200);
    await normalControl(conn);
    const wrongType = await conn.exchange(control('POST', 'delay', `Bearer ${sim.controlToken}`, `{"ms":${deep}}`));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.toString()).toContain('ms must be a number');
    expect(sim.faults.delayMs).toBe(0);
    expect((await conn.exchange(control('POST', 'reset', `Bearer ${sim.controlToken}`, `{"x":"${'y'.repeat(70_000)}"}`))).status).toBe(413);
    await normalControl(conn);
    conn.close();
  });

  it('refuses 10,000 generated requests without its token (401, nothing changes) and answers its owner after each', async () => {
    const faults = ['kill-host', 'restart-host', 'drop-connections', 'delay', 'malformed', 'expire-event-tokens', 'invalidate-sessions', 'reset', 'advance-clock', 'state'];
    const wrongAuth = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic cm9vdDp4ZW5kZWNr', `Basic ${sim.controlToken}`, `Bearer ${sim.controlToken}x`, `Bearer ${sim.controlToken.slice(1)}`, `Bearer  ${sim.controlToken} extra`, `Token ${sim.controlToken}`),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
    );
    const body = fc.oneof(
      fc.constant(''),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? ''),
      fc.constantFrom('{"host":"xcp-prod-01"}', '{"ms":999999999}', '{"on":true}', '{', 'null', '[1,2', `${'['.repeat(5_000)}${']'.repeat(5_000)}`),
    );
    const conn = new RawHttpConnection(port);
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE', 'HEAD'), fault: fc.constantFrom(...faults), auth: wrongAuth, body }), { minLength: 20, maxLength: 20 }), async (cases) => {
        for (const c of cases) {
          const reply = await conn.exchange(control(c.method, c.fault, c.auth, c.body), { head: c.method === 'HEAD' });
          ran++;
          const routed = c.fault === 'state' ? c.method === 'GET' || c.method === 'HEAD' : c.method === 'POST';
          expect(reply.status, `${c.method} ${c.fault} with ${JSON.stringify(c.auth)}`).toBe(routed ? 401 : 404);
          nothingChanged();
          await normalControl(conn);
        }
      }),
      { numRuns: 500, endOnFailure: true },
    );
    expect(ran).toBeGreaterThanOrEqual(10_000);
    conn.close();
  }, 180_000);
});
