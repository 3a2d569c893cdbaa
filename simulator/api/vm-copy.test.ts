/** Making a VM from a template the way XenCenter's New VM wizard does, over the wire. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc } from '../contract/json-rpc-client';

let sim: TestSimulator;
let url: string;
let s: string;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

async function runTask(task: string): Promise<Rec> {
  await sim.clock.advance(30_000);
  return (await rpc(url, 'task.get_record', s, task)) as Rec;
}

describe('VM from a template', () => {
  it('clones a default template, provisions its disk on the default SR, and starts the new VM', async () => {
    const [template] = (await rpc(url, 'VM.get_by_name_label', s, 'Debian Bookworm 12')) as string[];
    const t = await runTask((await rpc(url, 'Async.VM.clone', s, template, 'web-03')) as string);
    expect(t.status).toBe('success');
    const vm = /<value>(OpaqueRef:[^<]+)<\/value>/.exec(String(t.result))![1];
    let rec = (await rpc(url, 'VM.get_record', s, vm)) as Rec;
    expect(rec).toMatchObject({ name_label: 'web-03', is_a_template: true, is_default_template: false, power_state: 'Halted' });
    expect((rec.other_config as Record<string, string>).default_template).toBeUndefined();
    expect((await runTask((await rpc(url, 'Async.VM.provision', s, vm)) as string)).status).toBe('success');
    await rpc(url, 'VM.set_is_a_template', s, vm, false);
    rec = (await rpc(url, 'VM.get_record', s, vm)) as Rec;
    const disks = await Promise.all((rec.VBDs as string[]).map((b) => rpc(url, 'VBD.get_record', s, b) as Promise<Rec>));
    const system = disks.find((d) => d.type === 'Disk')!;
    const vdi = (await rpc(url, 'VDI.get_record', s, system.VDI)) as Rec;
    const pool = Object.values((await rpc(url, 'pool.get_all_records', s)) as Record<string, Rec>)[0];
    expect(vdi).toMatchObject({ SR: pool.default_SR, virtual_size: 10 * 1024 ** 3 });
    expect(rec.allowed_operations).toContain('start');
    const started = await runTask((await rpc(url, 'Async.VM.start', s, vm, false, false)) as string);
    expect(started.status).toBe('success');
    expect(await rpc(url, 'VM.get_power_state', s, vm)).toBe('Running');
  });

  it('copies a halted VM with its disks to another SR and new MAC addresses', async () => {
    const [src] = (await rpc(url, 'VM.get_by_name_label', s, 'backup-proxy')) as string[];
    const srs = (await rpc(url, 'SR.get_all_records', s)) as Record<string, Rec>;
    const local = Object.entries(srs).find(([, r]) => r.type === 'ext')![0];
    const t = await runTask((await rpc(url, 'Async.VM.copy', s, src, 'backup-proxy-copy', local)) as string);
    const copy = /<value>(OpaqueRef:[^<]+)<\/value>/.exec(String(t.result))![1];
    const [a, b] = await Promise.all([src, copy].map((v) => rpc(url, 'VM.get_record', s, v) as Promise<Rec>));
    const mac = async (vm: Rec) => rpc(url, 'VIF.get_MAC', s, (vm.VIFs as string[])[0]);
    expect(await mac(a)).not.toBe(await mac(b));
    const disk = ((await Promise.all((b.VBDs as string[]).map((r) => rpc(url, 'VBD.get_record', s, r) as Promise<Rec>))).find((d) => d.type === 'Disk'))!;
    expect(await rpc(url, 'VDI.get_SR', s, disk.VDI)).toBe(local);
  });

  it('refuses to clone a running VM and to provision a VM that is not a template', async () => {
    const [running] = (await rpc(url, 'VM.get_by_name_label', s, 'web-01')) as string[];
    await expect(rpc(url, 'VM.clone', s, running, 'x')).rejects.toMatchObject({ code: 'VM_BAD_POWER_STATE', params: [running, 'halted', 'running'] });
    await expect(rpc(url, 'VM.provision', s, running)).rejects.toMatchObject({ code: 'PROVISION_ONLY_ALLOWED_ON_TEMPLATE' });
  });
});

describe('vCPU hot-plug', () => {
  it('changes a running VM\u2019s vCPUs within VCPUs_max, as xapi does, and refuses beyond it or when halted', async () => {
    const [vm] = (await rpc(url, 'VM.get_by_name_label', s, 'db-primary')) as string[];
    const rec = (await rpc(url, 'VM.get_record', s, vm)) as Rec;
    expect(rec.power_state).toBe('Running');
    const max = Number(rec.VCPUs_max);
    await rpc(url, 'VM.set_VCPUs_number_live', s, vm, 1);
    expect((await rpc(url, 'VM.get_record', s, vm)) as Rec).toMatchObject({ VCPUs_at_startup: 1 });
    const metrics = (await rpc(url, 'VM_metrics.get_record', s, rec.metrics)) as Rec;
    expect(metrics.VCPUs_number).toBe(1);
    await expect(rpc(url, 'VM.set_VCPUs_number_live', s, vm, max + 1)).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    await rpc(url, 'VM.set_VCPUs_number_live', s, vm, rec.VCPUs_at_startup);
    const [halted] = (await rpc(url, 'VM.get_by_name_label', s, 'backup-proxy')) as string[];
    await expect(rpc(url, 'VM.set_VCPUs_number_live', s, halted, 1)).rejects.toMatchObject({ code: 'VM_BAD_POWER_STATE' });
  });
});
