/** Disks and network interfaces the way XenCenter's Storage and Networking tabs manage them, over the wire. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc, RpcFailure } from '../contract/json-rpc-client';

let sim: TestSimulator;
let url: string;
let s: string;
type Rec = Record<string, unknown>;
const GiB = 1024 ** 3;

beforeAll(async () => {
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

const call = <T = unknown>(method: string, ...args: unknown[]) => rpc(url, method, s, ...args) as Promise<T>;
const vmByName = async (name: string) => (await call<string[]>('VM.get_by_name_label', name))[0];
const srByName = async (name: string) => (await call<string[]>('SR.get_by_name_label', name))[0];

async function failure(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RpcFailure);
  return [(err as RpcFailure).code, ...(err as RpcFailure).params];
}

describe('disks', () => {
  it('creates a disk on an SR, attaches it to a running VM, and the SR accounts for it', async () => {
    const sr = await srByName('NFS VM storage');
    const before = await call<Rec>('SR.get_record', sr);
    const vdi = await call<string>('VDI.create', { name_label: 'data', name_description: 'scratch', SR: sr, virtual_size: 10 * GiB, type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [] });
    const after = await call<Rec>('SR.get_record', sr);
    expect(Number(after.virtual_allocation) - Number(before.virtual_allocation)).toBe(10 * GiB);
    expect(after.VDIs).toContain(vdi);

    const vm = await vmByName('web-02');
    const vbd = await call<string>('VBD.create', { VM: vm, VDI: vdi, userdevice: 'autodetect', bootable: false, mode: 'RW', type: 'Disk', empty: false, unpluggable: true, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
    expect(await call<string[]>('VM.get_VBDs', vm)).toContain(vbd);
    expect(await call<boolean>('VBD.get_currently_attached', vbd)).toBe(false);
    await call('VBD.plug', vbd);
    expect(await call<Rec>('VBD.get_record', vbd)).toMatchObject({ currently_attached: true, userdevice: '1', device: 'xvdb' });
    expect(await failure(call('VBD.plug', vbd))).toEqual(['DEVICE_ALREADY_ATTACHED', vbd]);
    // An attached disk can neither be destroyed nor resized offline.
    expect((await failure(call('VDI.destroy', vdi)))[0]).toBe('VDI_IN_USE');
    expect((await failure(call('VDI.resize', vdi, 20 * GiB)))[0]).toBe('VDI_IN_USE');
    await call('VDI.resize_online', vdi, 20 * GiB);
    expect(Number(await call('VDI.get_virtual_size', vdi))).toBe(20 * GiB);
    expect(await failure(call('VDI.resize_online', vdi, 5 * GiB))).toEqual(['VDI_TOO_SMALL', vdi, String(20 * GiB)]);

    await call('VBD.unplug', vbd);
    await call('VBD.destroy', vbd);
    expect(await call<string[]>('VM.get_VBDs', vm)).not.toContain(vbd);
    await call('VDI.destroy', vdi);
    const end = await call<Rec>('SR.get_record', sr);
    expect(end.virtual_allocation).toBe(before.virtual_allocation);
    expect(end.VDIs).not.toContain(vdi);
  });

  it('refuses a device number already in use, and hot-plug on a halted VM', async () => {
    const vm = await vmByName('build-agent-02');
    const [first] = await call<string[]>('VM.get_VBDs', vm);
    const used = await call<string>('VBD.get_userdevice', first);
    const sr = await srByName('NFS VM storage');
    const vdi = await call<string>('VDI.create', { name_label: 'x', SR: sr, virtual_size: GiB, type: 'user', sharable: false, read_only: false, other_config: {} });
    const args = { VM: vm, VDI: vdi, bootable: false, mode: 'RW', type: 'Disk', empty: false, unpluggable: true, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} };
    expect(await failure(call('VBD.create', { ...args, userdevice: used }))).toEqual(['DEVICE_ALREADY_EXISTS', used]);
    const vbd = await call<string>('VBD.create', { ...args, userdevice: 'autodetect' });
    expect((await failure(call('VBD.plug', vbd)))[0]).toBe('VM_BAD_POWER_STATE');
  });
});

describe('network interfaces', () => {
  it('adds a VIF with a generated MAC, plugs it on a running VM, and removes it', async () => {
    const vm = await vmByName('web-01');
    const [network] = await call<string[]>('network.get_by_name_label', 'Pool-wide network associated with eth0');
    const base = { VM: vm, network, MTU: 1500, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} };
    expect(await failure(call('VIF.create', { ...base, device: '1', MAC: 'not-a-mac' }))).toEqual(['MAC_INVALID', 'not-a-mac']);
    const vif = await call<string>('VIF.create', { ...base, device: '1', MAC: '' });
    const rec = await call<Rec>('VIF.get_record', vif);
    expect(rec.MAC).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(rec).toMatchObject({ MAC_autogenerated: true, currently_attached: false, device: '1' });
    expect(await failure(call('VIF.create', { ...base, device: '1', MAC: '' }))).toEqual(['DEVICE_ALREADY_EXISTS', '1']);
    await call('VIF.plug', vif);
    expect(await failure(call('VIF.destroy', vif))).toEqual(['DEVICE_ALREADY_ATTACHED', vif]);
    await call('VIF.unplug', vif);
    await call('VIF.destroy', vif);
    expect(await call<string[]>('VM.get_VIFs', vm)).not.toContain(vif);
    expect(await call<string[]>('network.get_VIFs', network)).not.toContain(vif);
  });
});
