/**
 * Containers follow their VM, seen over JSON-RPC as a client sees them (docker_ps in other_config): a clean
 * shutdown stops them as dockerd does, a hard stop or host failure kills them, the keys go while the VM is
 * down, and the next boot restarts them per their restart policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc } from '../contract/json-rpc-client';
import { PluginClient, psStatuses, xmlValue } from './plugin-test-client';
import { poolContainers } from './guest-docker';

let sim: TestSimulator;
let c: PluginClient;

beforeAll(async () => {
  const { sim: started, url, session } = await startSignedIn({ timeScale: 0 });
  sim = started;
  c = new PluginClient(url, session, sim);
});
afterAll(() => sim.cleanup());

const dockerKeys = (oc: Record<string, string>) => Object.keys(oc).filter((k) => k.startsWith('docker_')).sort();
/** Boot: dockerd starts 3 s in, the guest agent reports at 6 s, xscontainer connects 1.5 s later. */
const BOOT_AND_CONNECT = 9000;

describe('a VM halted without a clean shutdown', () => {
  it('loses its docker keys at once; on the next boot Docker restarts what its policy says and leaves the rest exited', async () => {
    const vm = await c.vm('monitoring');
    // Stopped by hand: an unless-stopped container stays stopped across reboots.
    expect(await c.call(vm.host, 'stop', { vmuuid: vm.uuid, container: 'monitoring-alertmanager-1' })).toEqual({ ok: true, result: 'True' });
    const before = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    expect(before).toMatchObject({ 'monitoring-cadvisor-1': 'Up (Paused)', 'monitoring-loki-1': 'Exited (1)', 'monitoring-prometheus-1': 'Up' });

    await c.vmOp('VM.hard_shutdown', vm.ref);
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);
    expect((await c.otherConfig(vm.ref))['xscontainer-monitor']).toBe('True');

    await c.vmOp('VM.start', vm.ref, false, false);
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);
    await sim.clock.advance(BOOT_AND_CONNECT);
    const after = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual(['docker_info', 'docker_ps', 'docker_version']);
    // unless-stopped: back (the paused one too: it died with the VM); always: back, still crash-looping.
    for (const name of ['monitoring-prometheus-1', 'monitoring-grafana-1', 'monitoring-node-exporter-1', 'monitoring-blackbox-exporter-1', 'monitoring-cadvisor-1']) expect(after[name], name).toBe('Up');
    expect(after['monitoring-snmp-exporter-1']).toMatch(/^(Up|Restarting \(1\) .* ago)$/);
    // No policy, or stopped by hand: left as they were.
    expect(after).toMatchObject({ 'monitoring-loki-1': 'Exited (1)', 'monitoring-grafana-backup-run-5d0c1e7a9b34': 'Exited (0)', 'monitoring-alertmanager-1': 'Exited (0)' });
  });

  it('leaves a container without restart policy that was running when the VM died Exited (255)', async () => {
    const vm = await c.vm('build-agent-01');
    const running = Object.entries(psStatuses((await c.otherConfig(vm.ref)).docker_ps)).filter(([n, st]) => n.endsWith('-build') && st === 'Up').map(([n]) => n);
    expect(running.length).toBeGreaterThan(0);
    await sim.faults.killHost('xcp-prod-02');
    try {
      expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);
      expect((await rpc(c.url, 'VM.get_power_state', c.session, vm.ref))).toBe('Halted');
    } finally {
      await sim.faults.restartHost('xcp-prod-02');
    }
    await c.vmOp('VM.start', vm.ref, false, false);
    await sim.clock.advance(BOOT_AND_CONNECT);
    const after = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    for (const name of running) expect(after[name], name).toBe('Exited (255)');
    expect(after['gitlab-runner']).toBe('Up');
  });
});

