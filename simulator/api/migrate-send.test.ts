/**
 * Cross-pool migration between the demo's two pools over real sockets, in JSON-RPC and XML-RPC: the
 * migrate_receive token, the arities clients send, a halted VM moving with its snapshots, a copy, a live
 * move, a cancelled move; after each one, what a client of each pool learnt from events equals a fresh
 * get_all_records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSimulator, Transport } from '../contract/harness';
import { EventMirror } from '../contract/event-mirror';
import { login, rpc } from '../contract/json-rpc-client';
import { failureOf } from '../contract/wire-client';
import { disksTo, finishTask, startDemoPools, resultRef, vifsTo, type DemoPools, type PoolClient } from '../contract/migration-fixtures';

type Rec = Record<string, unknown>;

describe.each<Transport>(['json-rpc', 'xml-rpc'])('cross-pool migration over %s', (transport) => {
  let rig: DemoPools;
  let sim: TestSimulator;
  let prod: PoolClient;
  let lab: PoolClient;
  let mirrors: EventMirror[];

  beforeAll(async () => {
    ({ sim, prod, lab } = rig = await startDemoPools(transport));
    mirrors = [];
    for (const p of sim.pools) {
      const url = sim.hosts.find((h) => h.uuid === p.pool.master.uuid)!.httpUrl;
      mirrors.push(await EventMirror.start(url, await login(url)));
    }
  });
  afterAll(() => rig?.close());

  /** What each pool's event stream said equals what the pool says now. */
  async function expectEventsTellTheTruth(): Promise<void> {
    for (const m of mirrors) for (const { cls, mirrored, fresh } of await m.compare()) expect(mirrored, cls).toEqual(fresh);
  }

  async function token(host = 'xcp-prod-02'): Promise<Record<string, string>> {
    const net = await prod.byName('network', 'Pool-wide network associated with eth0');
    return prod.call('host.migrate_receive', await prod.byName('host', host), net, {});
  }

  async function shutDown(vm: string): Promise<void> {
    const t = await finishTask(sim, lab, await lab.call<string>('Async.VM.hard_shutdown', vm));
    expect(t.status).toBe('success');
  }

  it('host.migrate_receive answers the token xapi builds: SM, host, xenops, session_id and master of the destination', async () => {
    const host = await prod.byName('host', 'xcp-prod-02');
    const t = await token();
    expect(Object.keys(t).sort()).toEqual(['SM', 'host', 'master', 'session_id', 'xenops']);
    expect(t.host).toBe(host);
    const address = await prod.call<string>('host.get_address', host);
    expect(t.SM).toBe(`http://${address}/services/SM?session_id=${t.session_id}`);
    expect(t.xenops).toBe(`http://${address}/services/xenops?session_id=${t.session_id}`);
    expect(t.master).toBe(`http://${sim.pools[0].masterAddress}`);
    // The session is the destination pool's, for the source pool to use.
    const prodUrl = sim.hosts.find((h) => h.name === 'xcp-prod-01')!.httpUrl;
    expect(await rpc(prodUrl, 'pool.get_all', t.session_id)).toHaveLength(1);
    const labUrl = sim.hosts.find((h) => h.name === 'xcp-lab-01')!.httpUrl;
    expect((await failureOf(rpc(labUrl, 'pool.get_all', t.session_id))).code).toBe('SESSION_INVALID');
  });

  it('accepts assert_can_migrate and migrate_send with 6 arguments (no vgpu_map) or 7, and refuses 5', async () => {
    const vm = await lab.byName('VM', 'k8s-lab-3');
    const t = await token();
    const disks = await disksTo(lab, vm, await prod.byName('SR', 'NFS VM storage'));
    const vifs = await vifsTo(lab, vm, await prod.byName('network', 'VM traffic (bond0)'));
    await lab.call('VM.assert_can_migrate', vm, t, true, disks, vifs, {});
    await lab.call('VM.assert_can_migrate', vm, t, true, disks, vifs, {}, {});
    const tooFew = await failureOf(lab.call('VM.assert_can_migrate', vm, t, true, disks, vifs));
    expect(tooFew).toMatchObject({ code: 'MESSAGE_PARAMETER_COUNT_MISMATCH', params: ['VM.assert_can_migrate', '8', '6'] });
    expect((await failureOf(lab.call('VM.migrate_send', vm, t, true, disks, vifs))).code).toBe('MESSAGE_PARAMETER_COUNT_MISMATCH');
    const withVgpuMap = await lab.call<string>('Async.VM.migrate_send', vm, t, true, disks, vifs, {}, {});
    const done = await finishTask(sim, lab, withVgpuMap);
    expect(done.status).toBe('success');
  });

  it('moves a halted VM: same uuid in the destination, disks on the mapped SR, VIFs on the mapped network, gone from the source', async () => {
    // k8s-lab-3 went with the 7-argument call above.
    const moved = await prod.byName('VM', 'k8s-lab-3');
    const rec = await prod.call<Rec>('VM.get_record', moved);
    expect(rec.power_state).toBe('Halted');
    expect((await failureOf(lab.call('VM.get_by_uuid', rec.uuid))).code).toBe('UUID_INVALID');
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const disks = Object.keys(await disksTo(prod, moved, nfs));
    expect(disks).toHaveLength(1);
    expect(await prod.call('VDI.get_SR', disks[0])).toBe(nfs);
    const [vif] = await prod.call<string[]>('VM.get_VIFs', moved);
    expect(await prod.call('VIF.get_network', vif)).toBe(await prod.byName('network', 'VM traffic (bond0)'));
    expect(rec.allowed_operations).toEqual(expect.arrayContaining(['start', 'migrate_send']));
    expect(rec.current_operations).toEqual({});
    await expectEventsTellTheTruth();
  });

  it('takes the snapshots along: same uuids, tree intact, their disks on the SR their parent disk went to', async () => {
    const vm = await lab.byName('VM', 'sandbox-01');
    await shutDown(vm);
    const snapshotUuids = await Promise.all((await lab.call<string[]>('VM.get_snapshots', vm)).map((s) => lab.call<string>('VM.get_uuid', s)));
    expect(snapshotUuids).toHaveLength(2);
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const task = await lab.call<string>('Async.VM.migrate_send', vm, await token(), true, await disksTo(lab, vm, nfs),
      await vifsTo(lab, vm, await prod.byName('network', 'VM traffic (bond0)')), {});
    const done = await finishTask(sim, lab, task);
    expect(done.status).toBe('success');
    const moved = resultRef(done);
    expect(await prod.call('VM.get_name_label', moved)).toBe('sandbox-01');
    const snaps = await prod.call<string[]>('VM.get_snapshots', moved);
    expect((await Promise.all(snaps.map((s) => prod.call<string>('VM.get_uuid', s)))).sort()).toEqual([...snapshotUuids].sort());
    const [disk] = Object.keys(await disksTo(prod, moved, nfs));
    for (const s of snaps) {
      expect(await prod.call('VM.get_snapshot_of', s)).toBe(moved);
      const [snapDisk] = Object.keys(await disksTo(prod, s, nfs));
      expect(await prod.call('VDI.get_SR', snapDisk)).toBe(nfs);
      expect(await prod.call('VDI.get_snapshot_of', snapDisk)).toBe(disk);
    }
    // The VM's parent is its newest snapshot, whose parent is the older one.
    const parent = await prod.call<string>('VM.get_parent', moved);
    expect(snaps).toContain(parent);
    expect(snaps).toContain(await prod.call('VM.get_parent', parent));
    expect(await lab.call('VM.get_by_name_label', 'sandbox-01')).toEqual([]);
    await expectEventsTellTheTruth();
  });

  it('with {"copy": "true"} leaves the VM in its pool and creates a copy with a new uuid, without snapshots', async () => {
    const vm = await lab.byName('VM', 'test-win10');
    const uuid = await lab.call<string>('VM.get_uuid', vm);
    const iscsi = await lab.byName('SR', 'Lab iSCSI');
    const labDisks = Object.keys(await disksTo(lab, vm, iscsi));
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const task = await lab.call<string>('Async.VM.migrate_send', vm, await token(), true, await disksTo(lab, vm, nfs),
      await vifsTo(lab, vm, await prod.byName('network', 'VM traffic (bond0)')), { copy: 'true' });
    const done = await finishTask(sim, lab, task);
    expect(done.status).toBe('success');
    const copy = resultRef(done);
    expect(await prod.call('VM.get_name_label', copy)).toBe('test-win10');
    expect(await prod.call('VM.get_uuid', copy)).not.toBe(uuid);
    expect(await lab.call('VM.get_uuid', vm)).toBe(uuid);
    expect(Object.keys(await disksTo(lab, vm, iscsi))).toEqual(labDisks);
    expect(await lab.call('VDI.get_SR', labDisks[0])).toBe(iscsi);
    expect(await prod.call('VM.get_snapshots', copy)).toEqual([]);
    await expectEventsTellTheTruth();
  });

  it('moves a running VM live with force: its memory streams in rounds, it runs on the receiving host with its guest', async () => {
    const vm = await lab.byName('VM', 'k8s-lab-1');
    const before = await lab.call<Rec>('VM.get_record', vm);
    const labHost = String(before.resident_on);
    const labFree = Number(await lab.call('host.compute_free_memory', labHost));
    const metricsBefore = await lab.call<Rec>('VM_metrics.get_record', before.metrics);
    const guestBefore = await lab.call<Rec>('VM_guest_metrics.get_record', before.guest_metrics);
    const target = await prod.byName('host', 'xcp-prod-03');
    const t = await token('xcp-prod-03');
    const task = await lab.call<string>('Async.VM.migrate_send', vm, t, true, await disksTo(lab, vm, await prod.byName('SR', 'NFS VM storage')),
      await vifsTo(lab, vm, await prod.byName('network', 'VM traffic (bond0)')), { force: 'true' });
    const progress: number[] = [];
    for (let i = 0; i < 5; i++) {
      await sim.clock.advance(3000);
      progress.push(Number(await lab.call('task.get_progress', task)));
    }
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    expect(await lab.call('VM.get_current_operations', vm)).toEqual({ [task]: 'migrate_send' });
    expect(await lab.call('VM.get_allowed_operations', vm)).toEqual([]);
    const done = await finishTask(sim, lab, task);
    expect(done.status).toBe('success');
    const moved = resultRef(done);
    const rec = await prod.call<Rec>('VM.get_record', moved);
    expect(rec).toMatchObject({ uuid: before.uuid, power_state: 'Running', resident_on: target });
    expect(await prod.call('VM_metrics.get_start_time', rec.metrics)).toEqual(metricsBefore.start_time);
    expect((await prod.call<Rec>('VM_guest_metrics.get_record', rec.guest_metrics)).networks).toEqual(guestBefore.networks);
    const [console] = await prod.call<string[]>('VM.get_consoles', moved);
    expect(await prod.call('console.get_location', console)).toContain(`https://${await prod.call<string>('host.get_address', target)}`);
    expect(Number(await lab.call('host.compute_free_memory', labHost))).toBeGreaterThan(labFree);
    expect(rec.allowed_operations).toEqual(expect.arrayContaining(['clean_shutdown', 'pool_migrate', 'migrate_send']));
    await expectEventsTellTheTruth();
  });

  it('cancelled half way, leaves the VM where it was and no disk behind in the destination', async () => {
    const vm = await lab.byName('VM', 'k8s-lab-2');
    await shutDown(vm);
    const before = await lab.call<Rec>('VM.get_record', vm);
    const prodVdis = (await prod.call<string[]>('VDI.get_all')).length;
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const nfsUsed = await prod.call<number>('SR.get_physical_utilisation', nfs);
    // A second disk, so that one copy is complete in the destination when the cancel comes.
    const iscsi = await lab.byName('SR', 'Lab iSCSI');
    const extra = await lab.call<string>('VDI.create', { name_label: 'k8s-lab-2 data', SR: iscsi, virtual_size: 1024 ** 3, type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [] });
    await lab.call('VBD.create', { VM: vm, VDI: extra, userdevice: '1', bootable: false, mode: 'RW', type: 'Disk', empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
    const task = await lab.call<string>('Async.VM.migrate_send', vm, await token(), true, await disksTo(lab, vm, nfs),
      await vifsTo(lab, vm, await prod.byName('network', 'VM traffic (bond0)')), {});
    await sim.clock.advance(4000);
    expect(Number(await lab.call('task.get_progress', task))).toBeGreaterThan(0);
    expect((await prod.call<string[]>('VDI.get_all')).length).toBe(prodVdis + 1);
    await lab.call('task.cancel', task);
    const t = await finishTask(sim, lab, task);
    expect(t.status).toBe('cancelled');
    expect((t.error_info as string[])[0]).toBe('TASK_CANCELLED');
    const after = await lab.call<Rec>('VM.get_record', vm);
    expect(after).toMatchObject({ power_state: 'Halted', current_operations: {}, VBDs: [...(before.VBDs as string[]), expect.any(String)] });
    expect(after.allowed_operations).toEqual(expect.arrayContaining(['start', 'migrate_send']));
    expect((await prod.call<string[]>('VDI.get_all')).length).toBe(prodVdis);
    expect(await prod.call('SR.get_physical_utilisation', nfs)).toBe(nfsUsed);
    expect((await failureOf(prod.call('VM.get_by_uuid', before.uuid))).code).toBe('UUID_INVALID');
    await expectEventsTellTheTruth();
  });
});
