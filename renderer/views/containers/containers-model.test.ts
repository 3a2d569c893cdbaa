/**
 * The renderer's reading of containers, on what the demo simulator's xscontainer writes and answers over
 * real sockets: the tree rows under their VM, the Objects view group, the actions' states and reasons, the
 * Processes sort and the Details rows, and an Async task's encoded result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerInspect, parseDockerTop } from '../../../shared/api-client/xscontainer';
import type { VMRecord } from '../../../shared/xapi/generated/records';
// A test, not the bundle: the simulator plays the pool, over real sockets.
import { startSignedIn, type TestSimulator } from '../../../simulator/contract/harness';
import { login } from '../../../simulator/contract/json-rpc-client';
import { PluginClient, rpc } from '../../../simulator/containers/plugin-test-client';
import { createMirrorStore, type Target } from '../../store';
import type { ContainerTarget } from '../../store/object-id';
import { buildTree, type TreeNodeModel } from '../tree/tree-model';
import { pauseContainer, resumeContainer, startContainer, stopContainer } from './container-actions';
import { inspectRows } from './inspect-rows';
import { pluginRefusal, taskResultText } from './plugin-calls';
import { sortProcesses } from './process-sort';
import { vmContainers, vmDockerPs } from './vm-containers';

const CLASSES = ['pool', 'host', 'VM', 'VM_guest_metrics', 'message'] as const;
let sim: TestSimulator;
let url: string;
let session: string;
let plugin: PluginClient;

beforeAll(async () => {
  ({ sim, url, session } = await startSignedIn({ timeScale: 0 }));
  plugin = new PluginClient(url, session, sim);
});
afterAll(() => sim.cleanup());

/** A store holding a pool (Production unless told) as the renderer mirrors it, from the simulator's records. */
async function poolStore(on = { url, session }) {
  const added: Record<string, Record<string, unknown>> = {};
  for (const cls of CLASSES) added[cls] = (await rpc(on.url, `${cls}.get_all_records`, on.session)) as Record<string, unknown>;
  const store = createMirrorStore();
  store.getState().setConnections([{ id: 'c', address: url, user: 'root', label: 'Production', demo: true, remembered: false, hidden: false, status: { state: 'connected' } }]);
  store.getState().applyBatch({ connectionId: 'c', reset: true, added, modified: {}, removed: {} });
  return store;
}

const vmNamed = (store: Awaited<ReturnType<typeof poolStore>>, name: string) => {
  const found = [...store.getState().mirrors.c.objects.VM!.entries()].find(([, v]) => v.name_label === name && !v.is_a_snapshot);
  if (!found) throw new Error(`no VM ${name}`);
  return { ref: found[0], vm: found[1] };
};

function find(nodes: readonly TreeNodeModel[], label: string): TreeNodeModel | undefined {
  for (const n of nodes) {
    if (n.label === label) return n;
    const inner = n.children && find(n.children, label);
    if (inner) return inner;
  }
  return undefined;
}

const containerTarget = (vmRef: string, containerId: string): ContainerTarget => ({ kind: 'container', connectionId: 'c', vmRef, containerId });

