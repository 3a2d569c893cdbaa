/**
 * After a cross-pool move, what the page holds of each pool is that pool: the mirror batches the
 * ConnectionManager sent for the source and the destination, applied in order as the renderer applies them,
 * equal a fresh get_all_records of each pool read through an independent session (the VM, its disks, their
 * snapshots, VBDs and VIFs left Lab and arrived in the destination; nothing lost, nothing left behind). Real
 * sockets, the demo's two pools and its standalone server xcp-lab-03 (a halted VM moves to Production, a
 * running one live-migrates to xcp-lab-03).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MirrorBatch } from '../../../shared/bridge';
import type { XapiClient } from '../../../shared/api-client/xapi-client';
import { stringifyWithRawRecords } from '../../../shared/api-client/raw-record';
import type { ConnectionManager } from './connection-manager';
import { applyToReplica } from './mirror-replica';
import { classesOf, connectLabPools, freshRecords, startLab, type Lab, type LabConnections } from './sim-harness';

let lab: Lab;
let pools: LabConnections;
let manager: ConnectionManager;
let ids: Record<string, string>;
let masterUrls: Record<string, string>;
const batches: MirrorBatch[] = [];
const readers: XapiClient[] = [];

beforeAll(async () => {
  lab = await startLab({ scenario: 'demo', timeScale: 50 });
  // Recorded as the page receives them: through the JSON both transports send.
  pools = await connectLabPools(lab, (event, payload) => {
    if (event === 'mirror.batch') batches.push(JSON.parse(stringifyWithRawRecords(payload)) as MirrorBatch);
  });
  ({ manager, ids, masterUrls } = pools);
});

afterAll(async () => {
  await Promise.all(readers.splice(0).map((c) => c.disconnect()));
  await pools?.dispose();
  await lab?.stop();
});

const call = <T>(pool: string, method: string, ...params: unknown[]) => manager.call(ids[pool], method, params) as Promise<T>;

/** What the page holds of a pool: every batch of its connection applied in order, as class/ref → record. */
function pageView(pool: string): Map<string, unknown> {
  const view = new Map<string, unknown>();
  for (const batch of batches) if (batch.connectionId === ids[pool]) applyToReplica(view, batch);
  return view;
}

/** The page's view of a pool equals the pool, once the events of the move have arrived (they may trail the call). */
async function expectPageEqualsPool(pool: string): Promise<void> {
  await expect
    .poll(async () => {
      const mine = pageView(pool);
      const fresh = await freshRecords(lab, masterUrls[pool], classesOf(mine), readers);
      const keys = [...new Set([...mine.keys(), ...fresh.keys()])];
      return keys.filter((k) => JSON.stringify(mine.get(k)) !== JSON.stringify(fresh.get(k)));
    }, { timeout: 20_000, interval: 200 })
    .toEqual([]);
}

/**
 * Moves a VM of `from` to `host` of `to` with its disks (to the destination's default SR) and interfaces (to
 * the host's management network), then checks that both page views equal their pools.
 */
async function moveAcross(from: string, vmName: string, to: string, hostName: string): Promise<void> {
  const [vm] = await call<string[]>(from, 'VM.get_by_name_label', vmName);
  const [host] = await call<string[]>(to, 'host.get_by_name_label', hostName);
  const pifs = await call<Record<string, { host: string; management: boolean; network: string }>>(to, 'PIF.get_all_records');
  const network = Object.values(pifs).find((p) => p.host === host && p.management)!.network;
  const sr = await call<string>(to, 'pool.get_default_SR', (await call<string[]>(to, 'pool.get_all'))[0]);
  const vdis: Record<string, string> = {};
  for (const vbd of await call<string[]>(from, 'VM.get_VBDs', vm)) {
    if ((await call<string>(from, 'VBD.get_type', vbd)) === 'Disk') vdis[await call<string>(from, 'VBD.get_VDI', vbd)] = sr;
  }
  const vifs = Object.fromEntries((await call<string[]>(from, 'VM.get_VIFs', vm)).map((v) => [v, network]));
  const uuid = await call<string>(from, 'VM.get_uuid', vm);

  const token = await call<Record<string, string>>(to, 'host.migrate_receive', host, network, {});
  await call(from, 'VM.migrate_send', vm, token, true, vdis, vifs, {});

  // The VM left the source and is in the destination, in the page's views as on the pools.
  await expect.poll(() => [...pageView(from).values()].some((r) => (r as { uuid?: string }).uuid === uuid), { timeout: 20_000 }).toBe(false);
  await expect.poll(() => [...pageView(to).entries()].some(([k, r]) => k.startsWith('VM/') && (r as { uuid?: string }).uuid === uuid), { timeout: 20_000 }).toBe(true);
  await expectPageEqualsPool(from);
  await expectPageEqualsPool(to);
}

it("leaves each pool's page view equal to a fresh get_all_records after a VM moves from Lab to Production with its disks", async () => {
  await moveAcross('Lab', 'k8s-lab-3', 'Production', 'xcp-prod-02');
});

it('does so too when a running VM live-migrates from Lab to the standalone server xcp-lab-03', async () => {
  await moveAcross('Lab', 'sandbox-01', 'xcp-lab-03', 'xcp-lab-03');
  const [arrived] = await call<string[]>('xcp-lab-03', 'VM.get_by_name_label', 'sandbox-01');
  expect(await call('xcp-lab-03', 'VM.get_power_state', arrived)).toBe('Running');
});
