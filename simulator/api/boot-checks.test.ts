/**
 * VM.assert_can_boot_here with the datamodel's reasons, and VM.pool_migrate kept consistent with it, over
 * JSON-RPC and XML-RPC: CPU vendor (checked before anything, `force` skips it), the CD on a host's local
 * SR (XenCenter's "Please eject your CD"), the receiving host's vm_migrate operation, the network option.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSimulator, Transport } from '../contract/harness';
import { failureOf } from '../contract/wire-client';
import { disksTo, finishTask, startDemoPools, type DemoPools, type PoolClient } from '../contract/migration-fixtures';

type Rec = Record<string, unknown>;
const GiB = 1024 ** 3;

describe.each<Transport>(['json-rpc', 'xml-rpc'])('boot checks and live migration over %s', (transport) => {
  let rig: DemoPools;
  let sim: TestSimulator;
  let prod: PoolClient;
  beforeAll(async () => void ({ sim, prod } = rig = await startDemoPools(transport)));
  afterAll(() => rig?.close());

  const db = () => sim.pools[0].db;
  const host = (name: string) => prod.byName('host', name);
  const vmNamed = (name: string) => prod.byName('VM', name);
  const canBoot = async (vm: string, h: string) => failureOf(prod.call('VM.assert_can_boot_here', vm, h));

  /** Runs an Async call to its end on the simulated clock and returns how long it took there. */
  async function timed(task: string): Promise<{ status: unknown; ms: number }> {
    const start = sim.clock.now();
    const t = await finishTask(sim, prod, task, 500);
    return { status: t.status, ms: sim.clock.now() - start };
  }

  it('HOST_NOT_LIVE, HOST_DISABLED, HOST_NOT_ENOUGH_FREE_MEMORY and HOST_NOT_ENOUGH_PCPUS', async () => {
    const web = await vmNamed('web-01');
    const prod3 = await host('xcp-prod-03');
    await prod.call('VM.assert_can_boot_here', web, prod3);
    await sim.faults.killHost('xcp-prod-03');
    expect(await canBoot(web, prod3)).toEqual({ code: 'HOST_NOT_LIVE', params: [] });
    await sim.faults.restartHost('xcp-prod-03');
    await prod.call('host.disable', prod3);
    expect(await canBoot(web, prod3)).toEqual({ code: 'HOST_DISABLED', params: [prod3] });
    await prod.call('host.enable', prod3);

    const big = await vmNamed('build-agent-02');
    await prod.call('VM.set_memory_limits', big, 512 * 1024 ** 2, 300 * GiB, 300 * GiB, 300 * GiB);
    const memory = await canBoot(big, prod3);
    expect(memory.code).toBe('HOST_NOT_ENOUGH_FREE_MEMORY');
    expect(Number(memory.params[0])).toBeGreaterThan(300 * GiB);
    expect(Number(memory.params[1])).toBe(Number(await prod.call('host.compute_free_memory', prod3)));

    const wide = await vmNamed('win11-helpdesk');
    await prod.call('VM.set_VCPUs_max', wide, 40);
    expect(await canBoot(wide, prod3)).toEqual({ code: 'HOST_NOT_ENOUGH_PCPUS', params: ['40', '32'] });
  });

  it('VM_INCOMPATIBLE_WITH_THIS_HOST for a VM that booted on another CPU vendor; pool_migrate refuses it first unless forced', async () => {
    const vm = await vmNamed('web-02');
    const target = await host('xcp-prod-03');
    const flags = db().get('VM', vm).last_boot_CPU_flags as Record<string, string>;
    expect(flags.vendor).toBe('GenuineIntel');
    // As if the VM had been started on an AMD host and moved here with force.
    db().update('VM', vm, { last_boot_CPU_flags: { ...flags, vendor: 'AuthenticAMD' } });
    const reason = 'VM last booted on a host which had a CPU from a different vendor.';
    expect(await canBoot(vm, target)).toEqual({ code: 'VM_INCOMPATIBLE_WITH_THIS_HOST', params: [vm, target, reason] });
    expect(await failureOf(prod.call('VM.pool_migrate', vm, target, {}))).toEqual({ code: 'VM_INCOMPATIBLE_WITH_THIS_HOST', params: [vm, target, reason] });
    expect((await timed(await prod.call<string>('Async.VM.pool_migrate', vm, target, { force: 'true' }))).status).toBe('success');
    expect(await prod.call('VM.get_resident_on', vm)).toBe(target);
  });

  it('a CD on a host’s local SR: VM_REQUIRES_SR from assert_can_boot_here and pool_migrate, until it is ejected', async () => {
    const vm = await vmNamed('vpn-gw');
    const from = await prod.call<string>('VM.get_resident_on', vm);
    const to = (await prod.call<string[]>('host.get_all')).find((h) => h !== from)!;
    // An ISO library on the host's own disk, visible from that host only.
    const isoSr = db().create('SR', { name_label: 'Local ISOs', type: 'iso', content_type: 'iso', shared: false, physical_size: 10 * GiB });
    db().create('PBD', { host: from, SR: isoSr, device_config: { location: '/opt/isos' }, currently_attached: true });
    const iso = db().create('VDI', { name_label: 'rescue.iso', SR: isoSr, virtual_size: GiB, type: 'user', read_only: true, managed: true });
    const cd = (await prod.call<string[]>('VM.get_VBDs', vm)).find((v) => db().get('VBD', v).type === 'CD')!;
    await prod.call('VBD.insert', cd, iso);
    expect(await canBoot(vm, to)).toEqual({ code: 'VM_REQUIRES_SR', params: [vm, isoSr] });
    expect(await failureOf(prod.call('VM.pool_migrate', vm, to, {}))).toEqual({ code: 'VM_REQUIRES_SR', params: [vm, isoSr] });
    // Storage motion that keeps the CD where it is (XenCenter maps CDs to their own SR within a pool) cannot run there either.
    const token = await prod.call<Record<string, string>>('host.migrate_receive', to, await prod.byName('network', 'Pool-wide network associated with eth0'), {});
    const disks = await disksTo(prod, vm, await prod.byName('SR', 'NFS VM storage'));
    expect(await failureOf(prod.call('VM.assert_can_migrate', vm, token, true, { ...disks, [iso]: isoSr }, {}, {}))).toEqual({ code: 'VM_REQUIRES_SR', params: [vm, isoSr] });
    await prod.call('VBD.eject', cd);
    await prod.call('VM.assert_can_boot_here', vm, to);
    expect((await timed(await prod.call<string>('Async.VM.pool_migrate', vm, to, {}))).status).toBe('success');
  });

  it('VM_REQUIRES_NETWORK when no PIF of the VM’s network is on the host', async () => {
    const vm = await vmNamed('build-agent-02');
    await prod.call('VM.set_memory_limits', vm, 512 * 1024 ** 2, 16 * GiB, 16 * GiB, 16 * GiB);
    const prod1 = await host('xcp-prod-01');
    const net = db().create('network', { name_label: 'prod-01 only', bridge: 'xenbr9', MTU: 1500, managed: true, other_config: {} });
    db().create('PIF', { device: 'eth9', network: net, host: prod1, MAC: '02:00:00:00:00:19', MTU: 1500, VLAN: -1, physical: true, currently_attached: true, ip_configuration_mode: 'None' });
    await prod.call('VIF.create', { device: '1', network: net, VM: vm, MAC: '', MTU: 1500, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
    await prod.call('VM.assert_can_boot_here', vm, prod1);
    const prod2 = await host('xcp-prod-02');
    expect(await canBoot(vm, prod2)).toEqual({ code: 'VM_REQUIRES_NETWORK', params: [vm, net] });
  });

  it('pool_migrate: the receiving host holds vm_migrate meanwhile, memory size sets the duration, the network option is checked', async () => {
    const small = await vmNamed('web-01');
    const large = await vmNamed('db-replica');
    const target = await host('xcp-prod-02');
    expect(await prod.call('VM.get_resident_on', small)).not.toBe(target);
    const task = await prod.call<string>('Async.VM.pool_migrate', small, target, {});
    await sim.clock.advance(500);
    expect(await prod.call('host.get_current_operations', target)).toEqual({ [task]: 'vm_migrate' });
    expect(await prod.call<string[]>('host.get_allowed_operations', target)).not.toContain('evacuate');
    expect(await prod.call('VM.get_current_operations', small)).toEqual({ [task]: 'pool_migrate' });
    expect(await prod.call('VM.get_scheduled_to_be_resident_on', small)).toBe(target);
    const smallRun = await timed(task);
    expect(smallRun.status).toBe('success');
    expect(await prod.call('host.get_current_operations', target)).toEqual({});
    expect(await prod.call<string[]>('host.get_allowed_operations', target)).toContain('evacuate');
    const largeFrom = await prod.call<string>('VM.get_resident_on', large);
    const largeTo = (await prod.call<string[]>('host.get_all')).find((h) => h !== largeFrom)!;
    const largeRun = await timed(await prod.call<string>('Async.VM.pool_migrate', large, largeTo, {}));
    expect(largeRun.status).toBe('success');
    // 32 GiB of memory take longer to copy than 4 GiB.
    expect(largeRun.ms).toBeGreaterThan(smallRun.ms * 4);

    const storage = await prod.byName('network', 'Storage network');
    const back = (await prod.call<string[]>('host.get_all')).find((h) => h !== target)!;
    const failure = await failureOf(prod.call('VM.pool_migrate', small, back, { network: storage }));
    expect(failure.code).toBe('INTERFACE_HAS_NO_IP');
    expect(await prod.call('PIF.get_host', failure.params[0])).toBe(back);
    const rec = await prod.call<Rec>('VM.get_record', small);
    expect(rec).toMatchObject({ resident_on: target, current_operations: {} });
  });
});