describe('containers in the tree', () => {
  it('lists a monitored VM\'s containers under it, by name, with the icon state of each', async () => {
    const store = await poolStore();
    const tree = buildTree('infrastructure', store.getState());
    const monitoring = find(tree, 'monitoring')!;
    const rows = monitoring.children!;
    expect(rows.map((r) => r.label)).toEqual([...rows.map((r) => r.label)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })));
    const byName = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(byName['monitoring-prometheus-1']).toMatchObject({ kind: 'container', state: 'running', stateText: 'container, running' });
    expect(byName['monitoring-cadvisor-1']).toMatchObject({ state: 'paused', detail: 'Paused' });
    expect(byName['monitoring-loki-1']).toMatchObject({ state: 'halted', detail: 'Exited (1)', stateText: 'container, exited with code 1' });
    // A crash loop is not drawn as running (XenCenter: only "Up…" is running).
    expect(Object.values(byName).find((r) => r.stateText === 'container, restarting')?.state).toBe('halted');
    // Found by image as well as by name.
    expect(byName['monitoring-prometheus-1'].terms).toContain('prom/prometheus:v2.51.2');
  });

  it('says on a VM\'s row that xscontainer cannot reach its Docker; a VM not monitored has no container rows', async () => {
    const lab = sim.hosts.find((h) => h.name === 'xcp-lab-01')!.httpUrl;
    const tree = buildTree('infrastructure', (await poolStore({ url: lab, session: await login(lab) })).getState());
    expect(find(tree, 'k8s-lab-1')).toMatchObject({ detail: 'Docker unreachable', tone: 'warning' });
    expect(find(tree, 'k8s-lab-1')!.children).toBeUndefined();
    expect(find(tree, 'sandbox-01')).toMatchObject({ children: undefined, detail: undefined });
  });

  it('keeps the container rows as they were when the VM changes in another field, and rebuilds them when docker_ps changes', async () => {
    const store = await poolStore();
    const { ref, vm } = vmNamed(store, 'monitoring');
    const before = find(buildTree('infrastructure', store.getState()), 'monitoring')!.children!;
    store.getState().applyBatch({ connectionId: 'c', reset: false, added: {}, modified: { VM: { [ref]: { ...vm, memory_target: vm.memory_target + 1 } } }, removed: {} });
    expect(find(buildTree('infrastructure', store.getState()), 'monitoring')!.children).toBe(before);

    const ps = vm.other_config.docker_ps.replace(/<status>(Up[^<]*) \(Paused\)<\/status>/, '<status>$1</status>');
    expect(ps).not.toBe(vm.other_config.docker_ps);
    store.getState().applyBatch({ connectionId: 'c', reset: false, added: {}, modified: { VM: { [ref]: { ...vm, other_config: { ...vm.other_config, docker_ps: ps } } } }, removed: {} });
    const after = find(buildTree('infrastructure', store.getState()), 'monitoring')!.children!;
    expect(after).not.toBe(before);
    expect(after.find((r) => r.label === 'monitoring-cadvisor-1')!.state).toBe('running');
  });

  it('gives no containers to a snapshot or a template (they copy other_config), and says when docker_ps cannot be read', async () => {
    const store = await poolStore();
    const { ref, vm } = vmNamed(store, 'monitoring');
    const snapshot: VMRecord = { ...vm, is_a_snapshot: true, name_label: 'monitoring before upgrade' };
    expect(vmContainers(snapshot)).toEqual([]);
    expect(vmContainers({ ...vm, is_a_template: true })).toEqual([]);
    expect(vmContainers(vm).length).toBeGreaterThan(5);

    store.getState().applyBatch({ connectionId: 'c', reset: false, added: {}, modified: { VM: { [ref]: { ...vm, other_config: { ...vm.other_config, docker_ps: '<docker_ps><item><entry>' } } } }, removed: {} });
    const row = find(buildTree('infrastructure', store.getState()), 'monitoring')!;
    expect(row).toMatchObject({ detail: 'Container list unreadable', tone: 'warning' });
    expect(row.children).toBeUndefined();
    expect(vmDockerPs(store.getState().mirrors.c.objects.VM!.get(ref)!)).toMatchObject({ kind: 'unreadable', error: { code: expect.stringMatching(/^XSCONTAINER_DATA_/) } });
    // The other monitored VM still lists its containers.
    expect(find(buildTree('infrastructure', store.getState()), 'build-agent-01')!.children!.length).toBeGreaterThan(0);
  });

  it('groups every container in the Objects view, each saying which VM it runs in', async () => {
    const store = await poolStore();
    const group = buildTree('objects', store.getState()).find((n) => n.label === 'Docker containers')!;
    expect(group.children!.find((r) => r.label === 'gitlab-runner')!.detail).toBe('in build-agent-01');
    expect(group.children!.find((r) => r.label === 'monitoring-loki-1')!.detail).toBe('Exited (1) · in monitoring');
  });
});

describe('container actions', () => {
  it('are enabled from each container\'s state and say why not', async () => {
    const store = await poolStore();
    const { ref, vm } = vmNamed(store, 'monitoring');
    const byName = Object.fromEntries(vmContainers(vm).map((c) => [c.name, c]));
    const t = (name: string): Target => containerTarget(ref, byName[name].id);
    const reason = (action: typeof startContainer, targets: Target[]) => action.disabledReason(targets, store.getState());

    expect(reason(startContainer, [t('monitoring-prometheus-1')])).toBe('monitoring-prometheus-1 is already running.');
    expect(reason(stopContainer, [t('monitoring-prometheus-1')])).toBeUndefined();
    expect(reason(resumeContainer, [t('monitoring-cadvisor-1')])).toBeUndefined();
    expect(reason(stopContainer, [t('monitoring-cadvisor-1')])).toBe('monitoring-cadvisor-1 is paused: resume it first.');
    expect(reason(startContainer, [t('monitoring-loki-1')])).toBeUndefined();
    // A multi-selection: enabled when one of them can; otherwise each reason is given.
    expect(reason(stopContainer, [t('monitoring-loki-1'), t('monitoring-prometheus-1')])).toBeUndefined();
    expect(reason(pauseContainer, [t('monitoring-loki-1'), t('monitoring-cadvisor-1')])).toMatch(/^None of the 2 selected containers can: /);
    expect(startContainer.appliesTo([t('monitoring-loki-1'), { kind: 'object', connectionId: 'c', cls: 'VM', ref }], store.getState())).toBe(false);

    // The same VM seen as a Windows guest (HVM, viridian, no Linux distro reported): no pausing.
    const windows: VMRecord = { ...vm, HVM_boot_policy: 'BIOS order', platform: { ...vm.platform, viridian: 'true' }, guest_metrics: 'OpaqueRef:NULL' };
    store.getState().applyBatch({ connectionId: 'c', reset: false, added: {}, modified: { VM: { [ref]: windows } }, removed: {} });
    expect(reason(pauseContainer, [t('monitoring-prometheus-1')])).toBe('monitoring-prometheus-1 runs on a Windows VM, where containers cannot be paused.');
    expect(reason(stopContainer, [t('monitoring-prometheus-1')])).toBeUndefined();
  });
});

