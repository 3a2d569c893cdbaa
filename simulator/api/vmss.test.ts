/** Snapshot schedules over JSON-RPC: xapi's validation, and snapshots taken and pruned as the simulated clock moves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc, rpcFailure } from '../contract/json-rpc-client';
import { nextRun } from './vmss';

let sim: TestSimulator;
let url: string;
let s: string;
type Rec = Record<string, unknown>;
const HOUR = 3600_000;

beforeAll(async () => {
  // 00:10 UTC on a Monday, so the demo's nightly 02:00 schedule stays out of the way of the hourly one below.
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0, startTime: Date.UTC(2024, 5, 3, 0, 10) }));
});
afterAll(() => sim.cleanup());

const byName = async (name: string) => ((await rpc(url, 'VM.get_by_name_label', s, name)) as string[])[0];

const base = { name_label: 'Hourly', name_description: '', enabled: true, type: 'snapshot', retained_snapshots: 2, frequency: 'hourly', schedule: { min: '15' } };

describe('VMSS', () => {
  it('checks retention, schedule keys, type against the guests, and refuses to destroy a schedule with VMs', async () => {
    expect((await rpcFailure(rpc(url, 'VMSS.create', s, { ...base, retained_snapshots: 11 }))).params).toEqual(['retained_snapshots', '11']);
    expect((await rpcFailure(rpc(url, 'VMSS.create', s, { ...base, frequency: 'daily', schedule: { min: '0' } }))).params).toEqual(['hour', '']);
    expect((await rpcFailure(rpc(url, 'VMSS.create', s, { ...base, schedule: { min: '7' } }))).code).toBe('INVALID_VALUE');
    const weekly = (await rpc(url, 'VMSS.create', s, { ...base, name_label: 'Weekly', frequency: 'weekly', schedule: { hour: '3', min: '30', days: 'Saturday,Sunday' } })) as string;
    const linux = await byName('lb-01');
    await rpc(url, 'VM.set_snapshot_schedule', s, linux, weekly);
    expect((await rpcFailure(rpc(url, 'VMSS.set_type', s, weekly, 'snapshot_with_quiesce'))).code).toBe('VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED');
    expect((await rpcFailure(rpc(url, 'VMSS.destroy', s, weekly))).code).toBe('VMSS_HAS_VM');
    await rpc(url, 'VMSS.set_frequency', s, weekly, 'hourly');
    expect(await rpc(url, 'VMSS.get_schedule', s, weekly)).toEqual({ min: '30' });
    await rpc(url, 'VM.set_snapshot_schedule', s, linux, 'OpaqueRef:NULL');
    await rpc(url, 'VMSS.destroy', s, weekly);
  });

  it('takes a snapshot of each VM at every due time and keeps only retained_snapshots of them', async () => {
    const vmss = (await rpc(url, 'VMSS.create', s, base)) as string;
    const vm = await byName('monitoring');
    await rpc(url, 'VM.set_snapshot_schedule', s, vm, vmss);
    const manual = (await rpc(url, 'Async.VM.snapshot', s, vm, 'by hand', [])) as string;
    await sim.clock.advance(10_000);
    expect(((await rpc(url, 'task.get_record', s, manual)) as Rec).status).toBe('success');

    // 00:15, 01:15 and 02:15 fall due; three runs, two kept, the manual snapshot untouched.
    await sim.clock.advance(2 * HOUR + 10 * 60_000);
    const snaps = await Promise.all(((await rpc(url, 'VM.get_snapshots', s, vm)) as string[]).map((r) => rpc(url, 'VM.get_record', s, r) as Promise<Rec>));
    const scheduled = snaps.filter((r) => r.is_vmss_snapshot).map((r) => String(r.name_label)).sort();
    expect(scheduled).toEqual(['monitoring-20240603-0115', 'monitoring-20240603-0215']);
    expect(snaps.filter((r) => !r.is_vmss_snapshot).map((r) => r.name_label)).toEqual(['by hand']);
    expect(await rpc(url, 'VMSS.get_last_run_time', s, vmss)).toBe('20240603T02:15:00Z');
    const messages = Object.values((await rpc(url, 'message.get_all_records', s)) as Record<string, Rec>);
    const uuid = await rpc(url, 'VMSS.get_uuid', s, vmss);
    expect(messages.filter((m) => m.obj_uuid === uuid && m.name === 'VMSS_SNAPSHOT_SUCCEEDED')).toHaveLength(3);
    // The pruned snapshots' disks went with them: no snapshot VDI of the VM's disk is left without its VM.
    const vdis = Object.values((await rpc(url, 'VDI.get_all_records', s)) as Record<string, Rec>);
    expect(vdis.filter((d) => d.is_a_snapshot && d.type !== 'suspend' && (d.VBDs as string[]).length === 0 && String(d.name_label).startsWith('monitoring'))).toEqual([]);
  });

  it('stops when disabled and runs on demand with snapshot_now', async () => {
    const [vmss] = (await rpc(url, 'VMSS.get_by_name_label', s, 'Hourly')) as string[];
    const vm = await byName('monitoring');
    await rpc(url, 'VMSS.set_enabled', s, vmss, false);
    const count = async () => ((await rpc(url, 'VM.get_snapshots', s, vm)) as string[]).length;
    const before = await count();
    await sim.clock.advance(2 * HOUR);
    expect(await count()).toBe(before);
    const now = rpc(url, 'VMSS.snapshot_now', s, vmss);
    await new Promise((r) => setTimeout(r, 100));
    await sim.clock.advance(10_000);
    expect(await now).toBe('SUCCESS');
    // Still two scheduled snapshots after pruning, the newest one just taken.
    expect(await count()).toBe(before);
  });

  it('takes checkpoints of running VMs when its type is checkpoint', async () => {
    const vmss = (await rpc(url, 'VMSS.create', s, { ...base, name_label: 'Memory', type: 'checkpoint', frequency: 'daily', schedule: { hour: '23', min: '45' } })) as string;
    const vm = await byName('vpn-gw');
    await rpc(url, 'VM.set_snapshot_schedule', s, vm, vmss);
    const run = rpc(url, 'VMSS.snapshot_now', s, vmss);
    await new Promise((r) => setTimeout(r, 100));
    await sim.clock.advance(30_000);
    expect(await run).toBe('SUCCESS');
    const [snap] = (await rpc(url, 'VM.get_snapshots', s, vm)) as string[];
    expect(await rpc(url, 'VM.get_record', s, snap)).toMatchObject({ power_state: 'Suspended', is_vmss_snapshot: true, snapshot_of: vm });
    expect(await rpc(url, 'VM.get_power_state', s, vm)).toBe('Running');
  });

  it('computes due times for each frequency (UTC)', () => {
    const mon = Date.UTC(2024, 5, 3, 10, 20);
    expect(new Date(nextRun('hourly', { min: '15' }, mon)).toISOString()).toBe('2024-06-03T11:15:00.000Z');
    expect(new Date(nextRun('daily', { hour: '2', min: '0' }, mon)).toISOString()).toBe('2024-06-04T02:00:00.000Z');
    expect(new Date(nextRun('weekly', { hour: '3', min: '30', days: 'Sunday' }, mon)).toISOString()).toBe('2024-06-09T03:30:00.000Z');
  });
});
