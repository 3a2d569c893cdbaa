/**
 * HA over the wire, in the order XenCenter's Configure HA wizard uses it: heartbeat SR checks, agility,
 * the failure capacity as priorities change, enable_ha as a task, the plan fields, what HA refuses while
 * it is on (with xapi's error codes and parameters), and disable_ha.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc, RpcFailure } from '../contract/json-rpc-client';
import { HA_MONITOR_INTERVAL_MS } from './ha-failover';
import { REDO_LOG_BYTES, STATEFILE_BYTES } from './ha-statefile';

let sim: TestSimulator;
let url: string;
let s: string;
let pool: string;
type Rec = Record<string, unknown>;
const GiB = 1024 ** 3;
const PROTECTED = ['db-primary', 'web-01', 'web-02', 'lb-01', 'mail'];

beforeAll(async () => {
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
  pool = (await call<string[]>('pool.get_all'))[0];
});
afterAll(() => sim.cleanup());

const call = <T = unknown>(method: string, ...args: unknown[]) => rpc(url, method, s, ...args) as Promise<T>;
const byName = async (cls: string, name: string) => (await call<string[]>(`${cls}.get_by_name_label`, name))[0];
const vm = (name: string) => byName('VM', name);
const host = (name: string) => byName('host', name);
const poolRecord = () => call<Rec>('pool.get_record', pool);

async function failure(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RpcFailure);
  return [(err as RpcFailure).code, ...(err as RpcFailure).params];
}

async function configuration(names: string[], priority = 'restart'): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(names.map(async (n) => [await vm(n), priority])));
}

async function newDisk(srName: string, vmName: string): Promise<string> {
  const srs = await call<string[]>('SR.get_by_name_label', srName);
  const vdi = await call<string>('VDI.create', { name_label: `${vmName} scratch`, SR: srs[0], virtual_size: GiB, type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [] });
  return call<string>('VBD.create', { VM: await vm(vmName), VDI: vdi, userdevice: 'autodetect', bootable: false, mode: 'RW', type: 'Disk', empty: false, unpluggable: true, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
}

/** A network only xcp-prod-01 reaches: a PIF on one host. */
async function oneHostNetwork(): Promise<string> {
  const net = await call<string>('network.create', { name_label: 'lab bridge', name_description: '', MTU: 1500, other_config: {}, bridge: 'xapi9', managed: true, tags: [] });
  sim.db.create('PIF', { device: 'eth9', network: net, host: await host('xcp-prod-01'), physical: true, currently_attached: true, VLAN: -1, MTU: 1500, MAC: '02:00:00:00:09:01', ip_configuration_mode: 'None', other_config: {} });
  return net;
}

