/**
 * startSimulator(): builds a scenario, binds one listener per simulated host and returns handles for tests
 * and for the CLI. See README.md for the options and the extension points.
 */
import { mkdirSync } from 'node:fs';
import { SimClock } from './clock';
import { PoolSim, Simulator, type SimHost } from './core';
import { Faults } from './faults';
import { SeededRandom } from './random';
import { installCoreApi } from './api';
import { attachLegacyQueues } from './api/event';
import { refreshConsoleLocations } from './api/vm-state';
import { installControlEndpoint } from './http/control';
import { loadOrCreateCertificate, loadOrCreateHostCertificate, type ServerCertificate } from './http/certificate';
import { bindHosts } from './http/binding';
import { buildLab, buildLabSpare, buildProduction } from './scenarios/demo';
import { buildLarge } from './scenarios/large';
import { loadDump } from './dump/load';
import type { DumpReport } from './dump/report';
import { publishHostCertificates, withdrawHostCertificates } from './scenarios/host-certificates';
import { extensions as defaultExtensions } from './extensions';
import type { SimExtension } from './extension';
import { defaultStateDir } from './state-dir';
import type { ObjectDb } from './db/object-db';

export type { Simulator, PoolSim, SimHost } from './core';
export type { SimExtension } from './extension';
export { XapiError } from './xapi-error';

export interface SimulatorOptions {
  scenario?: 'demo' | 'large' | 'dump';
  /** large: number of hosts (default 16). */
  hosts?: number;
  /** large: number of VMs (default 5000). */
  vms?: number;
  /** large: number of Docker containers in monitored VMs (default 0; five per VM). */
  containers?: number;
  /** dump: path of a XAPI database dump. */
  dumpFile?: string;
  seed?: number;
  password?: string;
  stateDir?: string;
  /** 'loopback-per-host' (default) or one IP for every host (then one port per host). */
  address?: string;
  /** Port of the first host (the others share it in per-host-IP mode); 0 = any free port. */
  port?: number;
  /** Simulated seconds per wall second (default 1; 0 freezes the clock, tests then call clock.advance). */
  timeScale?: number;
  /** Simulated time at start, ms since the epoch (default now). */
  startTime?: number;
  /** Extra extension installers (the defaults from extensions.ts always run). */
  extensions?: SimExtension[];
  /**
   * `per-host` (default; for `dump`, when the database has host Certificate records): every host serves its
   * own certificate, published as a `Certificate` record of type `host`. `shared` (default for other databases):
   * one certificate for every host and no host Certificate records, like a server from before XenServer 8.2.
   */
  certificates?: 'per-host' | 'shared';
}

export interface HostInfo { uuid: string; name: string; address: string; url: string; httpUrl: string; fingerprint256: string; readonly alive: boolean }
export interface PoolInfo { name: string; uuid: string; readonly masterUrl: string; readonly masterAddress: string; db: ObjectDb; pool: PoolSim }

export interface RunningSimulator {
  /** https URL of the first pool's master (at start). */
  url: string;
  pools: PoolInfo[];
  hosts: HostInfo[];
  faults: Faults;
  clock: SimClock;
  /** The first pool's database. */
  db: ObjectDb;
  sim: Simulator;
  password: string;
  /** `Authorization: Bearer <controlToken>` opens `/sim/control/*` (http/control.ts); random per run. */
  controlToken: string;
  addressMode: 'per-host-ip' | 'shared-ip';
  /** `per-host`: each host serves its own certificate, published as a Certificate record; `shared`: one for all, no records. */
  certificates: 'per-host' | 'shared';
  /** dump: what loading the database left out, repaired and filled in. */
  dumpReport?: DumpReport;
  stop(): Promise<void>;
}

