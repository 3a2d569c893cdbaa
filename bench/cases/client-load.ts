/**
 * Bench case `client`: loading a big pool (`large`, 16 hosts, 5000 VMs) into a mirror, with our
 * client and with Xen Orchestra's `xen-api` (JSON-RPC) against the same in-process simulator, in the
 * same run, alternating, best of ROUNDS each. "Load" = from nothing to every class cached: login,
 * system.listMethods, pool, event token, every `get_all_records`.
 *
 * Floors, measured on the same bytes: `json_parse.parse_ms` is JSON.parse of every get_all_records
 * reply our client loads (no network), and `floor.load_ms` is fetching those same replies raw over
 * the same transport, in parallel, plus that JSON.parse: what any JSON-RPC client must pay against
 * this server. `client.ratio_vs_json_parse` is our load over `floor.load_ms` (see the note printed):
 * the simulator's serialisation time is in every figure, so pure parse time alone is not reachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Xapi } from 'xen-api';
import { startSimulator } from '../../simulator';
import { XapiClient } from '../../shared/api-client/xapi-client';
import { encodeJsonRpcRequest } from '../../shared/api-client/codec/json-rpc';
import { bodyText } from '../../shared/api-client/transport';
import { NodeTransport } from '../../electron/backend/connections/node-transport';
import type { BenchFigures } from './index';

// Best of seven: wall time on a shared machine swings by a third from one load to the next, and the
// best of each client is its load with the least interference.
const ROUNDS = 7;

/**
 * A full garbage collection before each timed load, for both clients: each load starts from the same
 * clean heap instead of paying for the garbage the previous one (the other client's, often) left.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

export async function clientLoadBench(): Promise<BenchFigures> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-bench-client-'));
  const sim = await startSimulator({ scenario: 'large', hosts: 16, vms: 5000, seed: 1, stateDir });
  const pins = new Set(sim.hosts.map((h) => h.fingerprint256));
  const newTransport = () => new NodeTransport({ trust: { verify: (_h, c) => (pins.has(c.fingerprint256) ? 'trusted' : 'unknown') } });
  const url = sim.pools[0].masterUrl;
  try {
    let classes: string[] = [];
    let objects = 0;
    const oursCpu: number[] = [];
    const theirsCpu: number[] = [];
    const ours = async (): Promise<number> => {
      const transport = newTransport();
      const client = new XapiClient({ url, user: 'root', password: sim.password, transport, protocol: 'auto' });
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await client.connect();
      const ms = performance.now() - t0;
      oursCpu.push(cpuMs(c0));
      classes = client.objects.classes();
      objects = classes.reduce((n, c) => n + client.objects.size(c), 0);
      await client.disconnect();
      transport.destroy();
      return ms;
    };
    const theirs = async (): Promise<number> => {
      const xapi = new Xapi({ url, auth: { user: 'root', password: sim.password }, allowUnauthorized: true, transport: 'json-rpc' });
      xapi.on('error', () => undefined);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await xapi.connect();
      await xapi.objectsFetched;
      const ms = performance.now() - t0;
      theirsCpu.push(cpuMs(c0));
      await xapi.disconnect();
      return ms;
    };

    const oursMs: number[] = [];
    const theirsMs: number[] = [];
    // Warm-up, twice each: JIT (the scanner's regular expression and loops reach optimised code only
    // after a load or so), TLS, the simulator's encoded replies, for both clients.
    for (let i = 0; i < 2; i++) {
      await ours();
      await theirs();
    }
    oursCpu.length = 0;
    theirsCpu.length = 0;
    for (let i = 0; i < ROUNDS; i++) {
      collectGarbage();
      oursMs.push(await ours());
      collectGarbage();
      theirsMs.push(await theirs());
    }

    // The floor: the same replies fetched raw in parallel, then parsed.
    const transport = newTransport();
    const post = (method: string, params: unknown[]) => transport.post({
      url: `${url}/jsonrpc`, headers: { 'Content-Type': 'application/json' }, body: encodeJsonRpcRequest(method, params, 1), timeoutMs: 120_000,
    }).then((r) => bodyText(r.body));
    const session = (JSON.parse(await post('session.login_with_password', ['root', sim.password, '1.1', 'bench'])) as { result: string }).result;
    const floorFetch: number[] = [];
    const fetchCpu: number[] = [];
    const parseMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const bodies = await Promise.all(classes.map((cls) => post(`${cls}.get_all_records`, [session])));
      floorFetch.push(performance.now() - t0);
      fetchCpu.push(cpuMs(c0));
      bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
      const t1 = performance.now();
      for (const body of bodies) JSON.parse(body);
      parseMs.push(performance.now() - t1);
    }
    transport.destroy();

    const best = (xs: number[]) => Math.min(...xs);
    const client = best(oursMs);
    const xenApi = best(theirsMs);
    const parse = best(parseMs);
    const floor = best(floorFetch.map((f, i) => f + parseMs[i]));
    console.error(`client: ${classes.length} classes, ${objects} objects, ${(bytes / 1e6).toFixed(1)} MB of JSON; ours ${oursMs.map((m) => m.toFixed(0)).join('/')} ms, xen-api ${theirsMs.map((m) => m.toFixed(0)).join('/')} ms, raw fetch ${floorFetch.map((m) => m.toFixed(0)).join('/')} ms, JSON.parse ${parseMs.map((m) => m.toFixed(0)).join('/')} ms`);
    console.error(`client: CPU time of the whole process (simulator included) per load: ours ${oursCpu.map((m) => m.toFixed(0)).join('/')} ms, xen-api ${theirsCpu.map((m) => m.toFixed(0)).join('/')} ms (steadier than wall time when the machine is shared)`);
    console.error(`client: ratio_vs_json_parse is client.load_ms / floor.load_ms (raw fetch of the same replies + JSON.parse); pure JSON.parse alone is json_parse.parse_ms (${parse.toFixed(0)} ms, ratio ${(client / parse).toFixed(2)}x) and excludes the simulator's own serialisation.`);
    return {
      // bench/run.ts prefixes every figure with the case name: these become client.load_ms,
      // client.xen_api.load_ms, client.ratio_vs_xen_api, client.ratio_vs_json_parse, …
      load_ms: { value: client, unit: 'ms' },
      'xen_api.load_ms': { value: xenApi, unit: 'ms' },
      ratio_vs_xen_api: { value: client / xenApi, unit: 'x' },
      ratio_vs_json_parse: { value: client / floor, unit: 'x' },
      'floor.load_ms': { value: floor, unit: 'ms' },
      'json_parse.parse_ms': { value: parse, unit: 'ms' },
      objects: { value: objects, unit: 'objects' },
      // Process CPU time (user + system) per load, simulator included: the same work measured without
      // the waits other processes on a shared machine add to wall time.
      cpu_ms: { value: best(oursCpu), unit: 'ms' },
      'xen_api.cpu_ms': { value: best(theirsCpu), unit: 'ms' },
      cpu_ratio_vs_xen_api: { value: best(oursCpu) / best(theirsCpu), unit: 'x' },
      // The simulator's share (serialising ~40 MB, TLS) is in both figures above. Taking away the CPU of
      // fetching the same replies raw leaves what each client itself costs: parsing and caching.
      'fetch.cpu_ms': { value: best(fetchCpu), unit: 'ms' },
      'client_side.cpu_ms': { value: best(oursCpu) - best(fetchCpu), unit: 'ms' },
      'xen_api.client_side.cpu_ms': { value: best(theirsCpu) - best(fetchCpu), unit: 'ms' },
      client_side_cpu_ratio_vs_xen_api: { value: (best(oursCpu) - best(fetchCpu)) / (best(theirsCpu) - best(fetchCpu)), unit: 'x' },
    };
  } finally {
    await sim.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
