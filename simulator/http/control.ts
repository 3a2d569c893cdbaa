/**
 * The control endpoint: `POST /sim/control/<fault>` with an optional JSON body, answered only to loopback
 * peers that send `Authorization: Bearer <sim.controlToken>` (a random token per run: the CLI prints it,
 * in-process callers read `sim.controlToken`). Loopback alone is not enough: a web page open in the user's
 * browser is a loopback peer too, and the app's demo simulator runs on the user's machine.
 * Faults: kill-host {host}, restart-host {host}, drop-connections, delay {ms}, malformed {on},
 * expire-event-tokens, invalidate-sessions, reset, advance-clock {ms}. `GET /sim/control/state` describes
 * the pools and hosts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Simulator } from '../core';

/** A control body is a handful of fields; anything larger is refused unread. */
const MAX_BODY_BYTES = 64 * 1024;

class BodyTooLarge extends Error {}

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Constant time: both sides hashed to one length first. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return !!m && timingSafeEqual(sha256(m[1]), sha256(token));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  const v: unknown = JSON.parse(text);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers a request that may not drive the simulator, or returns false when it may. */
function refused(sim: Simulator, req: IncomingMessage, res: ServerResponse): boolean {
  if (!isLoopback(req.socket.remoteAddress)) reply(res, 403, { error: 'control endpoint is localhost-only' });
  else if (!bearerMatches(req.headers.authorization, sim.controlToken)) {
    reply(res, 401, { error: 'control endpoint needs Authorization: Bearer <the control token the simulator printed>' }, { 'WWW-Authenticate': 'Bearer' });
  } else return false;
  return true;
}

export function describeSimulator(sim: Simulator): unknown {
  return {
    pools: sim.pools.map((p) => ({ name: p.name, uuid: p.uuid, master: p.master.uuid, masterUrl: p.master.url })),
    hosts: sim.hosts.map((h) => ({ uuid: h.uuid, name: h.name, address: h.address, url: h.url, alive: h.alive, master: h.isMaster })),
    clock: { now: sim.clock.now(), rate: sim.clock.getRate() },
  };
}

/** The body's fields, checked: a field of the wrong type is a 400 naming it. */
function hostField(b: Record<string, unknown>): string {
  if (typeof b.host !== 'string') throw new Error('host must be a host name or uuid');
  return b.host;
}
function msField(b: Record<string, unknown>): number {
  const ms = b.ms ?? 0;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error('ms must be a number of milliseconds');
  return ms;
}
function onField(b: Record<string, unknown>): boolean {
  if (b.on !== undefined && typeof b.on !== 'boolean') throw new Error('on must be true or false');
  return b.on !== false;
}

export function installControlEndpoint(sim: Simulator): void {
  const faults: Record<string, (body: Record<string, unknown>) => unknown> = {
    'kill-host': (b) => sim.faults.killHost(hostField(b)),
    'restart-host': (b) => sim.faults.restartHost(hostField(b)),
    'drop-connections': () => setImmediate(() => sim.faults.dropConnections()),
    delay: (b) => sim.faults.delayResponses(msField(b)),
    malformed: (b) => sim.faults.malformedBodies(onField(b)),
    'expire-event-tokens': () => sim.faults.expireEventTokens(),
    'invalidate-sessions': () => sim.faults.invalidateSessions(),
    reset: () => sim.faults.reset(),
    'advance-clock': (b) => sim.clock.advance(msField(b)),
  };
  sim.routes.http('GET', '/sim/control/state', (req, res) => {
    if (!refused(sim, req, res)) reply(res, 200, describeSimulator(sim));
  });
  for (const [name, run] of Object.entries(faults)) {
    sim.routes.http('POST', `/sim/control/${name}`, async (req, res) => {
      if (refused(sim, req, res)) return;
      try {
        await run(await readJson(req));
        reply(res, 200, { ok: true });
      } catch (err) {
        if (err instanceof BodyTooLarge) reply(res, 413, { error: `control bodies are at most ${MAX_BODY_BYTES} bytes` }, { Connection: 'close' });
        else reply(res, 400, { error: err instanceof Error ? err.message : String(err) });
      }
    });
  }
}
