/**
 * The control endpoint: `POST /sim/control/<fault>` with an optional JSON body, answered only to loopback
 * peers. Faults: kill-host {host}, restart-host {host}, drop-connections, delay {ms}, malformed {on},
 * expire-event-tokens, invalidate-sessions, reset, advance-clock {ms}. `GET /sim/control/state` describes
 * the pools and hosts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Simulator } from '../core';

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  const v: unknown = JSON.parse(text);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function describeSimulator(sim: Simulator): unknown {
  return {
    pools: sim.pools.map((p) => ({ name: p.name, uuid: p.uuid, master: p.master.uuid, masterUrl: p.master.url })),
    hosts: sim.hosts.map((h) => ({ uuid: h.uuid, name: h.name, address: h.address, url: h.url, alive: h.alive, master: h.isMaster })),
    clock: { now: sim.clock.now(), rate: sim.clock.getRate() },
  };
}

export function installControlEndpoint(sim: Simulator): void {
  const faults: Record<string, (body: Record<string, unknown>) => unknown> = {
    'kill-host': (b) => sim.faults.killHost(String(b.host)),
    'restart-host': (b) => sim.faults.restartHost(String(b.host)),
    'drop-connections': () => setImmediate(() => sim.faults.dropConnections()),
    delay: (b) => sim.faults.delayResponses(Number(b.ms ?? 0)),
    malformed: (b) => sim.faults.malformedBodies(b.on !== false),
    'expire-event-tokens': () => sim.faults.expireEventTokens(),
    'invalidate-sessions': () => sim.faults.invalidateSessions(),
    reset: () => sim.faults.reset(),
    'advance-clock': (b) => sim.clock.advance(Number(b.ms ?? 0)),
  };
  sim.routes.http('GET', '/sim/control/state', (req, res) => {
    if (!isLoopback(req.socket.remoteAddress)) return reply(res, 403, { error: 'control endpoint is localhost-only' });
    reply(res, 200, describeSimulator(sim));
  });
  for (const [name, run] of Object.entries(faults)) {
    sim.routes.http('POST', `/sim/control/${name}`, async (req, res) => {
      if (!isLoopback(req.socket.remoteAddress)) return reply(res, 403, { error: 'control endpoint is localhost-only' });
      try {
        await run(await readJson(req));
        reply(res, 200, { ok: true });
      } catch (err) {
        reply(res, 400, { error: err instanceof Error ? err.message : String(err) });
      }
    });
  }
}
