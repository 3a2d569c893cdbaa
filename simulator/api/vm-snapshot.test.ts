/** Snapshots, checkpoints, revert and delete over JSON-RPC: the tree relations and the SR's space as a client sees them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc, rpcFailure } from '../contract/json-rpc-client';

let sim: TestSimulator;
let url: string;
let s: string;
type Rec = Record<string, unknown>;
const NULL = 'OpaqueRef:NULL';

beforeAll(async () => {
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

const vmRec = (ref: string) => rpc(url, 'VM.get_record', s, ref) as Promise<Rec>;
const byName = async (name: string) => ((await rpc(url, 'VM.get_by_name_label', s, name)) as string[])[0];
const resultRef = (t: Rec) => /<value>(OpaqueRef:[^<]+)<\/value>/.exec(String(t.result))![1];

async function runTask(task: string): Promise<Rec> {
  await sim.clock.advance(60_000);
  const t = (await rpc(url, 'task.get_record', s, task)) as Rec;
  if (t.status !== 'success') throw new Error(`task ${String(t.status)}: ${JSON.stringify(t.error_info)}`);
  return t;
}

async function disks(vm: string): Promise<Rec[]> {
  const vbds = await Promise.all(((await vmRec(vm)).VBDs as string[]).map((r) => rpc(url, 'VBD.get_record', s, r) as Promise<Rec>));
  return Promise.all(vbds.filter((b) => b.type === 'Disk').map(async (b) => ({ ...((await rpc(url, 'VDI.get_record', s, b.VDI)) as Rec), ref: b.VDI })));
}

async function srUsage(sr: string): Promise<{ physical: number; virtual: number }> {
  const r = (await rpc(url, 'SR.get_record', s, sr)) as Rec;
  return { physical: Number(r.physical_utilisation), virtual: Number(r.virtual_allocation) };
}

describe('snapshot tree of a running VM', () => {
  let vm: string;
  let snap: string;
  let cp: string;
  let sr: string;

  it('takes a disk snapshot as a task with progress; relations and SR usage follow', async () => {
    vm = await byName('web-02');
    const [disk] = await disks(vm);
    sr = String(disk.SR);
    const before = await srUsage(sr);
    const task = (await rpc(url, 'Async.VM.snapshot', s, vm, 'before upgrade', [])) as string;
    await sim.clock.advance(1600);
    const mid = (await rpc(url, 'task.get_record', s, task)) as Rec;
    expect(mid.status).toBe('pending');
    expect(Number(mid.progress)).toBeGreaterThan(0);
    expect(Number(mid.progress)).toBeLessThan(1);
    expect((await vmRec(vm)).current_operations).toEqual({ [task]: 'snapshot' });
    snap = resultRef(await runTask(task));

    const [v, sn] = await Promise.all([vmRec(vm), vmRec(snap)]);
    expect(sn).toMatchObject({ is_a_snapshot: true, is_a_template: true, snapshot_of: vm, power_state: 'Halted', parent: NULL, name_label: 'before upgrade' });
    expect(sn.snapshot_info).toEqual({ 'disk-snapshot-type': 'crash_consistent', 'power-state-at-snapshot': 'Running' });
    expect(sn.allowed_operations).toEqual(expect.arrayContaining(['revert', 'destroy', 'clone', 'copy']));
    expect(v).toMatchObject({ parent: snap, power_state: 'Running' });
    expect(v.snapshots).toEqual([snap]);
    expect(sn.children).toEqual([vm]);
    const [sd] = await disks(snap);
    expect(sd).toMatchObject({ is_a_snapshot: true, snapshot_of: disk.ref, virtual_size: disk.virtual_size, SR: sr });
    expect(((await rpc(url, 'VDI.get_record', s, disk.ref)) as Rec).snapshots).toEqual([sd.ref]);
    const after = await srUsage(sr);
    expect(after.virtual - before.virtual).toBe(Number(disk.virtual_size));
    expect(after.physical - before.physical).toBe(Number(sd.physical_utilisation));
  });

  it('takes a checkpoint: a Suspended snapshot with a memory image, child of the first, VM still running', async () => {
    const before = await srUsage(sr);
    cp = resultRef(await runTask((await rpc(url, 'Async.VM.checkpoint', s, vm, 'with memory')) as string));
    const [v, c, first] = await Promise.all([vmRec(vm), vmRec(cp), vmRec(snap)]);
    expect(c).toMatchObject({ power_state: 'Suspended', parent: snap, snapshot_of: vm, is_a_snapshot: true });
    expect(c.snapshot_info).toMatchObject({ 'power-state-at-snapshot': 'Running' });
    expect(c.allowed_operations).toContain('revert');
    const image = (await rpc(url, 'VDI.get_record', s, c.suspend_VDI)) as Rec;
    expect(image.type).toBe('suspend');
    expect(first.children).toEqual([cp]);
    expect(v).toMatchObject({ parent: cp, power_state: 'Running' });
    expect([...(v.snapshots as string[])].sort()).toEqual([snap, cp].sort());
    expect((await srUsage(sr)).physical).toBeGreaterThan(before.physical + Number(image.physical_utilisation) - 1);
  });

  it('reverts to the disk snapshot: the VM ends Halted on fresh disks, with its old settings back', async () => {
    await rpc(url, 'VM.set_name_description', s, vm, 'changed after the snapshot');
    const oldDisk = (await disks(vm))[0].ref;
    await runTask((await rpc(url, 'Async.VM.revert', s, snap)) as string);
    const v = await vmRec(vm);
    expect(v).toMatchObject({ power_state: 'Halted', parent: snap, name_description: 'nginx front end, shop.example.com', name_label: 'web-02' });
    const [disk] = await disks(vm);
    expect(disk.ref).not.toBe(oldDisk);
    expect(await rpc(url, 'VDI.get_all', s)).not.toContain(oldDisk);
    const [sd] = await disks(snap);
    expect(sd.snapshot_of).toBe(disk.ref);
    expect((await vmRec(snap)).children).toEqual(expect.arrayContaining([vm, cp]));
  });

  it('reverts to the checkpoint: the VM is Suspended with the memory image and resumes to Running', async () => {
    await runTask((await rpc(url, 'Async.VM.revert', s, cp)) as string);
    let v = await vmRec(vm);
    expect(v).toMatchObject({ power_state: 'Suspended', parent: cp });
    expect(v.suspend_VDI).not.toBe(NULL);
    await runTask((await rpc(url, 'Async.VM.resume', s, vm, false, false)) as string);
    v = await vmRec(vm);
    expect(v.power_state).toBe('Running');
  });

  it('deletes the first snapshot with its disk: the checkpoint moves up to the root and the SR gets the space back', async () => {
    const [sd] = await disks(snap);
    const before = await srUsage(sr);
    await rpc(url, 'VDI.destroy', s, sd.ref);
    await rpc(url, 'VM.destroy', s, snap);
    expect(await rpc(url, 'VM.get_all', s)).not.toContain(snap);
    const [v, c] = await Promise.all([vmRec(vm), vmRec(cp)]);
    expect(c.parent).toBe(NULL);
    expect(c.children).toEqual([vm]);
    expect(v.snapshots).toEqual([cp]);
    const after = await srUsage(sr);
    expect(before.physical - after.physical).toBe(Number(sd.physical_utilisation));
    expect(before.virtual - after.virtual).toBe(Number(sd.virtual_size));
  });

  it('deletes the checkpoint: its memory image goes with it and the VM has no parent left', async () => {
    const image = String((await vmRec(cp)).suspend_VDI);
    await rpc(url, 'VM.destroy', s, cp);
    expect(await rpc(url, 'VDI.get_all', s)).not.toContain(image);
    expect(await vmRec(vm)).toMatchObject({ parent: NULL, snapshots: [] });
  });
});

describe('snapshot errors and copies', () => {
  it('quiesces only guests with a VSS provider', async () => {
    const linux = await byName('lb-01');
    const e = await rpcFailure(rpc(url, 'VM.snapshot_with_quiesce', s, linux, 'q'));
    expect(e.code).toBe('VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED');
    const win = await byName('win2022-files');
    const snap = resultRef(await runTask((await rpc(url, 'Async.VM.snapshot_with_quiesce', s, win, 'vss')) as string));
    const rec = await vmRec(snap);
    expect(rec.snapshot_info).toMatchObject({ 'disk-snapshot-type': 'quiesced' });
    expect(rec.transportable_snapshot_id).not.toBe('');
  });

  it('refuses a checkpoint of a halted VM, a snapshot of a template, and a revert of a VM that is not a snapshot', async () => {
    const halted = await byName('build-agent-02');
    expect((await rpcFailure(rpc(url, 'VM.checkpoint', s, halted, 'x'))).params).toEqual([halted, 'running', 'halted']);
    const [template] = (await rpc(url, 'VM.get_by_name_label', s, 'Debian Bookworm 12')) as string[];
    expect((await rpcFailure(rpc(url, 'VM.snapshot', s, template, 'x', []))).code).toBe('OPERATION_NOT_ALLOWED');
    expect((await rpcFailure(rpc(url, 'VM.revert', s, halted))).code).toBe('OPERATION_NOT_ALLOWED');
  });

  it('refuses a snapshot when allowed_operations lack it (another operation running)', async () => {
    const vm = await byName('monitoring');
    const task = (await rpc(url, 'Async.VM.clean_reboot', s, vm)) as string;
    await sim.clock.advance(500);
    expect((await rpcFailure(rpc(url, 'VM.snapshot', s, vm, 'x', []))).code).toBe('OTHER_OPERATION_IN_PROGRESS');
    await runTask(task);
  });

  it('accepts VM.snapshot without ignore_vdis, as older clients call it', async () => {
    const vm = await byName('build-agent-02');
    // A synchronous call waits on simulated time: move the frozen clock while it runs.
    const call = rpc(url, 'VM.snapshot', s, vm, 'old client') as Promise<string>;
    await new Promise((r) => setTimeout(r, 100));
    await sim.clock.advance(10_000);
    const snap = await call;
    expect((await vmRec(snap)).snapshot_of).toBe(vm);
  });

  it('makes a new VM and a template from a snapshot, both top-level (no parent, no snapshot identity)', async () => {
    const vm = await byName('build-agent-02');
    const [snap] = (await rpc(url, 'VM.get_by_name_label', s, 'old client')) as string[];
    const tmpl = resultRef(await runTask((await rpc(url, 'Async.VM.clone', s, snap, 'agent template')) as string));
    expect(await vmRec(tmpl)).toMatchObject({ is_a_template: true, is_a_snapshot: false, snapshot_of: NULL, parent: NULL });
    const copy = resultRef(await runTask((await rpc(url, 'Async.VM.copy', s, snap, 'agent-03', NULL)) as string));
    await rpc(url, 'VM.set_is_a_template', s, copy, false);
    const rec = await vmRec(copy);
    expect(rec).toMatchObject({ is_a_template: false, is_a_snapshot: false, parent: NULL, power_state: 'Halted' });
    expect(rec.allowed_operations).toContain('start');
    const [d] = await disks(copy);
    expect(d.is_a_snapshot).toBe(false);
    expect((await vmRec(vm)).snapshots).toEqual([snap]);
  });
});
