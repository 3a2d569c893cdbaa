/**
 * The migration runner against the demo's two pools, with the app's own path in between: the
 * ConnectionManager connects to both pools over real sockets and its mirror batches fill the renderer's
 * store as the page applies them. The simulator's clock is frozen, so a storage migration runs only while
 * the test advances it.
 *
 * xapi runs at most three storage migrations from one host (TOO_MANY_STORAGE_MIGRATES). This window keeps
 * to that, but other clients' moves can fill the host: a move refused that way waits and is tried again
 * (as Xen Orchestra does), and ends in the destination pool.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bridge, ConnectionInfo, MirrorBatch } from '../../../shared/bridge';
import { stringifyWithRawRecords } from '../../../shared/api-client/raw-record';
import { connectLabPools, startLab, type Lab, type LabConnections } from '../../../electron/backend/connections/sim-harness';
import { appStore } from '../../store';
import { planFor, withDestination, type MigrationState } from './migration-model';
import { runPlans } from './migration-runner';

let lab: Lab;
let pools: LabConnections;
let ids: Record<string, string>;

beforeAll(async () => {
  lab = await startLab({ scenario: 'demo', timeScale: 0 });
  // What the page does with the events (store/sync.ts), through the JSON both transports send.
  pools = await connectLabPools(
    lab,
    (event, payload) => {
      if (event === 'connections.changed') appStore.getState().setConnections(payload as ConnectionInfo[]);
      if (event === 'mirror.batch') appStore.getState().applyBatch(JSON.parse(stringifyWithRawRecords(payload)) as MirrorBatch);
    },
    lab.sim.pools.filter((p) => p.name === 'Production' || p.name === 'Lab'),
  );
  ids = pools.ids;
});

afterAll(async () => {
  await pools?.dispose();
  await lab?.stop();
});

/** The bridge's two XAPI requests, answered by the ConnectionManager as the app's backend does. */
const bridge = {
  request: (name: string, args: { connectionId: string; method: string; params: unknown[] }) => {
    if (name === 'xapi.call') return pools.manager.call(args.connectionId, args.method, args.params);
    if (name === 'xapi.callAsync') return pools.manager.callAsync(args.connectionId, args.method, args.params);
    throw new Error(`unexpected ${name}`);
  },
} as unknown as Bridge;

const call = <T>(pool: string, method: string, ...params: unknown[]) => pools.manager.call(ids[pool], method, params) as Promise<T>;
const byName = async (pool: string, cls: string, name: string) => (await call<string[]>(pool, `${cls}.get_by_name_label`, name))[0];

/** Waits for `work`, moving the frozen simulated clock on meanwhile (a clone, a migration take simulated time). */
async function onSimulatedTime<T>(work: Promise<T>): Promise<T> {
  let settled = false;
  void work.finally(() => (settled = true)).catch(() => undefined);
  while (!settled) {
    await lab.sim.clock.advance(2000);
    await new Promise((r) => setTimeout(r, 20));
  }
  return work;
}

/** A Production VM's plan to Lab's xcp-lab-02 with the wizard's defaults (its disks to Lab's default SR). */
function planToLab(vm: string) {
  const mirrors = appStore.getState().mirrors;
  const s: MigrationState = { mode: 'move', source: ids.Production, vms: [vm], storage: {}, networks: {} };
  const target = { connectionId: ids.Lab, host: [...mirrors[ids.Lab]!.objects.host!].find(([, h]) => h.name_label === 'xcp-lab-02')![0] };
  const plans = planFor(mirrors, { ...s, ...withDestination(mirrors, s, target) });
  expect(plans).toEqual([expect.objectContaining({ kind: 'migrate_send', vm })]);
  return plans;
}

it('a move refused with TOO_MANY_STORAGE_MIGRATES (other clients fill the host) waits, is tried again and lands in the other pool', async () => {
  await expect.poll(() => Object.values(ids).every((id) => appStore.getState().mirrors[id]?.loaded), { timeout: 20_000 }).toBe(true);
  // Four halted Production VMs (the demo's three and a clone): their storage migrations all run from the pool master.
  const others = await Promise.all(['build-agent-02', 'backup-proxy', 'win11-helpdesk'].map((n) => byName('Production', 'VM', n)));
  const mover = await onSimulatedTime(call<string>('Production', 'VM.clone', others[0], 'build-agent-03'));
  await expect.poll(() => appStore.getState().mirrors[ids.Production]!.objects.VM!.has(mover)).toBe(true);
  const uuid = appStore.getState().mirrors[ids.Production]!.objects.VM!.get(mover)!.uuid;
  // Another client's three moves to Lab fill the master's storage migrations (the frozen clock holds them).
  const busy: string[] = [];
  for (const vm of others) {
    const [plan] = planToLab(vm);
    if (plan.kind !== 'migrate_send') throw new Error(`${vm}: not a storage migration`);
    const token = await call('Lab', 'host.migrate_receive', plan.target.host, plan.transferNetwork, {});
    busy.push(await call<string>('Production', 'Async.VM.migrate_send', vm, token, true, plan.vdiMap, plan.vifMap, {}));
  }
  await lab.sim.clock.advance(1000);

  // The runner's first try is refused; while it waits, the other moves end (cancelled by their client).
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    for (const task of busy) await call('Production', 'task.cancel', task);
    await expect.poll(() => Promise.all(busy.map((t) => call<string>('Production', 'task.get_status', t)))).toEqual(['cancelled', 'cancelled', 'cancelled']);
  };
  const [outcome] = await onSimulatedTime(runPlans({ bridge, getState: appStore.getState, sleep }, ids.Production, planToLab(mover), 'Move'));

  // It waited once (the runner waits only after TOO_MANY_STORAGE_MIGRATES), and its refused task says why.
  expect(waits).toEqual([10_000]);
  const tasks = [...(appStore.getState().mirrors[ids.Production]!.objects.task?.values() ?? [])];
  expect(tasks.filter((t) => t.other_config.applies_to === mover && t.status === 'failure').map((t) => t.error_info)).toEqual([['TOO_MANY_STORAGE_MIGRATES', '3']]);
  expect(outcome).toMatchObject({ vm: mover, status: 'success', now: { connectionId: ids.Lab } });
  // The VM left Production and is in Lab with the same uuid, as both pools say.
  expect(await call<string>('Production', 'VM.get_by_uuid', uuid).catch((e: { code?: string }) => e.code)).toBe('UUID_INVALID');
  expect(await call<string>('Lab', 'VM.get_name_label', outcome.now!.ref)).toBe('build-agent-03');
});
