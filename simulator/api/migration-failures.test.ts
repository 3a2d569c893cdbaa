/**
 * Why a migration is refused, over JSON-RPC and XML-RPC: each failure reason with xapi's parameters,
 * raised before anything moves (the VM stays as it was, nothing appears in the destination).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSimulator, Transport } from '../contract/harness';
import { failureOf } from '../contract/wire-client';
import { disksTo, finishTask, startDemoPools, vifsTo, type DemoPools, type PoolClient } from '../contract/migration-fixtures';
import { NULL_REF } from '../db/object-db';

type Rec = Record<string, unknown>;
const GiB = 1024 ** 3;

describe.each<Transport>(['json-rpc', 'xml-rpc'])('migration failures over %s', (transport) => {
  let rig: DemoPools;
  let sim: TestSimulator;
  let prod: PoolClient;
  let lab: PoolClient;
  beforeAll(async () => void ({ sim, prod, lab } = rig = await startDemoPools(transport)));
  afterAll(() => rig?.close());

  const prodDb = () => sim.pools[0].db;
  const labDb = () => sim.pools[1].db;

  /** A token for a Lab host, asked of the Lab. */
  async function labToken(host = 'xcp-lab-02'): Promise<Record<string, string>> {
    return lab.call('host.migrate_receive', await lab.byName('host', host), await lab.byName('network', 'Pool-wide network associated with eth0'), {});
  }
  async function prodToken(host = 'xcp-prod-02'): Promise<Record<string, string>> {
    return prod.call('host.migrate_receive', await prod.byName('host', host), await prod.byName('network', 'Pool-wide network associated with eth0'), {});
  }
  /** A Production VM's complete maps to the Lab's shared SR and first network. */
  async function toLab(vm: string): Promise<[Record<string, string>, Record<string, string>]> {
    return [await disksTo(prod, vm, await lab.byName('SR', 'Lab iSCSI')), await vifsTo(prod, vm, await lab.byName('network', 'Pool-wide network associated with eth0'))];
  }
  async function toProd(vm: string): Promise<[Record<string, string>, Record<string, string>]> {
    return [await disksTo(lab, vm, await prod.byName('SR', 'NFS VM storage')), await vifsTo(lab, vm, await prod.byName('network', 'VM traffic (bond0)'))];
  }
  /** Both calls refuse with the same failure, and the VM is untouched. */
  async function refused(c: PoolClient, vm: string, args: unknown[]): Promise<{ code: string; params: string[] }> {
    const before = await c.call<Rec>('VM.get_record', vm);
    const asserted = await failureOf(c.call('VM.assert_can_migrate', vm, ...args));
    const sent = await failureOf(c.call('VM.migrate_send', vm, ...args));
    expect(sent).toEqual(asserted);
    const after = await c.call<Rec>('VM.get_record', vm);
    expect({ ...after, allowed_operations: [] }).toEqual({ ...before, allowed_operations: [] });
    expect(after.allowed_operations).toEqual(before.allowed_operations);
    return sent;
  }

  it('VDI_NOT_IN_MAP and VIF_NOT_IN_MAP name the first disk or VIF the maps leave out', async () => {
    const vm = await lab.byName('VM', 'test-win10');
    const [disks, vifs] = await toProd(vm);
    const [disk] = Object.keys(disks);
    const [vif] = Object.keys(vifs);
    expect(await refused(lab, vm, [await prodToken(), true, {}, vifs, {}])).toEqual({ code: 'VDI_NOT_IN_MAP', params: [disk] });
    expect(await refused(lab, vm, [await prodToken(), true, disks, {}, {}])).toEqual({ code: 'VIF_NOT_IN_MAP', params: [vif] });
  });

  it('VM_INCOMPATIBLE_WITH_THIS_HOST: a running VM cannot go live from the AMD Lab to the Intel Production, a halted one can', async () => {
    const host = await prod.byName('host', 'xcp-prod-02');
    expect((await prod.call<Rec>('host.get_cpu_info', host)).vendor).toBe('GenuineIntel');
    expect((await lab.call<Rec>('host.get_cpu_info', await lab.byName('host', 'xcp-lab-01'))).vendor).toBe('AuthenticAMD');
    const running = await lab.byName('VM', 'k8s-lab-1');
    expect((await lab.call<Rec>('VM.get_last_boot_CPU_flags', running)).vendor).toBe('AuthenticAMD');
    const [disks, vifs] = await toProd(running);
    expect(await refused(lab, running, [await prodToken(), true, disks, vifs, {}])).toEqual({
      code: 'VM_INCOMPATIBLE_WITH_THIS_HOST', params: [NULL_REF, host, 'VM last booted on a host which had a CPU from a different vendor.'],
    });
    const halted = await lab.byName('VM', 'test-win10');
    await lab.call('VM.assert_can_migrate', halted, await prodToken(), true, ...(await toProd(halted)), {});
    // The suspended SQL server carries Intel CPU state in its memory image: it cannot resume on AMD.
    const suspended = await prod.byName('VM', 'win2019-sql');
    expect((await refused(prod, suspended, [await labToken(), true, ...(await toLab(suspended)), {}])).code).toBe('VM_INCOMPATIBLE_WITH_THIS_HOST');
  });

  it('HOST_NOT_ENOUGH_FREE_MEMORY [needed, available] when the receiving host is full', async () => {
    const big = await lab.byName('VM', 'k8s-lab-3');
    // Most of what xcp-lab-02 has left beside k8s-lab-2 and rocky9-eval: too little remains for db-primary.
    await lab.call('VM.set_memory_limits', big, 512 * 1024 ** 2, 100 * GiB, 100 * GiB, 100 * GiB);
    const target = await lab.byName('host', 'xcp-lab-02');
    expect((await finishTask(sim, lab, await lab.call<string>('Async.VM.start_on', big, target, false, false))).status).toBe('success');
    try {
      const vm = await prod.byName('VM', 'db-primary');
      const failure = await refused(prod, vm, [await labToken(), true, ...(await toLab(vm)), { force: 'true' }]);
      expect(failure.code).toBe('HOST_NOT_ENOUGH_FREE_MEMORY');
      expect(Number(failure.params[0])).toBeGreaterThan(32 * GiB);
      expect(Number(failure.params[1])).toBe(Number(await lab.call('host.compute_free_memory', target)));
    } finally {
      await finishTask(sim, lab, await lab.call<string>('Async.VM.hard_shutdown', big));
    }
  });

  it('VM_REQUIRES_SR and VM_REQUIRES_NETWORK when the receiving host cannot see a mapped SR or network', async () => {
    const vm = await prod.byName('VM', 'web-02');
    const [, vifs] = await toLab(vm);
    const lab01 = await lab.byName('host', 'xcp-lab-01');
    const local = (await lab.call<string[]>('SR.get_by_name_label', 'Local storage'));
    let lab01Local = '';
    for (const sr of local) for (const pbd of await lab.call<string[]>('SR.get_PBDs', sr)) if ((await lab.call('PBD.get_host', pbd)) === lab01) lab01Local = sr;
    const disks = await disksTo(prod, vm, lab01Local);
    expect(await refused(prod, vm, [await labToken('xcp-lab-02'), true, disks, vifs, { force: 'true' }])).toEqual({ code: 'VM_REQUIRES_SR', params: [vm, lab01Local] });
    // A network with a PIF on xcp-lab-01 only (a NIC the other host lacks).
    const onlyLab01 = labDb().create('network', { name_label: 'lab-01 only', bridge: 'xenbr9', MTU: 1500, managed: true, other_config: {} });
    labDb().create('PIF', { device: 'eth9', network: onlyLab01, host: lab01, MAC: '02:00:00:00:00:09', MTU: 1500, VLAN: -1, physical: true, currently_attached: true, ip_configuration_mode: 'None', management: false });
    const [iscsiDisks] = await toLab(vm);
    expect(await refused(prod, vm, [await labToken('xcp-lab-02'), true, iscsiDisks, await vifsTo(prod, vm, onlyLab01), { force: 'true' }]))
      .toEqual({ code: 'VM_REQUIRES_NETWORK', params: [vm, onlyLab01] });
  });

  it('VM_HAS_PCI_ATTACHED: a VM with a passed-through device neither migrates nor offers to', async () => {
    const vm = await prod.byName('VM', 'web-01');
    const pci = prodDb().create('PCI', { class_name: 'Network controller', vendor_name: 'Intel Corporation', device_name: 'Ethernet Controller X710', pci_id: '0000:5e:00.1' });
    prodDb().update('VM', vm, { attached_PCIs: [pci] });
    try {
      const allowed = await prod.call<string[]>('VM.get_allowed_operations', vm);
      expect(allowed).not.toContain('migrate_send');
      expect(allowed).not.toContain('pool_migrate');
      expect(await failureOf(prod.call('VM.pool_migrate', vm, await prod.byName('host', 'xcp-prod-03'), {}))).toEqual({ code: 'VM_HAS_PCI_ATTACHED', params: [vm] });
      const nfs = await prod.byName('SR', 'NFS VM storage');
      expect(await failureOf(prod.call('VM.migrate_send', vm, await prodToken('xcp-prod-03'), true, await disksTo(prod, vm, nfs), {}, {})))
        .toEqual({ code: 'VM_HAS_PCI_ATTACHED', params: [vm] });
    } finally {
      prodDb().update('VM', vm, { attached_PCIs: [] });
    }
    expect(await prod.call<string[]>('VM.get_allowed_operations', vm)).toContain('migrate_send');
  });

  it('VM_BAD_POWER_STATE: a paused VM does not migrate; only a halted VM is copied', async () => {
    const paused = await prod.byName('VM', 'wiki');
    const [disks, vifs] = await toLab(paused);
    expect(await failureOf(prod.call('VM.migrate_send', paused, await labToken(), true, disks, vifs, {}))).toEqual({
      code: 'VM_BAD_POWER_STATE', params: [paused, 'halted, suspended, running', 'paused'],
    });
    const running = await prod.byName('VM', 'web-02');
    expect(await refused(prod, running, [await labToken(), true, ...(await toLab(running)), { copy: 'true' }]))
      .toEqual({ code: 'VM_BAD_POWER_STATE', params: [running, 'halted', 'running'] });
  });

  it('OPERATION_NOT_ALLOWED: VIF mapping or copy within a pool, and a control domain', async () => {
    const vm = await prod.byName('VM', 'web-02');
    const nfs = await prod.byName('SR', 'NFS VM storage');
    const disks = await disksTo(prod, vm, nfs);
    const vifs = await vifsTo(prod, vm, await prod.byName('network', 'VM traffic (bond0)'));
    expect(await refused(prod, vm, [await prodToken('xcp-prod-03'), true, disks, vifs, {}])).toEqual({
      code: 'OPERATION_NOT_ALLOWED', params: ['VIF mapping is not allowed for intra-pool migration -all VIFs must be on the same network'],
    });
    const halted = await prod.byName('VM', 'build-agent-02');
    expect((await failureOf(prod.call('VM.migrate_send', halted, await prodToken('xcp-prod-03'), true, await disksTo(prod, halted, nfs), {}, { copy: 'true' }))).code)
      .toBe('OPERATION_NOT_ALLOWED');
    const dom0 = String(await prod.call('host.get_control_domain', await prod.byName('host', 'xcp-prod-01')));
    expect(await failureOf(prod.call('VM.migrate_send', dom0, await labToken(), true, {}, {}, {})))
      .toEqual({ code: 'OPERATION_NOT_ALLOWED', params: ['This operation is not allowed on a control domain'] });
  });

  it('HOST_DISABLED and SR_DOES_NOT_SUPPORT_MIGRATION', async () => {
    const vm = await lab.byName('VM', 'test-win10');
    const [disks, vifs] = await toProd(vm);
    const host = await prod.byName('host', 'xcp-prod-02');
    await prod.call('host.disable', host);
    try {
      expect(await refused(lab, vm, [await prodToken(), true, disks, vifs, {}])).toEqual({ code: 'HOST_DISABLED', params: [host] });
    } finally {
      await prod.call('host.enable', host);
    }
    const iso = await prod.byName('SR', 'ISO library');
    const toIso = Object.fromEntries(Object.keys(disks).map((d) => [d, iso]));
    expect(await refused(lab, vm, [await prodToken(), true, toIso, vifs, {}])).toEqual({ code: 'SR_DOES_NOT_SUPPORT_MIGRATION', params: [iso, 'VDI_SNAPSHOT;VDI_MIRROR_IN'] });
  });

  it('host.migrate_receive: HOST_CANNOT_ATTACH_NETWORK, PIF_HAS_NO_NETWORK_CONFIGURATION; a bad token: SESSION_INVALID, CANNOT_CONTACT_HOST', async () => {
    const host = await prod.byName('host', 'xcp-prod-02');
    const labNet = await lab.byName('network', 'Pool-wide network associated with eth0');
    const bridgeless = await prod.call<string>('network.create', { name_label: 'private', name_description: '', MTU: 1500, other_config: {}, tags: [] });
    expect(await failureOf(prod.call('host.migrate_receive', host, bridgeless, {}))).toEqual({ code: 'HOST_CANNOT_ATTACH_NETWORK', params: [host, bridgeless] });
    expect((await failureOf(prod.call('host.migrate_receive', host, labNet, {}))).code).toBe('HANDLE_INVALID');
    const storage = await prod.byName('network', 'Storage network');
    const failure = await failureOf(prod.call('host.migrate_receive', host, storage, {}));
    expect(failure.code).toBe('PIF_HAS_NO_NETWORK_CONFIGURATION');
    expect(await prod.call('PIF.get_host', failure.params[0])).toBe(host);
    expect(await prod.call('PIF.get_network', failure.params[0])).toBe(storage);

    const vm = await lab.byName('VM', 'test-win10');
    const [disks, vifs] = await toProd(vm);
    // xen-api takes any SESSION_INVALID for its own session (it logs in again, then gives up the connection): raw JSON-RPC only.
    if (transport === 'json-rpc') {
      const forged = { ...(await prodToken()), session_id: 'OpaqueRef:00000000-0000-0000-0000-000000000000' };
      expect(await refused(lab, vm, [forged, true, disks, vifs, {}])).toEqual({ code: 'SESSION_INVALID', params: [forged.session_id] });
    }
    const t = await prodToken('xcp-prod-03');
    await sim.faults.killHost('xcp-prod-03');
    try {
      expect(await refused(lab, vm, [t, true, disks, vifs, {}])).toEqual({ code: 'CANNOT_CONTACT_HOST', params: [new URL(t.xenops).hostname] });
    } finally {
      await sim.faults.restartHost('xcp-prod-03');
    }
  });

  it('OTHER_OPERATION_IN_PROGRESS, and TOO_MANY_STORAGE_MIGRATES past three storage migrations from one host', async () => {
    const names = ['build-agent-02', 'backup-proxy', 'win11-helpdesk', 'win2019-sql'];
    const vms = await Promise.all(names.map((n) => prod.byName('VM', n)));
    const maps = await Promise.all(vms.map((vm) => toLab(vm)));
    const tasks: string[] = [];
    for (let i = 0; i < 3; i++) tasks.push(await prod.call<string>('Async.VM.migrate_send', vms[i], await labToken(), true, ...maps[i], { force: 'true' }));
    await sim.clock.advance(1000);
    expect(await failureOf(prod.call('VM.migrate_send', vms[0], await labToken(), true, ...maps[0], {})))
      .toEqual({ code: 'OTHER_OPERATION_IN_PROGRESS', params: ['VM', vms[0], 'migrate_send', tasks[0]] });
    const fourth = await prod.call<string>('Async.VM.migrate_send', vms[3], await labToken(), true, ...maps[3], { force: 'true' });
    const t = await finishTask(sim, prod, fourth);
    expect(t.error_info).toEqual(['TOO_MANY_STORAGE_MIGRATES', '3']);
    for (const task of tasks) await prod.call('task.cancel', task);
    for (const task of tasks) expect((await finishTask(sim, prod, task)).status).toBe('cancelled');
    for (const vm of vms) expect(await prod.call('VM.get_current_operations', vm)).toEqual({});
  });
});