describe('details read from the plug-in', () => {
  it('sorts docker top\'s processes by CPU time and PID, ties in ps order', async () => {
    const vm = await plugin.vm('monitoring');
    const top = await plugin.call(vm.host, 'get_top', { vmuuid: vm.uuid, object: 'monitoring-prometheus-1' });
    if (!top.ok) throw new Error(top.code);
    const parsed = parseDockerTop(top.result.replace(/^True/, ''));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const processes = parsed.value;
    expect(processes.length).toBeGreaterThan(0);
    const busiest = sortProcesses(processes, { column: 'cpu', descending: true }).map((p) => p.cpuSeconds ?? -1);
    expect(busiest).toEqual([...busiest].sort((a, b) => b - a));
    const pids = sortProcesses(processes, { column: 'pid', descending: false }).map((p) => Number(p.pid));
    expect(pids).toEqual([...pids].sort((a, b) => a - b));
  });

  it('shows docker inspect as a tree opened where the user opened it', async () => {
    const vm = await plugin.vm('monitoring');
    const store = await poolStore();
    const prometheus = vmContainers(vmNamed(store, 'monitoring').vm).find((c) => c.name === 'monitoring-prometheus-1')!;
    const inspect = await plugin.call(vm.host, 'get_inspect', { vmuuid: vm.uuid, object: prometheus.id });
    if (!inspect.ok) throw new Error(inspect.code);
    const nodes = parseDockerInspect(inspect.result.replace(/^True/, ''));
    if (!nodes.ok) throw new Error(nodes.error.message);
    const closed = inspectRows(nodes.value, new Set());
    expect(closed.every((r) => r.level === 1)).toBe(true);
    expect(closed.find((r) => r.label === 'Id')).toMatchObject({ hasChildren: false, detail: prometheus.id });
    const state = closed.find((r) => r.label === 'State')!;
    expect(state.hasChildren).toBe(true);
    const opened = inspectRows(nodes.value, new Set([state.key]));
    expect(opened.find((r) => r.label === 'Status' && r.parentKey === state.key)).toMatchObject({ level: 2, value: 'running' });
  });

  it('reads an Async call\'s result as XAPI stores it in the task (XML-RPC encoded)', async () => {
    const vm = await plugin.vm('build-agent-01');
    const master = ((await rpc(url, 'pool.get_all_records', session)) as Record<string, { master: string }>);
    const coordinator = Object.values(master)[0].master;
    const task = (await rpc(url, 'Async.host.call_plugin', session, coordinator, 'xscontainer', 'get_inspect', { vmuuid: vm.uuid, object: 'no-such-container' })) as string;
    let record: { status: string; result: string; error_info: string[] } | undefined;
    for (let i = 0; i < 100; i++) {
      await sim.clock.advance(250);
      record = (await rpc(url, 'task.get_record', session, task)) as typeof record;
      if (record!.status !== 'pending') break;
    }
    // Docker answers 404 for an unknown container: the plug-in's failure, with its words.
    expect(record!.status).toBe('failure');
    expect(record!.error_info[0]).toBe('XENAPI_PLUGIN_FAILURE');

    const ok = (await rpc(url, 'Async.host.call_plugin', session, coordinator, 'xscontainer', 'get_inspect', { vmuuid: vm.uuid, object: vmContainers((await poolStore()).getState().mirrors.c.objects.VM!.get(vm.ref)!)[0].id })) as string;
    for (let i = 0; i < 100; i++) {
      await sim.clock.advance(250);
      record = (await rpc(url, 'task.get_record', session, ok)) as typeof record;
      if (record!.status !== 'pending') break;
    }
    expect(record!.status).toBe('success');
    expect(record!.result).toMatch(/^<value>/);
    const text = taskResultText(record!.result);
    expect(text).toMatch(/^True<\?xml/);
    expect(pluginRefusal(text)).toBeUndefined();
    expect(pluginRefusal('ERROR: docker not found')).toMatchObject({ params: ['ERROR: docker not found'] });
  });
});
