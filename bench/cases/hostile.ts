/**
 * Bench case `hostile`: how much of its service browser mode's host keeps while another process floods it
 * with malformed input. The host (web host + bridge + the real backend) runs in a process of its own, as it
 * does for a user; the flood comes from a second process (hostile-processes.ts: 16 connections sending
 * generated hostile requests, upgrades to the bridge among them, as fast as they are answered); the measuring
 * page is this process.
 *
 * Two kinds of requests are measured, each for MEASURE_MS, unloaded (the flood paused) and flooded, in turn,
 * ROUNDS times; rates are the best of their rounds, the per-CPU ratios the median:
 * - `bridge`: Bridge requests (`connections.list`, answered by the real backend) over one page's WebSocket,
 *   WINDOW of them in flight;
 * - `http`: `GET /index.html` over HTTP_CONNECTIONS kept-alive connections, one request at a time each.
 * The figures are requests per second and the flooded rate over the unloaded one (goal ≥ 0.5), the same ratio per
 * second of CPU the host process had (what a busy machine does to the host's share of a core is taken out), the
 * host's CPU share itself, and `flood.rps`, how many malformed requests per second the host answered meanwhile
 * (averaged over the whole run, pauses included). The flood waits for its answers, as a web page's `fetch` does:
 * the listeners pace the refusals that cost a connection (shared/refusal-pacer.ts), so the flood gets at most
 * their rate; a flooder that does not wait is dropped past the parked limit (the hostile suite shows that).
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { RawHttpConnection } from '../../electron/hostile/raw-http';
import { startHostileProcess, type HostAddress } from './hostile-processes';
import type { BenchFigures } from './index';

const MEASURE_MS = 1_500;
const ROUNDS = 5;
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

/** A rate and the share of one core the host process had meanwhile. */
interface Measure {
  rps: number;
  cores: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function hostileBench(): Promise<BenchFigures> {
  const host = await startHostileProcess<HostAddress>('host');
  try {
    const cores = async () => ((await host.ask('cpu')) as { busy: number }).busy;
    const measured = async (rate: (h: HostAddress) => Promise<number>): Promise<Measure> => {
      await cores();
      const rps = await rate(host.ready);
      return { rps, cores: await cores() };
    };
    // Warm both paths (JIT, file cache) before measuring.
    await bridgeRate(host.ready);
    await httpRate(host.ready);
    const flood = await startHostileProcess<{ sockets: number }>('flood', host.ready);
    const runs: Record<'bridge' | 'http', { unloaded: Measure[]; flooded: Measure[] }> = { bridge: { unloaded: [], flooded: [] }, http: { unloaded: [], flooded: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      await flood.ask('pause');
      runs.bridge.unloaded.push(await measured(bridgeRate));
      runs.http.unloaded.push(await measured(httpRate));
      await flood.ask('resume');
      await new Promise((r) => setTimeout(r, 300));
      runs.bridge.flooded.push(await measured(bridgeRate));
      runs.http.flooded.push(await measured(httpRate));
    }
    const floodResult = (await flood.stop()) as { answered: number; seconds: number };
    const figures: BenchFigures = {};
    for (const kind of ['bridge', 'http'] as const) {
      const { unloaded, flooded } = runs[kind];
      const best = (ms: Measure[]) => Math.max(...ms.map((m) => m.rps));
      figures[`${kind}.unloaded_rps`] = { value: best(unloaded), unit: 'req/s' };
      figures[`${kind}.flooded_rps`] = { value: best(flooded), unit: 'req/s' };
      figures[`${kind}.ratio`] = { value: best(flooded) / best(unloaded), unit: 'ratio' };
      // Requests per second of the host's own CPU, flooded over unloaded: the share of the time the host had
      // that still went to this page. Unlike the ratio above, it does not move with how much CPU the rest of a
      // shared machine leaves the host (the flood's own process included).
      const perCore = (ms: Measure[]) => median(ms.map((m) => m.rps / Math.max(m.cores, 0.01)));
      figures[`${kind}.ratio_per_host_cpu`] = { value: perCore(flooded) / perCore(unloaded), unit: 'ratio' };
    }
    // Averaged over the whole run, pauses included.
    figures['flood.rps'] = { value: floodResult.answered / floodResult.seconds, unit: 'req/s' };
    figures['host.cpu_unloaded'] = { value: median(runs.bridge.unloaded.map((m) => m.cores)), unit: 'cores' };
    figures['host.cpu_flooded'] = { value: median(runs.bridge.flooded.map((m) => m.cores)), unit: 'cores' };
    return figures;
  } finally {
    await host.stop();
  }
}
