/**
 * Contract: Xen Orchestra migrates a VM between the demo's two pools with its own client (xen-api) and the
 * calls xo-server's Xapi#migrateVm makes for a cross-pool move (_migrateVmWithStorageMotion): the
 * destination's management network, host.migrate_receive on the destination, every disk (snapshot disks
 * left to the server) to the destination pool's default SR, every VIF (snapshot-only ones included) to the
 * management network, then Async VM.assert_can_migrate and Async VM.migrate_send with 6 arguments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Xapi, XapiObject } from 'xen-api';
import { client, eventually, objectsOfType, startTestSimulator, type TestSimulator, type Transport } from './harness';

/** xen-api's record objects resolve references through `$field` getters, as xo-server uses them. */
type Linked = XapiObject & Record<string, unknown>;
const linked = (o: unknown) => o as Linked;

/** What xo-server's _migrateVmWithStorageMotion builds and sends for a VM going to `host` of another pool. */
async function xoMigrateAcrossPools(xapi: Xapi, vm: Linked, hostXapi: Xapi, host: Linked, force = false): Promise<void> {
  const pifs = host.$PIFs as Linked[];
  const migrationNetwork = linked(pifs.find((pif) => pif.management)!.$network);
  const defaultSrRef = linked(linked(host.$pool).$default_SR).$ref;
  const vdis: Record<string, string> = {};
  const vbds = [...(vm.$snapshots as Linked[]).flatMap((s) => s.$VBDs as Linked[]), ...(vm.$VBDs as Linked[])];
  for (const vbd of vbds) {
    if (vbd.type !== 'Disk') continue;
    const vdi = linked(vbd.$VDI);
    if (vdi.is_a_snapshot && vdi.$snapshot_of !== undefined) continue;
    vdis[vdi.$ref] = defaultSrRef;
  }
  const vmVifs = vm.$VIFs as Linked[];
  const devices = new Set(vmVifs.map((v) => v.device));
  const vifs = [...(vm.$snapshots as Linked[]).flatMap((s) => s.$VIFs as Linked[]).filter((v) => !devices.has(v.device)), ...vmVifs];
  const vifsMap = Object.fromEntries(vifs.map((v) => [v.$ref, migrationNetwork.$ref]));
  const params = [vm.$ref, await hostXapi.call('host.migrate_receive', host.$ref, migrationNetwork.$ref, {}), true, vdis, vifsMap, { force: force ? 'true' : 'false' }];
  await xapi.callAsync('VM.assert_can_migrate', ...params);
  await xapi.callAsync('VM.migrate_send', ...params);
}

describe.each<Transport>(['json-rpc', 'xml-rpc'])('Xen Orchestra cross-pool migration over %s', (transport) => {
  let sim: TestSimulator;
  let prod: Xapi;
  let lab: Xapi;
  const quiet = console.warn;

  beforeAll(async () => {
    console.warn = () => undefined;
    sim = await startTestSimulator();
    prod = client(sim.url, transport);
    lab = client(sim.hosts.find((h) => h.name === 'xcp-lab-01')!.url, transport);
    await Promise.all([prod.connect(), lab.connect()]);
    await Promise.all([prod.objectsFetched, lab.objectsFetched]);
  });
  afterAll(async () => {
    await prod?.disconnect();
    await lab?.disconnect();
    await sim?.cleanup();
    console.warn = quiet;
  });

  const vmNamed = (xapi: Xapi, name: string) => linked(objectsOfType(xapi, 'VM').find((v) => v.name_label === name && !v.is_a_snapshot));
  const hostNamed = (xapi: Xapi, name: string) => linked(objectsOfType(xapi, 'host').find((h) => h.name_label === name));

  it('moves a halted VM from Production to the Lab: each pool’s cache sees it leave or arrive with the same uuid', async () => {
    const vm = vmNamed(prod, 'build-agent-02');
    const uuid = vm.uuid;
    await xoMigrateAcrossPools(prod, vm, lab, hostNamed(lab, 'xcp-lab-02'));
    const arrived = await eventually('the VM in the Lab cache', () => objectsOfType(lab, 'VM').find((v) => v.uuid === uuid));
    await eventually('the VM gone from the Production cache', () => !objectsOfType(prod, 'VM').some((v) => v.uuid === uuid));
    expect(arrived).toMatchObject({ name_label: 'build-agent-02', power_state: 'Halted' });
    const defaultSr = linked(lab.pool).default_SR;
    const disks = (linked(arrived).$VBDs as Linked[]).filter((b) => b.type === 'Disk').map((b) => linked(b.$VDI));
    expect(disks.length).toBe(1);
    expect(disks[0].SR).toBe(defaultSr);
    const vif = linked((linked(arrived).$VIFs as Linked[])[0]);
    expect(linked(vif.$network).name_label).toBe('Pool-wide network associated with eth0');
  });

  it('moves a halted VM with snapshots from the Lab to Production; the server places the snapshot disks', async () => {
    const vm = vmNamed(lab, 'sandbox-01');
    await lab.callAsync('VM.hard_shutdown', vm.$ref);
    await eventually('sandbox-01 halted in the cache', () => vmNamed(lab, 'sandbox-01').power_state === 'Halted');
    const snapshotUuids = (vm.$snapshots as Linked[]).map((s) => s.uuid).sort();
    await xoMigrateAcrossPools(lab, vmNamed(lab, 'sandbox-01'), prod, hostNamed(prod, 'xcp-prod-01'));
    const arrived = linked(await eventually('sandbox-01 in Production', () => objectsOfType(prod, 'VM').find((v) => v.uuid === vm.uuid)));
    await eventually('its snapshots in Production', () => (arrived.$snapshots as Linked[] | undefined)?.length === 2);
    expect((arrived.$snapshots as Linked[]).map((s) => s.uuid).sort()).toEqual(snapshotUuids);
    const nfs = linked(prod.pool).default_SR;
    for (const s of arrived.$snapshots as Linked[]) {
      for (const vbd of (s.$VBDs as Linked[]).filter((b) => b.type === 'Disk')) expect(linked(vbd.$VDI).SR).toBe(nfs);
    }
  });

  it('gets VM_INCOMPATIBLE_WITH_THIS_HOST from assert_can_migrate for a running VM going from AMD to Intel hosts', async () => {
    const vm = vmNamed(lab, 'k8s-lab-1');
    const host = hostNamed(prod, 'xcp-prod-02');
    await expect(xoMigrateAcrossPools(lab, vm, prod, host)).rejects.toMatchObject({
      code: 'VM_INCOMPATIBLE_WITH_THIS_HOST', params: ['OpaqueRef:NULL', host.$ref, 'VM last booted on a host which had a CPU from a different vendor.'],
    });
    expect(vmNamed(lab, 'k8s-lab-1').power_state).toBe('Running');
  });
});
