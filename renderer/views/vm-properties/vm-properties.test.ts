/**
 * VM Properties against the demo simulator over real sockets: what a draft refuses before OK, the calls OK
 * makes (only what changed, in an order XAPI accepts) run as one task, a failure with XAPI's code, container
 * management through xscontainer, and how the task panel names the tasks it lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../../shared/bridge';
import type { TaskRecord, VMRecord } from '../../../shared/xapi/generated/records';
// A test, not the bundle: the simulator plays the pool, over real sockets.
import { startSignedIn, type TestSimulator } from '../../../simulator/contract/harness';
import { rpc } from '../../../simulator/contract/json-rpc-client';
import { runCallsAsTask } from '../../actions/run-tasks';
import { storeWithPool } from '../../test/pool-store';
import { coordinatorRef, registrationStep } from '../containers/plugin-calls';
import { describeTask, taskLabels } from '../tasks/task-identity';
import { createTaskLog } from '../tasks/task-log';
import { cpuSteps } from './cpu-plan';
import { bootOrderOf, draftOf, draftProblems, NULL_REF, propertiesSteps, rebaseDraft, type PropertiesDraft } from './properties-draft';

let sim: TestSimulator;
let url: string;
let session: string;

beforeAll(async () => {
  ({ sim, url, session } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

/** The bridge's one request these calls use, straight to the pool (the backend in between only relays it). */
const bridge = {
  request: (name: string, args: { method: string; params: unknown[] }) => {
    if (name !== 'xapi.call') throw new Error(`unexpected ${name}`);
    return rpc(url, args.method, session, ...args.params);
  },
} as unknown as Bridge;

async function vmNamed(name: string): Promise<{ ref: string; vm: VMRecord }> {
  const [ref] = (await rpc(url, 'VM.get_by_name_label', session, name)) as string[];
  return { ref, vm: (await rpc(url, 'VM.get_record', session, ref)) as VMRecord };
}

const hostsOf = async () => (await rpc(url, 'host.get_all_records', session)) as Record<string, { name_label: string }>;
const noRegistration = () => undefined;