describe('a clean shutdown', () => {
  it('stops the containers as dockerd does (docker_ps shows them exiting), then the keys go; a halted VM starts them again', async () => {
    const vm = await c.vm('monitoring');
    const task = (await rpc(c.url, 'Async.VM.clean_shutdown', c.session, vm.ref)) as string;
    await sim.clock.advance(1200);
    const stopping = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    expect(stopping).toMatchObject({ 'monitoring-node-exporter-1': 'Exited (143)', 'monitoring-grafana-1': 'Exited (0)' });
    await sim.clock.advance(3000);
    expect((await rpc(c.url, 'task.get_status', c.session, task))).toBe('success');
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);

    await c.vmOp('VM.start', vm.ref, false, false);
    await sim.clock.advance(BOOT_AND_CONNECT);
    const after = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    expect(after).toMatchObject({ 'monitoring-prometheus-1': 'Up', 'monitoring-grafana-1': 'Up', 'monitoring-node-exporter-1': 'Up', 'monitoring-loki-1': 'Exited (1)' });
  });

  it('brings the runner of a VM halted at the start of the simulation back when it boots', async () => {
    const vm = await c.vm('build-agent-02');
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);
    await c.vmOp('VM.start', vm.ref, false, false);
    await sim.clock.advance(BOOT_AND_CONNECT);
    const ps = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    expect(ps).toMatchObject({ 'gitlab-runner': 'Up', 'registry-mirror': 'Up' });
    expect(Object.entries(ps).filter(([n]) => n.includes('-cache-')).map(([, st]) => st)).toEqual(['Exited (0)', 'Exited (0)']);
  });
});

describe('a suspended VM', () => {
  it('freezes its containers: keys gone while suspended, the same containers running after resume', async () => {
    const vm = await c.vm('monitoring');
    const started = async () => xmlValue(((await c.call((await c.vm('monitoring')).host, 'get_inspect', { vmuuid: vm.uuid, object: 'monitoring-prometheus-1' })) as { result: string }).result, 'StartedAt');
    const before = await started();
    await c.vmOp('VM.suspend', vm.ref);
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);
    await sim.clock.advance(3600_000);
    await c.vmOp('VM.resume', vm.ref, false, false);
    await sim.clock.advance(BOOT_AND_CONNECT);
    expect(psStatuses((await c.otherConfig(vm.ref)).docker_ps)['monitoring-prometheus-1']).toBe('Up');
    expect(await started()).toBe(before);
  });
});

describe('a live migration', () => {
  it("moves monitoring to the new host's xscontainer: the keys go, then come back with the same containers running", async () => {
    const vm = await c.vm('monitoring');
    const target = await c.hostRef('xcp-prod-01');
    expect(vm.host).not.toBe(target);
    const before = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    const task = (await rpc(c.url, 'Async.VM.pool_migrate', c.session, vm.ref, target, { live: 'true' })) as string;
    for (let i = 0; i < 60 && (await rpc(c.url, 'task.get_status', c.session, task)) === 'pending'; i++) await sim.clock.advance(250);
    expect((await c.vm('monitoring')).host).toBe(target);
    // The old host's monitor removed the keys; the new host's connects over SSH first.
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);
    await sim.clock.advance(2000);
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual(['docker_info', 'docker_ps', 'docker_version']);
    const after = psStatuses((await c.otherConfig(vm.ref)).docker_ps);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    // The SNMP exporter is in a crash loop by design: Up or Restarting depends on when the migration ends.
    const steady = (statuses: Record<string, string>) => Object.fromEntries(Object.entries(statuses).filter(([name]) => name !== 'monitoring-snmp-exporter-1'));
    expect(steady(after)).toEqual(steady(before));
    // Calls on the old host are now forwarded to the new one.
    const old = await c.hostRef('xcp-prod-03');
    expect(await c.call(old, 'get_top', { vmuuid: vm.uuid, object: 'monitoring-prometheus-1' })).toMatchObject({ ok: true });
  });
});

describe('Docker stopped inside a monitored VM', () => {
  it('loses the keys at once, gets the alert after retrying, and both recover when Docker is back', async () => {
    const vm = await c.vm('monitoring');
    const alerts = async () => Object.values((await rpc(c.url, 'message.get_all_records', c.session)) as Record<string, Record<string, unknown>>)
      .filter((m) => m.obj_uuid === vm.uuid && m.name === 'Container Management cannot monitor VM').map((m) => m.body);
    const daemon = poolContainers(sim.pools[0].pool).daemon(vm.ref)!;
    const stopping = daemon.setService(false);
    await sim.clock.advance(3000);
    await stopping;
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual([]);
    // xscontainer warns once its monitoring loop has been failing for two minutes.
    await sim.clock.advance(130_000);
    expect(await alerts()).toEqual(['Unable to find the Docker unix socket at /var/run/docker.sock. Please install and run Docker.']);

    await daemon.setService(true);
    await sim.clock.advance(21_000);
    expect(dockerKeys(await c.otherConfig(vm.ref))).toEqual(['docker_info', 'docker_ps', 'docker_version']);
    expect(psStatuses((await c.otherConfig(vm.ref)).docker_ps)['monitoring-prometheus-1']).toBe('Up');
    expect(await alerts()).toEqual([]);
  });
});
