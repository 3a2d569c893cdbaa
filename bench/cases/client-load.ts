/**
 * Bench case `client`: loading a big pool (`large`, 16 hosts, 5000 VMs) into a mirror, with our
 * client and with Xen Orchestra's `xen-api` (JSON-RPC) against the same simulator, in the same run,
 * alternating, best of ROUNDS each. "Load" = from nothing to every class cached: login,
 * system.listMethods, pool, event token, every `get_all_records`.
 *
 * The main figures run the simulator in a process of its own (a pool is another machine: its work
 * is not done on the client's thread); the `in_process.*` figures repeat the comparison with the
 * simulator inside the bench's process, where its reply writing and TLS are on the same thread as
 * both clients and count in both times.
 *
 * Floors, measured on the same bytes: `json_parse.parse_ms` is JSON.parse of every get_all_records
 * reply our client loads (no network), and `floor.load_ms` is fetching those same replies raw over
 * the same transport, in parallel, plus that JSON.parse: what a JSON-RPC client that parses its
 * replies must pay against this server. `client.ratio_vs_json_parse` is our load over `floor.load_ms`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Xapi } from 'xen-api';
import { startSimulator, type SimulatorOptions } from '../../simulator';
import { XapiClient } from '../../shared/api-client/xapi-client';
import { encodeJsonRpcRequest } from '../../shared/api-client/codec/json-rpc';
import { bodyText } from '../../shared/api-client/transport';
import { NodeTransport } from '../../electron/backend/connections/node-transport';
import { startSimulatorProcess } from './simulator-process';
import type { BenchFigures } from './index';

// Best of seven: wall time on a shared machine swings by a third from one load to the next, and the
// best of each client is its load with the least interference.
const ROUNDS = 7;
const LARGE: SimulatorOptions = { scenario: 'large', hosts: 16, vms: 5000, seed: 1 };

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

interface Server { masterUrl: string; password: string; fingerprints: string[] }

interface Loads {
  ours: number[];
  theirs: number[];
  oursCpu: number[];
  theirsCpu: number[];
  classes: string[];
  objects: number;
}

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');

function transportFor(server: Server): NodeTransport {
  const pins = new Set(server.fingerprints);
  return new NodeTransport({ trust: { verify: (_h, c) => (pins.has(c.fingerprint256) ? 'trusted' : 'unknown') } });
}

/** Both clients' loads from `server`, alternating, after two warm-up loads each. */
async function measureLoads(server: Server): Promise<Loads> {
  const url = server.masterUrl;
  const loads: Loads = { ours: [], theirs: [], oursCpu: [], theirsCpu: [], classes: [], objects: 0 };
  const ours = async (record: boolean) => {
    const transport = transportFor(server);
    const client = new XapiClient({ url, user: 'root', password: server.password, transport, protocol: 'auto' });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await client.connect();
    if (record) {
      loads.ours.push(performance.now() - t0);
      loads.oursCpu.push(cpuMs(c0));
    }
    loads.classes = client.objects.classes();
    loads.objects = loads.classes.reduce((n, c) => n + client.objects.size(c), 0);
    await client.disconnect();
    transport.destroy();
  };
  const theirs = async (record: boolean) => {
    const xapi = new Xapi({ url, auth: { user: 'root', password: server.password }, allowUnauthorized: true, transport: 'json-rpc' });
    xapi.on('error', () => undefined);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await xapi.connect();
    await xapi.objectsFetched;
    if (record) {
      loads.theirs.push(performance.now() - t0);
      loads.theirsCpu.push(cpuMs(c0));
    }
    await xapi.disconnect();
  };
  // Warm-up, twice each: JIT (the scanner's regular expression and loops reach optimised code only
  // after a load or so), TLS, the simulator's encoded replies, for both clients.
  for (let i = 0; i < 2; i++) {
    await ours(false);
    await theirs(false);
  }
  for (let i = 0; i < ROUNDS; i++) {
    collectGarbage();
    await ours(true);
    collectGarbage();
    await theirs(true);
  }
  return loads;
}

