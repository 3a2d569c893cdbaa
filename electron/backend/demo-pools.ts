/**
 * The embedded demo: the XAPI simulator (simulator/) started in-process on loopback, with its two pools
 * ("Production" and "Lab") offered to the connection manager as Demo connections. The simulator speaks
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
}

export interface DemoPools {
  pools: DemoPool[];
  /**
   * The simulator's fault and clock control endpoint (`POST …/sim/control/<fault>`, loopback only), once per
   * host: a killed host closes its port, so callers try the next. Used by e2e specs (e2e/fixtures.ts) and
   * for demo-stand controls (fail or restart a host) called through the backend.
   */
  controlUrls: string[];
  /** Sent as `Authorization: Bearer <controlToken>` to the control URLs; random per run. */
  controlToken: string;
  stop(): Promise<void>;
}

export async function startDemoPools(stateDir: string): Promise<DemoPools> {
  // stateDir keeps the simulated hosts' self-signed certificates (one each, as on a real pool), so the
  // fingerprints survive restarts. Each pool is pre-trusted by its master's; the members are trusted by the
  // Certificate records the pool publishes (connections/pool-trust.ts), which also covers a failover.
  const sim = await startSimulator({ scenario: 'demo', stateDir, password: randomBytes(18).toString('base64url') });
  const pools = sim.pools.map((pool) => {
    const master = sim.hosts.find((h) => h.url === pool.masterUrl) ?? sim.hosts[0];
    return { label: pool.name, url: pool.masterUrl, user: 'root', password: sim.password, fingerprint256: master.fingerprint256 };
  });
  return { pools, controlUrls: sim.hosts.map((h) => `${h.httpUrl}/sim/control`), controlToken: sim.controlToken, stop: () => sim.stop() };
}