function hostInfo(h: SimHost): HostInfo {
  return {
    uuid: h.uuid, name: h.name, address: h.address, url: h.url, httpUrl: h.httpUrl, fingerprint256: h.fingerprint256,
    get alive() {
      return h.alive;
    },
  };
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = opts.seed ?? 1;
  const stateDir = opts.stateDir ?? defaultStateDir();
  mkdirSync(stateDir, { recursive: true });
  const clock = new SimClock({ rate: opts.timeScale ?? 1, start: opts.startTime });
  const sim = new Simulator(clock, opts.password ?? 'xendeck', new SeededRandom(seed));
  sim.faults = new Faults(sim);
  installCoreApi(sim.api);
  installControlEndpoint(sim);

  const newPool = (i: number) => {
    const p = new PoolSim(sim, new SeededRandom(seed * 7919 + i * 104729 + 1));
    sim.pools.push(p);
    return p;
  };
  const now = clock.now();
  const scenario = opts.scenario ?? 'demo';
  let dumpReport: DumpReport | undefined;
  if (scenario === 'demo') {
    const prod = newPool(0);
    prod.db.bulk(() => buildProduction(prod, new SeededRandom(seed + 11), now));
    const lab = newPool(1);
    lab.db.bulk(() => buildLab(lab, new SeededRandom(seed + 23), now));
    const spare = newPool(2);
    spare.db.bulk(() => buildLabSpare(spare, new SeededRandom(seed + 29), now));
  } else if (scenario === 'large') {
    const pool = newPool(0);
    pool.db.bulk(() => buildLarge(pool, new SeededRandom(seed + 37), now, opts.hosts ?? 16, opts.vms ?? 5000, opts.containers ?? 0));
  } else if (scenario === 'dump') {
    if (!opts.dumpFile) throw new Error('scenario dump needs dumpFile');
    dumpReport = loadDump(newPool(0), opts.dumpFile);
  } else {
    throw new Error(`unknown scenario ${String(scenario)}`);
  }
  for (const p of sim.pools) attachLegacyQueues(p);
  for (const install of [...defaultExtensions, ...(opts.extensions ?? [])]) await install(sim);

  // A database from a server that published host certificates (XenServer 8.2 and later) keeps doing so.
  const dumpPublishes = scenario === 'dump' && [...sim.pools[0].db.all('Certificate')].some(([, c]) => c.type === 'host');
  const perHost = (opts.certificates ?? (scenario === 'dump' && !dumpPublishes ? 'shared' : 'per-host')) === 'per-host';
  const certs = new Map<SimHost, ServerCertificate>();
  if (perHost) for (const h of sim.hosts) certs.set(h, await loadOrCreateHostCertificate(stateDir, { uuid: h.uuid, name: h.name }));
  else {
    const shared = await loadOrCreateCertificate(stateDir);
    for (const h of sim.hosts) certs.set(h, shared);
  }
  const addressMode = await bindHosts(sim.hosts, (h) => certs.get(h)!, opts.address ?? 'loopback-per-host', opts.port ?? 0);
  for (const pool of sim.pools) {
    for (const h of pool.hosts) {
      pool.db.update('host', h.ref, { address: h.address });
      for (const pif of pool.db.get('host', h.ref).PIFs as string[]) {
        if (pool.db.get('PIF', pif).management) pool.db.update('PIF', pif, { IP: h.ip });
      }
    }
    refreshConsoleLocations(pool);
    const gone = perHost ? publishHostCertificates(pool) : withdrawHostCertificates(pool);
    for (const ref of gone) {
      dumpReport?.add({
        kind: 'dropped-row', table: 'Certificate', row: ref,
        reason: perHost ? 'replaced by the certificate this host serves, as xapi replaces its record when the certificate changes' : 'a host certificate this run does not serve (one certificate for every host: none published)',
      });
    }
    if (dumpReport) dumpReport.objects.Certificate = pool.db.count('Certificate');
  }

  const pools: PoolInfo[] = sim.pools.map((p) => ({
    name: p.name, uuid: p.uuid, db: p.db, pool: p,
    get masterUrl() {
      return p.master.url;
    },
    get masterAddress() {
      return p.master.address;
    },
  }));
  return {
    url: sim.pools[0].master.url,
    pools,
    hosts: sim.hosts.map(hostInfo),
    faults: sim.faults,
    clock,
    db: sim.pools[0].db,
    sim,
    password: sim.password,
    controlToken: sim.controlToken,
    addressMode,
    certificates: perHost ? 'per-host' : 'shared',
    dumpReport,
    async stop() {
      sim.stopped = true;
      clock.stop();
      for (const p of sim.pools) {
        for (const w of [...p.eventWaiters]) w();
        for (const s of p.sessions.all()) s.legacy?.wake?.();
      }
      await Promise.all(sim.hosts.map((h) => h.listener?.close()));
    },
  };
}