/** The floor: the same replies fetched raw in parallel (best of ROUNDS), then JSON.parse of them. */
async function measureFloor(server: Server, classes: string[]): Promise<{ fetchMs: number[]; parseMs: number[]; bytes: number }> {
  const transport = transportFor(server);
  const post = (method: string, params: unknown[]) => transport.post({
    url: `${server.masterUrl}/jsonrpc`, headers: { 'Content-Type': 'application/json' }, body: encodeJsonRpcRequest(method, params, 1), timeoutMs: 120_000,
  }).then((r) => bodyText(r.body));
  const session = (JSON.parse(await post('session.login_with_password', ['root', server.password, '1.1', 'bench'])) as { result: string }).result;
  const fetchMs: number[] = [];
  const parseMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS; i++) {
    collectGarbage();
    const t0 = performance.now();
    const bodies = await Promise.all(classes.map((cls) => post(`${cls}.get_all_records`, [session])));
    fetchMs.push(performance.now() - t0);
    bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
    const t1 = performance.now();
    for (const body of bodies) JSON.parse(body);
    parseMs.push(performance.now() - t1);
  }
  transport.destroy();
  return { fetchMs, parseMs, bytes };
}

export async function clientLoadBench(): Promise<BenchFigures> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-bench-client-'));
  try {
    const separate = await startSimulatorProcess({ ...LARGE, stateDir: join(stateDir, 'separate') });
    let loads: Loads;
    let floor: Awaited<ReturnType<typeof measureFloor>>;
    try {
      loads = await measureLoads(separate);
      floor = await measureFloor(separate, loads.classes);
    } finally {
      await separate.stop();
    }
    const inside = await startSimulator({ ...LARGE, stateDir: join(stateDir, 'inside') });
    let insideLoads: Loads;
    try {
      insideLoads = await measureLoads({ masterUrl: inside.pools[0].masterUrl, password: inside.password, fingerprints: inside.hosts.map((h) => h.fingerprint256) });
    } finally {
      await inside.stop();
    }

    const client = best(loads.ours);
    const xenApi = best(loads.theirs);
    const parse = best(floor.parseMs);
    const floorMs = best(floor.fetchMs.map((f, i) => f + floor.parseMs[i]));
    console.error(`client: ${loads.classes.length} classes, ${loads.objects} objects, ${(floor.bytes / 1e6).toFixed(1)} MB of JSON, simulator in its own process: ours ${list(loads.ours)} ms, xen-api ${list(loads.theirs)} ms, raw fetch ${list(floor.fetchMs)} ms, JSON.parse ${list(floor.parseMs)} ms`);
    console.error(`client: CPU time of the bench process (the clients alone) per load: ours ${list(loads.oursCpu)} ms, xen-api ${list(loads.theirsCpu)} ms`);
    console.error(`client: simulator inside the bench process (its work on the clients' thread): ours ${list(insideLoads.ours)} ms, xen-api ${list(insideLoads.theirs)} ms`);
    return {
      // bench/run.ts prefixes every figure with the case name: these become client.load_ms,
      // client.xen_api.load_ms, client.ratio_vs_xen_api, client.ratio_vs_json_parse, …
      load_ms: { value: client, unit: 'ms' },
      'xen_api.load_ms': { value: xenApi, unit: 'ms' },
      ratio_vs_xen_api: { value: client / xenApi, unit: 'x' },
      // The same comparison on the middle loads: how much of the ratio is one lucky load.
      median_ratio_vs_xen_api: { value: median(loads.ours) / median(loads.theirs), unit: 'x' },
      ratio_vs_json_parse: { value: client / floorMs, unit: 'x' },
      'floor.load_ms': { value: floorMs, unit: 'ms' },
      'json_parse.parse_ms': { value: parse, unit: 'ms' },
      objects: { value: loads.objects, unit: 'objects' },
      // CPU time (user + system) of the bench process per load: with the simulator elsewhere, each
      // client's own work, steadier than wall time when the machine is shared.
      cpu_ms: { value: best(loads.oursCpu), unit: 'ms' },
      'xen_api.cpu_ms': { value: best(loads.theirsCpu), unit: 'ms' },
      cpu_ratio_vs_xen_api: { value: best(loads.oursCpu) / best(loads.theirsCpu), unit: 'x' },
      'in_process.load_ms': { value: best(insideLoads.ours), unit: 'ms' },
      'in_process.xen_api.load_ms': { value: best(insideLoads.theirs), unit: 'ms' },
      'in_process.ratio_vs_xen_api': { value: best(insideLoads.ours) / best(insideLoads.theirs), unit: 'x' },
      'in_process.median_ratio_vs_xen_api': { value: median(insideLoads.ours) / median(insideLoads.theirs), unit: 'x' },
    };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