describe('VM Properties', () => {
  it('refuses an empty name, vCPUs out of range, a topology that does not divide and no boot device, each with its reason', async () => {
    const { vm } = await vmNamed('backup-proxy');
    const ctx = { vcpuCeiling: 16, hosts: new Set(Object.keys(await hostsOf())) };
    const draft = draftOf(vm, false);
    expect(draftProblems(draft, vm, ctx)).toEqual({});
    const bad = (patch: Partial<PropertiesDraft>) => draftProblems({ ...draft, ...patch }, vm, ctx);
    expect(bad({ name: '  ' })).toEqual({ general: { name: 'A VM needs a name.' } });
    expect(bad({ cpu: { ...draft.cpu, max: 17 } }).cpu?.max).toMatch(/from 1 to 16/);
    expect(bad({ cpu: { ...draft.cpu, max: 2, atStartup: 4 } }).cpu?.atStartup).toBe('vCPUs at startup must be a whole number from 1 to the maximum (2).');
    expect(bad({ cpu: { max: 6, atStartup: 6, coresPerSocket: 4 } }).cpu?.coresPerSocket).toMatch(/does not divide 6/);
    expect(bad({ cpu: { ...draft.cpu, atStartup: NaN } }).cpu?.atStartup).toMatch(/whole number/);
    expect(bad({ boot: { kind: 'hvm', order: bootOrderOf('cdn').map((e) => ({ ...e, enabled: false })) } }).boot?.order).toBe('Pick at least one device to boot from.');
    expect(bad({ affinity: 'OpaqueRef:gone' }).home?.affinity).toMatch(/no longer in the pool/);
    // A running VM: its current count, up to its maximum.
    const web = (await vmNamed('web-01')).vm;
    const live = { ...web, allowed_operations: [...web.allowed_operations, 'changing_VCPUs_live' as const] };
    expect(draftProblems({ ...draftOf(live, false), cpu: { ...draftOf(live, false).cpu, atStartup: web.VCPUs_max + 1 } }, live, ctx).cpu?.atStartup).toMatch(new RegExp(`1 to ${web.VCPUs_max} vCPUs \\(its maximum\\)`));
  });

  it('writes only what changed, in an order XAPI accepts, as one task that the panel lists by its title', async () => {
    const { ref, vm } = await vmNamed('backup-proxy');
    expect(propertiesSteps(ref, vm, draftOf(vm, false), noRegistration)).toEqual([]);
    const [home] = Object.entries(await hostsOf()).find(([, h]) => h.name_label === 'xcp-prod-03')!;
    expect(vm.affinity).not.toBe(home);
    const draft: PropertiesDraft = {
      ...draftOf(vm, false),
      name: ' backup-proxy-2 ',
      tags: [...vm.tags.filter((t) => t !== 'ops'), 'weekly'],
      cpu: { max: 6, atStartup: 6, coresPerSocket: 2 },
      boot: { kind: 'hvm', order: bootOrderOf('dc') },
      affinity: home,
    };
    const steps = propertiesSteps(ref, vm, draft, noRegistration);
    expect(steps.map((s) => s.method)).toEqual([
      'VM.set_name_label', 'VM.remove_tags', 'VM.add_tags',
      // 6 at startup is above the old maximum of 4: the maximum rises first.
      'VM.set_VCPUs_max', 'VM.set_VCPUs_at_startup', 'VM.remove_from_platform', 'VM.add_to_platform',
      'VM.set_HVM_boot_params', 'VM.set_affinity',
    ]);
    const log = createTaskLog();
    await runCallsAsTask(bridge, { connectionId: 'c', title: 'Save properties', targetName: 'backup-proxy-2', targetRef: ref }, steps, log);
    const after = (await vmNamed('backup-proxy-2')).vm;
    expect(after).toMatchObject({ VCPUs_max: 6, VCPUs_at_startup: 6, affinity: home, name_description: vm.name_description });
    expect(after.tags).toEqual(expect.arrayContaining(['weekly']));
    expect(after.tags).not.toContain('ops');
    expect(after.platform['cores-per-socket']).toBe('2');
    expect(after.HVM_boot_params).toMatchObject({ order: 'dc', firmware: vm.HVM_boot_params.firmware });
    expect(log.getState().finished).toMatchObject([{ title: 'Save properties', targetName: 'backup-proxy-2', status: 'success' }]);
    // The task ended on the pool: nothing left behind.
    const tasks = Object.values((await rpc(url, 'task.get_all_records', session)) as Record<string, TaskRecord>);
    expect(tasks.filter((t) => t.name_label === 'Save properties')).toEqual([]);

    // Back down: the startup count drops first, within the old maximum, then the maximum.
    expect(cpuSteps(ref, after, { max: 2, atStartup: 2, coresPerSocket: 1 }).map((s) => s.method)).toEqual(['VM.set_VCPUs_at_startup', 'VM.set_VCPUs_max', 'VM.remove_from_platform']);
  });

  it('does not write back what another client changed while the dialog was open', async () => {
    const { ref, vm } = await vmNamed('db-replica');
    const opened = draftOf(vm, false);
    const typed = { ...opened, description: 'read replica, async' };
    await rpc(url, 'VM.set_name_label', session, ref, 'db-replica-eu');
    await rpc(url, 'VM.add_tags', session, ref, 'eu');
    const now = (await vmNamed('db-replica-eu')).vm;
    const steps = propertiesSteps(ref, now, rebaseDraft(typed, opened, draftOf(now, false)), noRegistration);
    expect(steps).toEqual([{ page: 'general', method: 'VM.set_name_description', params: [ref, 'read replica, async'] }]);
  });

  it('stops at the first refused call with XAPI\'s code; what was written before stays, the rest is left to do', async () => {
    const { ref, vm } = await vmNamed('web-01');
    expect(vm.power_state).toBe('Running');
    const log = createTaskLog();
    const steps = [
      { method: 'VM.set_name_description', params: [ref, 'front end, blue'] },
      { method: 'VM.set_VCPUs_max', params: [ref, vm.VCPUs_max + 1] },
      { method: 'VM.set_name_label', params: [ref, 'web-01-renamed'] },
    ];
    await expect(runCallsAsTask(bridge, { connectionId: 'c', title: 'Save properties', targetName: 'web-01', targetRef: ref }, steps, log)).rejects.toMatchObject({ code: 'VM_BAD_POWER_STATE' });
    const after = (await vmNamed('web-01')).vm;
    expect(after.name_description).toBe('front end, blue');
    expect(after.VCPUs_max).toBe(vm.VCPUs_max);
    expect(log.getState().finished).toMatchObject([{ status: 'failure', error: { code: 'VM_BAD_POWER_STATE', params: [ref, 'halted', 'running'] } }]);
    // The next OK, against the VM as it now is, writes only what is left.
    const draft = { ...draftOf(after, false), name: 'web-01-renamed', description: 'front end, blue' };
    expect(propertiesSteps(ref, after, draft, noRegistration).map((s) => s.method)).toEqual(['VM.set_name_label']);
  });

  it('switches container management with xscontainer register/deregister on the pool coordinator, and reads a refusal', async () => {
    const { ref, vm } = await vmNamed('build-agent-02');
    const pools = (await rpc(url, 'pool.get_all_records', session)) as Record<string, { master: string }>;
    const coordinator = coordinatorRef(storeWithPool({ pool: pools }).getState(), 'c')!;
    const draft = draftOf(vm, true);
    expect(draft.containers).toBe(true);
    const steps = propertiesSteps(ref, vm, { ...draft, containers: false }, (on) => registrationStep(coordinator, vm, on));
    expect(steps).toMatchObject([{ page: 'containers', method: 'host.call_plugin', params: [coordinator, 'xscontainer', 'deregister', { vmuuid: vm.uuid }] }]);
    await runCallsAsTask(bridge, { connectionId: 'c', title: 'Save properties', targetName: 'build-agent-02', targetRef: ref }, steps, createTaskLog());
    expect((await vmNamed('build-agent-02')).vm.other_config['xscontainer-monitor']).toBe('False');
    await runCallsAsTask(bridge, { connectionId: 'c', title: 'Save properties', targetName: 'build-agent-02', targetRef: ref }, [registrationStep(coordinator, vm, true)], createTaskLog());
    expect((await vmNamed('build-agent-02')).vm.other_config['xscontainer-monitor']).toBe('True');
    // An answer that does not start with "True" is the plug-in saying no.
    expect(registrationStep(coordinator, vm, true).refusal!('TrueNone')).toBeUndefined();
    expect(registrationStep(coordinator, vm, true).refusal!('False')?.code).toMatch(/^XSCONTAINER_/);
  });
});

