/**
 * The demo's two pools as the migration tests use them: one wire client per pool and transport, name
 * lookups, the maps a client builds for VM.migrate_send (every disk to one SR, every VIF to one network),
 * and a task driven to its end on the simulated clock.
 */
import { startTestSimulator, type TestSimulator, type Transport } from './harness';
import { wireClient, type WireClient } from './wire-client';

type Rec = Record<string, unknown>;

export interface PoolClient extends WireClient {
  byName(cls: string, name: string): Promise<string>;
}

export async function poolClient(sim: TestSimulator, poolName: string, transport: Transport): Promise<PoolClient> {
  const pool = sim.pools.find((p) => p.name === poolName)!;
  const master = sim.hosts.find((h) => h.uuid === pool.pool.master.uuid)!;
  const c = await wireClient(master.httpUrl, transport);
  return Object.assign(c, {
    async byName(cls: string, name: string) {
      const refs = await c.call<string[]>(`${cls}.get_by_name_label`, name);
      if (!refs.length) throw new Error(`no ${cls} named ${name} in ${poolName}`);
      return refs[0];
    },
  });
}

/** A demo simulator on a frozen clock with a client of each pool's master; `close` ends it all. */
export interface DemoPools {
  sim: TestSimulator;
  prod: PoolClient;
  lab: PoolClient;
  close(): Promise<void>;
}

export async function startDemoPools(transport: Transport): Promise<DemoPools> {
  const sim = await startTestSimulator({ timeScale: 0 });
  const prod = await poolClient(sim, 'Production', transport);
  const lab = await poolClient(sim, 'Lab', transport);
  return {
    sim, prod, lab,
    async close() {
      await prod.close();
      await lab.close();
      await sim.cleanup();
    },
  };
}

/** Every disk of the VM (not CDs) mapped to `sr`, as XenCenter's "place all virtual disks on the same SR". */
export async function disksTo(c: WireClient, vm: string, sr: string): Promise<Record<string, string>> {
  const map: Record<string, string> = {};
  for (const vbd of await c.call<string[]>('VM.get_VBDs', vm)) {
    const rec = await c.call<Rec>('VBD.get_record', vbd);
    if (rec.type === 'Disk' && !rec.empty) map[String(rec.VDI)] = sr;
  }
  return map;
}

export async function vifsTo(c: WireClient, vm: string, network: string): Promise<Record<string, string>> {
  return Object.fromEntries((await c.call<string[]>('VM.get_VIFs', vm)).map((v) => [v, network]));
}

/** Advances simulated time until the task leaves `pending`; returns its record. */
export async function finishTask(sim: TestSimulator, c: WireClient, task: string, stepMs = 1000): Promise<Rec> {
  for (let i = 0; i < 5000; i++) {
    await sim.clock.advance(stepMs);
    const rec = await c.call<Rec>('task.get_record', task);
    if (rec.status !== 'pending') return rec;
  }
  throw new Error(`task ${task} still pending`);
}

/** The ref inside a task result (`<value>OpaqueRef:…</value>`). */
export function resultRef(task: Rec): string {
  return /OpaqueRef:[^<]+/.exec(String(task.result))?.[0] ?? '';
}
