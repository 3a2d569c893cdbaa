/**
 * Disks moving inside a pool, over JSON-RPC and XML-RPC: VDI.pool_migrate (live), VDI.copy with 3, 4 and 5
 * arguments, VM.set_suspend_VDI, intra-pool VM.migrate_send with storage motion (snapshots' disks follow),
 * and the CD drive calls a client needs before migrating (VBD.eject / VBD.insert).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSimulator, Transport } from '../contract/harness';
import { failureOf } from '../contract/wire-client';
import { disksTo, finishTask, startDemoPools, resultRef, type DemoPools, type PoolClient } from '../contract/migration-fixtures';
import { NULL_REF } from '../db/object-db';

type Rec = Record<string, unknown>;
const GiB = 1024 ** 3;

describe.each<Transport>(['json-rpc', 'xml-rpc'])('storage migration over %s', (transport) => {
  let rig: DemoPools;
  let sim: TestSimulator;
  let prod: PoolClient;
  beforeAll(async () => void ({ sim, prod } = rig = await startDemoPools(transport)));
  afterAll(() => rig?.close());

  async function localSrOf(hostName: string): Promise<string> {
    const host = await prod.byName('host', hostName);
    for (const sr of await prod.call<string[]>('SR.get_by_name_label', 'Local storage')) {
      for (const pbd of await prod.call<string[]>('SR.get_PBDs', sr)) if ((await prod.call('PBD.get_host', pbd)) === host) return sr;
    }
    throw new Error(`no local SR on ${hostName}`);
  }
  const used = async (sr: string) => Number(await prod.call('SR.get_physical_utilisation', sr));
  const newDisk = (sr: string, size: number, extra: Rec = {}) =>
    prod.call<string>('VDI.create', { name_label: 'scratch', SR: sr, virtual_size: size, type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [], ...extra });

  it('VDI.pool_migrate moves a running VM’s disk to another SR: the VBD points at the new VDI, the old one is gone, the VM stays', async () => {
    const vm = await prod.byName('VM', 'web-01');
    const host = await prod.call<string>('VM.get_resident_on', vm);
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const [disk] = Object.keys(await disksTo(prod, vm, nfs));
    const size = Number(await prod.call('VDI.get_physical_utilisation', disk));
    const local = await localSrOf(String(await prod.call('host.get_name_label', host)));
    const [nfsBefore, localBefore] = [await used(nfs), await used(local)];
    const task = await prod.call<string>('Async.VDI.pool_migrate', disk, local, {});
    await sim.clock.advance(2000);
    expect(Object.values(await prod.call<Rec>('VM.get_current_operations', vm))).toEqual(['migrate_send']);
    const done = await finishTask(sim, prod, task);
    expect(done.status).toBe('success');
    const moved = resultRef(done);
    expect(moved).not.toBe(disk);
    expect(await prod.call('VDI.get_SR', moved)).toBe(local);
    expect(Object.keys(await disksTo(prod, vm, local))).toEqual([moved]);
    expect((await failureOf(prod.call('VDI.get_record', disk))).code).toBe('HANDLE_INVALID');
    expect(await prod.call<Rec>('VM.get_record', vm)).toMatchObject({ power_state: 'Running', resident_on: host, current_operations: {} });
    expect(await used(nfs)).toBe(nfsBefore - size);
    expect(await used(local)).toBe(localBefore + size);
    const unattached = await newDisk(nfs, GiB);
    expect(await failureOf(prod.call('VDI.pool_migrate', unattached, local, {}))).toEqual({ code: 'VDI_NEEDS_VM_FOR_MIGRATE', params: [unattached] });
  });

  it('VDI.copy copies onto an SR with 3 arguments, from a base with 4, into an existing disk with 5', async () => {
    const vm = await prod.byName('VM', 'build-agent-02');
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const [disk] = Object.keys(await disksTo(prod, vm, nfs));
    const src = await prod.call<Rec>('VDI.get_record', disk);
    const local = await localSrOf('xcp-prod-02');
    const task = await prod.call<string>('Async.VDI.copy', disk, local);
    await sim.clock.advance(1000);
    expect(Object.values(await prod.call<Rec>('VDI.get_current_operations', disk))).toEqual(['copy']);
    const copy = resultRef(await finishTask(sim, prod, task));
    expect(await prod.call<Rec>('VDI.get_record', copy)).toMatchObject({
      SR: local, name_label: src.name_label, virtual_size: src.virtual_size, physical_utilisation: src.physical_utilisation, read_only: false, VBDs: [],
    });
    expect(await prod.call('VDI.get_current_operations', disk)).toEqual({});
    expect(await prod.call('VDI.get_SR', disk)).toBe(nfs);

    const withBase = resultRef(await finishTask(sim, prod, await prod.call<string>('Async.VDI.copy', disk, nfs, copy)));
    expect(await prod.call('VDI.get_SR', withBase)).toBe(nfs);

    const target = await newDisk(local, Number(src.virtual_size));
    const into = resultRef(await finishTask(sim, prod, await prod.call<string>('Async.VDI.copy', disk, NULL_REF, NULL_REF, target)));
    expect(into).toBe(target);
    const small = await newDisk(local, GiB);
    expect(await failureOf(prod.call('VDI.copy', disk, NULL_REF, NULL_REF, small))).toEqual({ code: 'VDI_TOO_SMALL', params: [small, String(src.virtual_size)] });
    const iso = (await prod.call<string[]>('VDI.get_by_name_label', 'debian-12.5.0-amd64-netinst.iso'))[0];
    expect(await failureOf(prod.call('VDI.copy', disk, NULL_REF, NULL_REF, iso))).toEqual({ code: 'VDI_READONLY', params: [iso] });
  });

  it('a cancelled VDI.copy leaves no disk behind', async () => {
    const vm = await prod.byName('VM', 'win11-helpdesk');
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const [disk] = Object.keys(await disksTo(prod, vm, nfs));
    const local = await localSrOf('xcp-prod-03');
    const [vdis, localUsed] = [(await prod.call<string[]>('VDI.get_all')).length, await used(local)];
    const task = await prod.call<string>('Async.VDI.copy', disk, local);
    await sim.clock.advance(2000);
    expect((await prod.call<string[]>('VDI.get_all')).length).toBe(vdis + 1);
    await prod.call('task.cancel', task);
    expect((await finishTask(sim, prod, task)).status).toBe('cancelled');
    expect((await prod.call<string[]>('VDI.get_all')).length).toBe(vdis);
    expect(await used(local)).toBe(localUsed);
    expect(await prod.call('VDI.get_current_operations', disk)).toEqual({});
  });

  it('VM.set_suspend_VDI takes an identical copy of the memory image, refuses another disk, and wants a suspended VM', async () => {
    const vm = await prod.byName('VM', 'win2019-sql');
    const image = await prod.call<string>('VM.get_suspend_VDI', vm);
    const local = await localSrOf('xcp-prod-01');
    const copy = resultRef(await finishTask(sim, prod, await prod.call<string>('Async.VDI.copy', image, local)));
    const other = await newDisk(local, GiB);
    const refused = await failureOf(prod.call('VM.set_suspend_VDI', vm, other));
    expect(refused.code).toBe('SUSPEND_VDI_REPLACEMENT_IS_NOT_IDENTICAL');
    expect(refused.params[0]).toMatch(new RegExp(`^${await prod.call<string>('VDI.get_uuid', image)} : [0-9a-f]{32}$`));
    await prod.call('VM.set_suspend_VDI', vm, copy);
    expect(await prod.call('VM.get_suspend_VDI', vm)).toBe(copy);
    const running = await prod.byName('VM', 'web-02');
    expect(await failureOf(prod.call('VM.set_suspend_VDI', running, copy))).toEqual({ code: 'VM_BAD_POWER_STATE', params: [running, 'suspended', 'running'] });
  });

  it('intra-pool migrate_send moves a running VM to another host with its disks on that host’s local SR; snapshot disks follow', async () => {
    const vm = await prod.byName('VM', 'db-primary');
    const target = await prod.byName('host', 'xcp-prod-03');
    const local = await localSrOf('xcp-prod-03');
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const disks = await disksTo(prod, vm, local);
    const snapshots = await prod.call<string[]>('VM.get_snapshots', vm);
    expect(snapshots.length).toBe(2);
    const token = await prod.call<Record<string, string>>('host.migrate_receive', target, await prod.byName('network', 'Pool-wide network associated with eth0'), {});
    const task = await prod.call<string>('Async.VM.migrate_send', vm, token, true, disks, {}, {});
    await sim.clock.advance(5000);
    expect(await prod.call('host.get_current_operations', target)).toEqual({ [task]: 'vm_migrate' });
    expect(await prod.call<string[]>('host.get_allowed_operations', target)).not.toContain('evacuate');
    const done = await finishTask(sim, prod, task, 20_000);
    expect(done.status).toBe('success');
    expect(resultRef(done)).toBe(vm);
    expect(await prod.call<Rec>('VM.get_record', vm)).toMatchObject({ power_state: 'Running', resident_on: target, current_operations: {}, scheduled_to_be_resident_on: NULL_REF });
    expect(Object.keys(await disksTo(prod, vm, local))).toHaveLength(2);
    for (const vdi of Object.keys(await disksTo(prod, vm, local))) expect(await prod.call('VDI.get_SR', vdi)).toBe(local);
    const vmDisks = Object.keys(await disksTo(prod, vm, local));
    for (const snap of snapshots) {
      for (const vdi of Object.keys(await disksTo(prod, snap, nfs))) {
        expect(await prod.call('VDI.get_SR', vdi)).toBe(local);
        expect(vmDisks).toContain(await prod.call('VDI.get_snapshot_of', vdi));
      }
    }
    expect(await prod.call('host.get_current_operations', target)).toEqual({});
    expect(await prod.call<string[]>('host.get_allowed_operations', target)).toContain('evacuate');
    const messages = Object.values(await prod.call<Record<string, Rec>>('message.get_all_records'));
    expect(messages.some((m) => m.name === 'VM_MIGRATED' && String(m.body).includes("to host 'xcp-prod-03'") && String(m.body).includes("VM 'db-primary'"))).toBe(true);
  });

  it('VBD.eject and VBD.insert load and empty a CD drive, with xapi’s refusals', async () => {
    const vm = await prod.byName('VM', 'backup-proxy');
    let cd = '';
    for (const vbd of await prod.call<string[]>('VM.get_VBDs', vm)) if ((await prod.call('VBD.get_type', vbd)) === 'CD') cd = vbd;
    const iso = await prod.call<string>('VBD.get_VDI', cd);
    await prod.call('VBD.eject', cd);
    expect(await prod.call<Rec>('VBD.get_record', cd)).toMatchObject({ empty: true, VDI: NULL_REF });
    expect(await failureOf(prod.call('VBD.eject', cd))).toEqual({ code: 'VBD_IS_EMPTY', params: [cd] });
    await prod.call('VBD.insert', cd, iso);
    expect(await prod.call<Rec>('VBD.get_record', cd)).toMatchObject({ empty: false, VDI: iso });
    expect(await failureOf(prod.call('VBD.insert', cd, iso))).toEqual({ code: 'VBD_NOT_EMPTY', params: [cd] });
    const disk = (await prod.call<string[]>('VM.get_VBDs', vm)).find((v) => v !== cd)!;
    expect(await failureOf(prod.call('VBD.eject', disk))).toEqual({ code: 'VBD_NOT_REMOVABLE_MEDIA', params: [disk] });
    const suspended = await prod.byName('VM', 'win2019-sql');
    const [suspendedCd] = await prod.call<string[]>('VM.get_VBDs', suspended);
    expect((await failureOf(prod.call('VBD.eject', suspendedCd))).params).toEqual([suspended, 'halted, running', 'suspended']);
  });
});