describe('task panel words', () => {
  const task = (over: Partial<TaskRecord>): TaskRecord =>
    ({ uuid: 'u', name_label: 'Async.VM.start', name_description: '', allowed_operations: [], current_operations: {}, created: '20260101T10:00:00Z', finished: '19700101T00:00:00Z', status: 'pending', resident_on: 'OpaqueRef:NULL', progress: 0, type: '', result: '', error_info: [], other_config: {}, subtask_of: NULL_REF, subtasks: [], backtrace: '', ...over }) as TaskRecord;

  it('names XenDeck\'s tasks by the title in their other_config, follows other clients\' operations, and leaves out per-call tasks and subtasks', () => {
    const parent = task({ name_label: 'Async.VM.migrate_send' });
    const store = storeWithPool({ VM: { 'OpaqueRef:vm': { name_label: 'web-01' } }, task: { 'OpaqueRef:parent': parent } });
    const state = store.getState();
    const labels = taskLabels({ title: 'Stop container', targetName: 'prometheus on monitoring', targetRef: 'OpaqueRef:vm' });
    expect(describeTask(state, 'c', task({ name_label: 'Async.host.call_plugin', other_config: labels }))).toEqual({ title: 'Stop container', targetName: 'prometheus on monitoring', targetRef: 'OpaqueRef:vm' });
    expect(describeTask(state, 'c', task({ name_label: 'Async.VM.clean_shutdown', other_config: { applies_to: 'OpaqueRef:vm' } }))).toEqual({ title: 'Shut down', targetName: 'web-01', targetRef: 'OpaqueRef:vm' });
    // xe vm-start: a synchronous call, still an operation worth following.
    expect(describeTask(state, 'c', task({ name_label: 'VM.start' }))?.title).toBe('Start');
    expect(describeTask(state, 'c', task({ name_label: 'host.call_plugin' }))).toBeUndefined();
    expect(describeTask(state, 'c', task({ name_label: 'Async.host.call_plugin', other_config: { applies_to: 'OpaqueRef:vm' } }))).toBeUndefined();
    expect(describeTask(state, 'c', task({ name_label: 'VDI.copy', subtask_of: 'OpaqueRef:parent' }))).toBeUndefined();
  });
});
