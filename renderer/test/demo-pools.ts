/**
 * The demo's two pools for renderer tests that read real records: the simulator in this process, each
 * pool's database as the renderer's mirror (connection ids "Production" and "Lab"), and a caller that
 * sends `xapi.call` requests to the right pool over JSON-RPC on real sockets, as the bridge would.
 *
 *   const demo = await startDemoPools();
 *   const mirrors = demo.mirrors();            // fresh snapshot of both pools
 *   await demo.bridge.request('xapi.call', { connectionId: 'Lab', method: 'VM.get_all', params: [] });
 *   await demo.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { classes } from '../../simulator/model';
import { login, rpc } from '../../simulator/contract/json-rpc-client';
import type { RequestArgs } from '../../shared/bridge';
import { applyBatch, type ConnectionMirror } from '../store';

export type DemoPoolName = 'Production' | 'Lab';

export interface DemoPools {
  sim: RunningSimulator;
  mirrors(): Record<DemoPoolName, ConnectionMirror>;
  /** `xapi.call` only, routed by connection id (the pool's name). */
  bridge: { request(name: 'xapi.call', args: RequestArgs<'xapi.call'>): Promise<unknown> };
  /** A ref by class and name in a pool ("VM", "sandbox-01"). */
  ref(pool: DemoPoolName, cls: string, name: string): string;
  stop(): Promise<void>;
}

export async function startDemoPools(): Promise<DemoPools> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-demo-pools-'));
  const sim = await startSimulator({ scenario: 'demo', seed: 1, stateDir, timeScale: 50 });
  const pools = Object.fromEntries(sim.pools.map((p) => [p.name, p])) as Record<DemoPoolName, (typeof sim.pools)[number]>;
  const urlOf = (name: DemoPoolName) => sim.hosts.find((h) => h.url === pools[name].masterUrl)!.httpUrl;
  const sessions = new Map<DemoPoolName, Promise<string>>();
  const session = (name: DemoPoolName) => {
    if (!sessions.has(name)) sessions.set(name, login(urlOf(name), sim.password));
    return sessions.get(name)!;
  };
  const mirrorOf = (name: DemoPoolName): ConnectionMirror => {
    const added: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const cls of classes.keys()) {
      const records = Object.fromEntries(pools[name].db.all(cls));
      if (Object.keys(records).length) added[cls] = JSON.parse(JSON.stringify(records)) as Record<string, Record<string, unknown>>;
    }
    return applyBatch(undefined, { connectionId: name, reset: true, added, modified: {}, removed: {} });
  };
  return {
    sim,
    mirrors: () => ({ Production: mirrorOf('Production'), Lab: mirrorOf('Lab') }),
    bridge: {
      async request(_name, { connectionId, method, params }) {
        const pool = connectionId as DemoPoolName;
        return rpc(urlOf(pool), method, await session(pool), ...params);
      },
    },
    ref(pool, cls, name) {
      const found = pools[pool].db.refs(cls).find((r) => pools[pool].db.get(cls, r).name_label === name && !pools[pool].db.get(cls, r).is_a_snapshot);
      if (!found) throw new Error(`no ${cls} named ${name} in ${pool}`);
      return found;
    },
    async stop() {
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