describe('before HA is enabled', () => {
  it('finds the heartbeat SR: the shared NFS SR can hold the statefile, the ISO library and local SRs cannot', async () => {
    await call('SR.assert_can_host_ha_statefile', await byName('SR', 'NFS VM storage'));
    const iso = await byName('SR', 'ISO library');
    expect(await failure(call('SR.assert_can_host_ha_statefile', iso))).toEqual(['SR_OPERATION_NOT_SUPPORTED', iso]);
    const local = await byName('SR', 'Local storage');
    expect(await failure(call('SR.assert_can_host_ha_statefile', local))).toEqual(['SR_HAS_NO_PBDS', local]);
  });

  it('refuses an SR unplugged on one host, and an SR without room for the statefile and the redo log', async () => {
    const lab = sim.pools[1];
    const db = lab.db;
    const iscsi = [...db.all('SR')].find(([, r]) => r.name_label === 'Lab iSCSI')![0];
    const labUrl = lab.pool.master.httpUrl;
    const labSession = await rpc(labUrl, 'session.login_with_password', 'root', sim.password, '2.21', 'ha-test');
    const labCall = (m: string, ...a: unknown[]) => rpc(labUrl, m, labSession, ...a);
    await labCall('SR.assert_can_host_ha_statefile', iscsi);
    const pbd = (db.get('SR', iscsi).PBDs as string[])[1];
    db.update('PBD', pbd, { currently_attached: false });
    expect(await failure(labCall('SR.assert_can_host_ha_statefile', iscsi))).toEqual(['SR_HAS_NO_PBDS', iscsi]);
    db.update('PBD', pbd, { currently_attached: true });
    const sr = db.get('SR', iscsi);
    db.update('SR', iscsi, { physical_utilisation: Number(sr.physical_size) - REDO_LOG_BYTES / 2 });
    expect(await failure(labCall('SR.assert_can_host_ha_statefile', iscsi))).toEqual(['SR_SOURCE_SPACE_INSUFFICIENT', iscsi]);
    db.update('SR', iscsi, { physical_utilisation: sr.physical_utilisation });
  });

  it('says which VMs are agile, and why not: a disk on local storage, a VIF on a network one host lacks', async () => {
    await call('VM.assert_agile', await vm('db-primary'));
    await newDisk('Local storage', 'backup-proxy');
    const localSr = await call<string>('VDI.get_SR', await call<string>('VBD.get_VDI', (await call<string[]>('VM.get_VBDs', await vm('backup-proxy'))).at(-1)));
    expect(await failure(call('VM.assert_agile', await vm('backup-proxy')))).toEqual(['HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED', localSr]);
    const net = await oneHostNetwork();
    const agent = await vm('build-agent-02');
    const vif = await call<string>('VIF.create', { device: '1', network: net, VM: agent, MAC: '', MTU: 1500, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
    expect(await failure(call('VM.assert_agile', agent))).toEqual(['HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED', net]);
    await call('VIF.destroy', vif);
    await call('VM.assert_agile', agent);
  });

  it('computes the failure capacity for planned priorities: one failure with the five web and database VMs, two without db-primary', async () => {
    expect(await call<number>('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', await configuration(PROTECTED))).toBe(1);
    const withoutDb = await configuration(PROTECTED.filter((n) => n !== 'db-primary'));
    expect(await call<number>('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', withoutDb)).toBe(2);
    // Best-effort VMs are not planned for.
    const withBestEffort = { ...(await configuration(PROTECTED)), ...(await configuration(['db-replica', 'win2022-files'], 'best-effort')) };
    expect(await call<number>('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', withBestEffort)).toBe(1);
    expect(await failure(call('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', { [await vm('mail')]: 'always' }))).toEqual(['INVALID_VALUE', 'ha_restart_priority', 'always']);
    // The running VMs that carry "restart" are protected already: the current figure agrees.
    expect(await call<number>('pool.ha_compute_max_host_failures_to_tolerate')).toBe(1);
    expect(await call<boolean>('pool.ha_failover_plan_exists', 1)).toBe(true);
    expect(await call<boolean>('pool.ha_failover_plan_exists', 2)).toBe(false);
  });

  it('plans where failed VMs would restart, and says why it cannot place a non-agile one', async () => {
    const failed = [await vm('db-primary'), await vm('web-01'), await vm('backup-proxy')];
    const plan = await call<Record<string, Record<string, string>>>('pool.ha_compute_vm_failover_plan', [await host('xcp-prod-01')], failed);
    const survivors = [await host('xcp-prod-02'), await host('xcp-prod-03')];
    expect(survivors).toContain(plan[failed[0]].host);
    expect(survivors).toContain(plan[failed[1]].host);
    expect(plan[failed[2]]).toEqual({ host: expect.any(String) });
    // With every host failed nothing can be placed: agile VMs lack memory, the non-agile one lacks shared storage.
    const all = await call<string[]>('host.get_all');
    const none = await call<Record<string, Record<string, string>>>('pool.ha_compute_vm_failover_plan', all, failed);
    expect(none[failed[0]]).toEqual({ error_code: 'HOST_NOT_ENOUGH_FREE_MEMORY' });
    expect(none[failed[2]]).toEqual({ error_code: 'HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED' });
  });

  it('sets priorities, start order and delay as XenCenter does; a running VM set to restart is protected at once', async () => {
    const replica = await vm('db-replica');
    await call('VM.set_ha_restart_priority', replica, 'restart');
    expect(await call<Rec>('VM.get_record', replica)).toMatchObject({ ha_restart_priority: 'restart', ha_always_run: true });
    await call('VM.set_ha_restart_priority', replica, 'best-effort');
    expect(await call<Rec>('VM.get_record', replica)).toMatchObject({ ha_restart_priority: 'best-effort', ha_always_run: false });
    expect(await failure(call('VM.set_ha_restart_priority', replica, '0'))).toEqual(['INVALID_VALUE', 'ha_restart_priority', '0']);
    await call('VM.set_order', replica, 2);
    await call('VM.set_start_delay', replica, 15);
    expect(await call<Rec>('VM.get_record', replica)).toMatchObject({ order: 2, start_delay: 15 });
    expect(await failure(call('VM.set_order', replica, -1))).toEqual(['INVALID_VALUE', 'order must be non-negative', '-1']);
    expect(await failure(call('VM.set_start_delay', replica, -5))).toEqual(['INVALID_VALUE', 'start_delay must be non-negative', '-5']);
    // A halted VM set to restart is not protected until it runs.
    const proxy = await vm('build-agent-02');
    await call('VM.set_ha_restart_priority', proxy, 'restart');
    expect(await call<boolean>('VM.get_ha_always_run', proxy)).toBe(false);
    await call('VM.set_ha_restart_priority', proxy, '');
  });

  it('keeps VM.memory_overhead what xapi records when a VM\'s memory changes, so the planner counts it right', async () => {
    const helpdesk = await vm('win11-helpdesk');
    // Windows 11, HVM, 2 vCPUs: 8 GiB → 1 + 1 + shadow 66 + 1 MiB; 16 GiB → 1 + 1 + shadow 130 + 1 MiB.
    expect(await call<number>('VM.get_memory_overhead', helpdesk)).toBe(69 * 1024 ** 2);
    await call('VM.set_memory_limits', helpdesk, GiB, 16 * GiB, 16 * GiB, 16 * GiB);
    expect(await call<number>('VM.get_memory_overhead', helpdesk)).toBe(133 * 1024 ** 2);
    await call('VM.set_memory_limits', helpdesk, GiB, 8 * GiB, 8 * GiB, 8 * GiB);
  });

  it('answers HA_NOT_ENABLED to disable_ha and INVALID_VALUE to a negative failure tolerance', async () => {
    expect(await failure(call('pool.disable_ha'))).toEqual(['HA_NOT_ENABLED']);
    expect(await failure(call('pool.set_ha_host_failures_to_tolerate', pool, -1))).toEqual(['INVALID_VALUE', 'ha_host_failures_to_tolerate', '-1']);
    await call('pool.set_ha_host_failures_to_tolerate', pool, 1);
    expect(await poolRecord()).toMatchObject({ ha_host_failures_to_tolerate: 1, ha_plan_exists_for: 1, ha_overcommitted: false });
  });
});

describe('enabling HA', () => {
  let nfs: string;
  let task: string;

  it('runs enable_ha as a task whose progress grows, and refuses a second enable meanwhile', async () => {
    nfs = await byName('SR', 'NFS VM storage');
    task = await call<string>('Async.pool.enable_ha', [nfs], {});
    await sim.clock.advance(2_000);
    const early = await call<Rec>('task.get_record', task);
    expect(early.status).toBe('pending');
    expect(Number(early.progress)).toBeGreaterThan(0);
    expect(await failure(call('pool.enable_ha', [nfs], {}))).toEqual(['HA_ENABLE_IN_PROGRESS']);
    expect((await poolRecord()).allowed_operations).toEqual([]);
    await sim.clock.advance(3_000);
    expect(Number((await call<Rec>('task.get_record', task)).progress)).toBeGreaterThan(Number(early.progress));
    await sim.clock.advance(10_000);
    expect(await call<Rec>('task.get_record', task)).toMatchObject({ status: 'success', progress: 1 });
  });

  it('creates the statefile and the redo log on the heartbeat SR and records them', async () => {
    const p = await poolRecord();
    expect(p).toMatchObject({ ha_enabled: true, ha_host_failures_to_tolerate: 1, ha_plan_exists_for: 1, ha_overcommitted: false, ha_configuration: {} });
    expect(p.allowed_operations).toContain('ha_disable');
    expect(p.allowed_operations).not.toContain('ha_enable');
    const [statefile] = p.ha_statefiles as string[];
    expect(await call<Rec>('VDI.get_record', statefile)).toMatchObject({ SR: nfs, type: 'ha_statefile', name_label: 'Statefile for HA', virtual_size: STATEFILE_BYTES, sharable: true });
    const vdis = await call<Record<string, Rec>>('VDI.get_all_records');
    const redo = Object.values(vdis).filter((v) => v.type === 'redo_log');
    expect(redo).toEqual([expect.objectContaining({ SR: nfs, name_label: 'Metadata for HA', virtual_size: REDO_LOG_BYTES })]);
    for (const h of await call<string[]>('host.get_all')) expect(await call<string[]>('host.get_ha_statefiles', h)).toEqual([statefile]);
    expect(await failure(call('pool.enable_ha', [nfs], {}))).toEqual(['HA_IS_ENABLED']);
  });

  it('reports every host as a network peer of every other once the monitor has run', async () => {
    const uuids = (await Promise.all((await call<string[]>('host.get_all')).map((h) => call<string>('host.get_uuid', h)))).sort();
    await sim.clock.advance(HA_MONITOR_INTERVAL_MS);
    for (const h of await call<string[]>('host.get_all')) expect((await call<string[]>('host.get_ha_network_peers', h)).sort()).toEqual(uuids);
  });
});

describe('while HA is on', () => {
  it('refuses starts and migrations that would break the plan, and allows those that keep it', async () => {
    const helpdesk = await vm('win11-helpdesk');
    await call('VM.set_memory_limits', helpdesk, GiB, 32 * GiB, 32 * GiB, 32 * GiB);
    expect(await failure(call('VM.start_on', helpdesk, await host('xcp-prod-03'), false, false))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    expect(await call<string>('VM.get_power_state', helpdesk)).toBe('Halted');
    expect(await failure(call('VM.pool_migrate', await vm('db-replica'), await host('xcp-prod-03'), {}))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    // The same move as a migrate_send inside the pool (disks staying on their SRs) is refused the same way.
    const replica = await vm('db-replica');
    const network = await call<string>('PIF.get_network', await call<string>('host.get_management_interface', await host('xcp-prod-03')));
    const token = await call<Record<string, string>>('host.migrate_receive', await host('xcp-prod-03'), network, {});
    const vdiMap: Record<string, string> = {};
    for (const vbd of await call<string[]>('VM.get_VBDs', replica)) {
      if ((await call<string>('VBD.get_type', vbd)) !== 'Disk') continue;
      const vdi = await call<string>('VBD.get_VDI', vbd);
      vdiMap[vdi] = await call<string>('VDI.get_SR', vdi);
    }
    expect(await failure(call('VM.migrate_send', replica, token, true, vdiMap, {}, {}))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    const task = await call<string>('Async.VM.start_on', helpdesk, await host('xcp-prod-01'), false, false);
    await sim.clock.advance(10_000);
    expect((await call<Rec>('task.get_record', task)).status).toBe('success');
  });

  it('refuses to protect a running VM when the plan could not restart it', async () => {
    expect(await failure(call('VM.set_ha_restart_priority', await vm('win11-helpdesk'), 'restart'))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    expect(await call<string>('VM.get_ha_restart_priority', await vm('win11-helpdesk'))).toBe('');
  });

  it('refuses to disable a host the plan needs (maintenance mode) and to raise the failure tolerance beyond the plan', async () => {
    const prod01 = await host('xcp-prod-01');
    expect(await failure(call('host.disable', prod01))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    expect(await call<boolean>('host.get_enabled', prod01)).toBe(true);
    expect(await failure(call('host.evacuate', prod01))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    expect(await failure(call('pool.set_ha_host_failures_to_tolerate', pool, 2))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    expect((await poolRecord()).ha_host_failures_to_tolerate).toBe(1);
  });

  it('keeps protected VMs agile: no disk on local storage, no VIF on a network some host lacks', async () => {
    const local = await call<string[]>('SR.get_by_name_label', 'Local storage');
    const failed = await failure(newDisk('Local storage', 'mail'));
    expect(failed[0]).toBe('HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED');
    expect(local).toContain(failed[1]);
    const net = (await call<string[]>('network.get_by_name_label', 'lab bridge'))[0];
    expect(await failure(call('VIF.create', { device: '2', network: net, VM: await vm('mail'), MAC: '', MTU: 1500, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} })))
      .toEqual(['HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED', net]);
    // An unprotected VM may.
    await newDisk('Local storage', 'monitoring');
  });

  it('keeps the heartbeat VDIs and the master while HA runs (HA_IS_ENABLED)', async () => {
    const [statefile] = (await poolRecord()).ha_statefiles as string[];
    expect(await failure(call('VDI.destroy', statefile))).toEqual(['HA_IS_ENABLED']);
    expect(await call<string[]>('VDI.get_allowed_operations', statefile)).not.toContain('destroy');
    expect(await failure(call('pool.designate_new_master', await host('xcp-prod-02')))).toEqual(['HA_IS_ENABLED']);
  });

  it('unprotects a VM shut down on purpose and keeps the plan fields true as VMs stop', async () => {
    const db = await vm('db-primary');
    await call('pool.sync_database');
    const task = await call<string>('Async.VM.clean_shutdown', db);
    await sim.clock.advance(5_000);
    expect((await call<Rec>('task.get_record', task)).status).toBe('success');
    expect(await call<Rec>('VM.get_record', db)).toMatchObject({ power_state: 'Halted', ha_always_run: false, ha_restart_priority: 'restart' });
    // Without db-primary the pool could take two failures; the configured tolerance stays the plan.
    expect(await call<number>('pool.ha_compute_max_host_failures_to_tolerate')).toBe(2);
    await call('pool.set_ha_host_failures_to_tolerate', pool, 2);
    expect(await poolRecord()).toMatchObject({ ha_host_failures_to_tolerate: 2, ha_plan_exists_for: 2, ha_overcommitted: false });
    // Starting it again would leave no plan for two failures.
    expect(await failure(call('VM.start', db, false, false))).toEqual(['HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN']);
    await call('pool.set_ha_host_failures_to_tolerate', pool, 1);
    const start = await call<string>('Async.VM.start', db, false, false);
    await sim.clock.advance(5_000);
    expect((await call<Rec>('task.get_record', start)).status).toBe('success');
    expect(await call<Rec>('VM.get_record', db)).toMatchObject({ power_state: 'Running', ha_always_run: true });
    expect(await poolRecord()).toMatchObject({ ha_plan_exists_for: 1, ha_overcommitted: false });
  });
});

describe('disabling HA', () => {
  it('runs disable_ha as a task; the heartbeat stops, the statefile stays for the next enable', async () => {
    const before = await poolRecord();
    const task = await call<string>('Async.pool.disable_ha');
    await sim.clock.advance(10_000);
    expect(await call<Rec>('task.get_record', task)).toMatchObject({ status: 'success' });
    const p = await poolRecord();
    expect(p).toMatchObject({ ha_enabled: false, ha_plan_exists_for: 0 });
    expect(p.ha_statefiles).toEqual(before.ha_statefiles);
    expect(p.allowed_operations).toContain('ha_enable');
    for (const h of await call<string[]>('host.get_all')) {
      expect(await call<string[]>('host.get_ha_statefiles', h)).toEqual([]);
      expect(await call<string[]>('host.get_ha_network_peers', h)).toEqual([]);
    }
    const [statefile] = p.ha_statefiles as string[];
    expect(await call<string[]>('VDI.get_allowed_operations', statefile)).toContain('destroy');
    expect(await failure(call('pool.disable_ha'))).toEqual(['HA_NOT_ENABLED']);
    // Without HA nothing is refused for the plan's sake.
    await call('host.disable', await host('xcp-prod-01'));
    await call('host.enable', await host('xcp-prod-01'));
  });

  it('reuses the statefile when HA is enabled again', async () => {
    const [statefile] = (await poolRecord()).ha_statefiles as string[];
    const task = await call<string>('Async.pool.enable_ha', [], {});
    await sim.clock.advance(15_000);
    expect(await call<Rec>('task.get_record', task)).toMatchObject({ status: 'success' });
    expect((await poolRecord()).ha_statefiles).toEqual([statefile]);
    const types = Object.values(await call<Record<string, Rec>>('VDI.get_all_records')).map((v) => v.type);
    expect(types.filter((t) => t === 'ha_statefile')).toHaveLength(1);
    expect(types.filter((t) => t === 'redo_log')).toHaveLength(1);
  });
});
