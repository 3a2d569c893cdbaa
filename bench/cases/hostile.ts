/**
 * Bench case `hostile`: how much of its service browser mode's host keeps while another process floods it
 * with malformed input. The host (web host + bridge + the real backend) runs in a process of its own, as it
 * does for a user; the flood comes from a second process (hostile-processes.ts: 64 connections sending
 * generated hostile HTTP requests and bridge sockets broken by protocol violations, as fast as they are
 * answered); the measuring page is this process.
 *
 * Two kinds of requests are measured, each for MEASURE_MS, unloaded (the flood paused) and flooded, in turn,
 * ROUNDS times; each figure is the best of its rounds:
 * - `bridge`: Bridge requests (`connections.list`, answered by the real backend) over one page's WebSocket,
 *   WINDOW of them in flight;
 * - `http`: `GET /index.html` over HTTPS_CONNECTIONS kept-alive connections, one request at a time each.
 * The figures are requests per second and the flooded rate over the unloaded one (goal ≥ 0.5); `flood.rps` is
 * how many malformed requests and broken sockets per second the host answered meanwhile.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { RawHttpConnection } from '../../electron/hostile/raw-http';
import { startHostileProcess, type HostAddress } from './hostile-processes';
import type { BenchFigures } from './index';

const MEASURE_MS = 1_500;
const ROUNDS = 3;
const WINDOW = 16;
const HTTP_CONNECTIONS = 4;

async function bridgeRate(host: HostAddress): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge?token=${encodeURIComponent(host.token)}`, { origin: host.origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  let done = 0;
  const deadline = performance.now() + MEASURE_MS;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const ask = () => ws.send(JSON.stringify({ type: 'request', id: ++id, name: 'connections.list' }));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; ok?: boolean };
      if (frame.type !== 'response') return;
      if (!frame.ok) throw new Error(`a bridge request failed: ${String(data).slice(0, 200)}`);
      done++;
      if (performance.now() < deadline) ask();
      else if (done === id) resolve();
    });
    for (let i = 0; i < WINDOW; i++) ask();
  });
  const rate = done / ((performance.now() - started) / 1000);
  ws.close();
  return rate;
}

async function httpRate(host: HostAddress): Promise<number> {
  const request = `GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`;
  let done = 0;
  const started = performance.now();
  const deadline = started + MEASURE_MS;
  await Promise.all(
    Array.from({ length: HTTP_CONNECTIONS }, async () => {
      const conn = new RawHttpConnection(host.port, '127.0.0.1', 30_000);
      while (performance.now() < deadline) {
        const reply = await conn.exchange(request);
        if (reply.status !== 200) throw new Error(`GET /index.html answered ${reply.status}`);
        done++;
      }
      conn.close();
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

export async function hostileBench(): Promise<BenchFigures> {
  const host = await startHostileProcess<HostAddress>('host');
  try {
    // Warm both paths (JIT, file cache) before measuring.
    await bridgeRate(host.ready);
    await httpRate(host.ready);
    const busy = async () => ((await host.ask('cpu')) as { busy: number }).busy;
    const flood = await startHostileProcess<{ sockets: number }>('flood', host.ready);
    const best = { bridgeUnloaded: 0, bridgeFlooded: 0, httpUnloaded: 0, httpFlooded: 0, cpuUnloaded: 0, cpuFlooded: 0 };
    // Unloaded and flooded, alternately, best of ROUNDS each: the rate with the least interference from
    // the rest of a shared machine.
    for (let round = 0; round < ROUNDS; round++) {
      await flood.ask('pause');
      await busy();
      best.bridgeUnloaded = Math.max(best.bridgeUnloaded, await bridgeRate(host.ready));
      best.httpUnloaded = Math.max(best.httpUnloaded, await httpRate(host.ready));
      best.cpuUnloaded = Math.max(best.cpuUnloaded, await busy());
      await flood.ask('resume');
      await new Promise((r) => setTimeout(r, 300));
      await busy();
      best.bridgeFlooded = Math.max(best.bridgeFlooded, await bridgeRate(host.ready));
      best.httpFlooded = Math.max(best.httpFlooded, await httpRate(host.ready));
      best.cpuFlooded = Math.max(best.cpuFlooded, await busy());
    }
    const floodResult = (await flood.stop()) as { answered: number; seconds: number };
    return {
      'bridge.unloaded_rps': { value: best.bridgeUnloaded, unit: 'req/s' },
      'bridge.flooded_rps': { value: best.bridgeFlooded, unit: 'req/s' },
      'bridge.ratio': { value: best.bridgeFlooded / best.bridgeUnloaded, unit: 'ratio' },
      'http.unloaded_rps': { value: best.httpUnloaded, unit: 'req/s' },
      'http.flooded_rps': { value: best.httpFlooded, unit: 'req/s' },
      'http.ratio': { value: best.httpFlooded / best.httpUnloaded, unit: 'ratio' },
      // Averaged over the whole run, pauses included.
      'flood.rps': { value: floodResult.answered / floodResult.seconds, unit: 'req/s' },
      // Share of one core the host process got: well below 1, the machine (not the host) was the limit.
      'host.cpu_unloaded': { value: best.cpuUnloaded, unit: 'cores' },
      'host.cpu_flooded': { value: best.cpuFlooded, unit: 'cores' },
    };
  } finally {
    await host.stop();
  }
}
