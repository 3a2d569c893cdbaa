/**
 * The embedded demo: the XAPI simulator (simulator/) started in-process on loopback, with its two pools
 * ("Production" and "Lab") and its standalone server (xcp-lab-03) offered to the connection manager as
 * Demo connections. The simulator speaks
 * the real wire protocol over real sockets, so the app talks to it exactly as to a real pool.
 *
 * Its ports are open to every local process and to web pages in the user's browser, so nothing about it is
 * fixed: the root password is random per run (the app logs in with it; nobody else needs it), and its control
 * endpoint (faults, clock) needs the simulator's per-run bearer token besides a loopback peer.
 */
import { randomBytes } from 'node:crypto';
import { startSimulator } from '../../simulator';

export interface DemoPool {
  label: string;
  url: string;
  user: string;
  password: string;
  fingerprint256: string;
  /** The pool's hosts (a demo pool never gains or loses one): what its demo controls may act on. */
  hosts: { uuid: string; name: string }[];
}

/** A host of the demo simulator as it runs: `alive` is false from the moment it was failed. */
export interface DemoHostState {
  uuid: string;
  name: string;
  alive: boolean;
  master: boolean;
}

export interface DemoPools {
  pools: DemoPool[];
  /**
   * The simulator's fault and clock control endpoint (`POST …/sim/control/<fault>`, loopback only), once per
   * host: a killed host closes its port, so callers try the next. Used by e2e specs (e2e/fixtures.ts);
   * the app's own Demo controls use `hostPower` instead.
   */
  controlUrls: string[];
  /** Sent as `Authorization: Bearer <controlToken>` to the control URLs; random per run. */
  controlToken: string;
  /**
   * Cuts a host's power or brings it back, in-process (the simulator's fault API): the app's Demo controls
   * (demo-controls.ts) never go through the control endpoint, so nothing a page sends can reach it.
   */
  hostPower(hostUuid: string, action: 'fail' | 'restart'): Promise<void>;
  /** Every host of the simulator, alive or not. */
  hostStates(): DemoHostState[];
  stop(): Promise<void>;
}

export async function startDemoPools(stateDir: string): Promise<DemoPools> {
  // stateDir keeps the simulated hosts' self-signed certificates (one each, as on a real pool), so the
  // fingerprints survive restarts. Each pool is pre-trusted by its master's; the members are trusted by the
  // Certificate records the pool publishes (connections/pool-trust.ts), which also covers a failover.
  const sim = await startSimulator({ scenario: 'demo', stateDir, password: randomBytes(18).toString('base64url') });
  const pools = sim.pools.map((pool) => {
    const master = sim.hosts.find((h) => h.url === pool.masterUrl) ?? sim.hosts[0];
    const hosts = pool.pool.hosts.map((h) => ({ uuid: h.uuid, name: h.name }));
    // A standalone server's pool has no name: the connection is called after the server, as clients show it.
    return { label: pool.name || master.name, url: pool.masterUrl, user: 'root', password: sim.password, fingerprint256: master.fingerprint256, hosts };
  });
  return {
    pools,
    controlUrls: sim.hosts.map((h) => `${h.httpUrl}/sim/control`),
    controlToken: sim.controlToken,
    hostPower: (uuid, action) => (action === 'fail' ? sim.faults.killHost(uuid) : sim.faults.restartHost(uuid)),
    hostStates: () => sim.sim.hosts.map((h) => ({ uuid: h.uuid, name: h.name, alive: h.alive, master: h.isMaster })),
    stop: () => sim.stop(),
  };
}
