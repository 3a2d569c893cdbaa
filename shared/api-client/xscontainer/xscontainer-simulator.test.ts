/**
 * The client's xscontainer parsers against a running simulator over real sockets: every document the demo pool
 * holds, the plugin's results, and its failures explained (direct, forwarded through another host, crashed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../../../simulator/contract/harness';
import { login, rpc } from '../../../simulator/contract/json-rpc-client';
import { PluginClient } from '../../../simulator/containers/plugin-test-client';
import { containerMonitoring, describeXscontainerFailure, parseDockerInfo, parseDockerInspect, parseDockerPs, parseDockerTop, parseDockerVersion, parsePythonStringList } from './index';

let sim: TestSimulator;
let c: PluginClient;
type Vm = { uuid: string; name_label: string; power_state: string; other_config: Record<string, string> };
let vms: Vm[];

beforeAll(async () => {
  const { sim: started, url, session } = await startSignedIn({ timeScale: 0 });
  sim = started;
  c = new PluginClient(url, session, sim);
  vms = Object.values((await rpc(url, 'VM.get_all_records', session)) as Record<string, Vm>);
});
afterAll(() => sim.cleanup());

describe('the demo pool as the client reads it', () => {
  it('parses every docker_ps, docker_info and docker_version, with every container state the demo shows', () => {
    const monitored = vms.filter((v) => v.other_config.docker_ps !== undefined);
    expect(monitored.map((v) => v.name_label).sort()).toEqual(['build-agent-01', 'monitoring']);
    for (const v of monitored) {
      const ps = parseDockerPs(v.other_config.docker_ps);
      const info = parseDockerInfo(v.other_config.docker_info);
      const version = parseDockerVersion(v.other_config.docker_version);
      if (!ps.ok || !info.ok || !version.ok) throw new Error(`${v.name_label} did not parse`);
      expect(info.value.containers).toBe(ps.value.length);
      expect(version.value).toMatchObject({ version: '24.0.7', apiVersion: '1.43' });
      expect(info.value).toMatchObject({ driver: 'overlay2', ipv4Forwarding: true, indexServerAddress: 'https://index.docker.io/v1/' });
      for (const ct of ps.value) expect(ct.shortId).toBe(ct.id.slice(0, 10));
    }
    const monitoring = parseDockerPs(monitored.find((v) => v.name_label === 'monitoring')!.other_config.docker_ps);
    if (!monitoring.ok) throw new Error(monitoring.error.message);
    expect(new Set(monitoring.value.map((ct) => ct.state))).toEqual(new Set(['running', 'paused', 'restarting', 'exited']));
    expect(monitoring.value.find((ct) => ct.name === 'monitoring-grafana-backup-run-5d0c1e7a9b34')!.command)
      .toBe('sh -c \'tar czf /backup/grafana-$(date +%F).tgz -C /var/lib/grafana . && find /backup -name "grafana-*.tgz" -mtime +14 -delete 2>/dev/null\'');
    expect(monitoring.value.find((ct) => ct.name === 'monitoring-prometheus-1')!.ports).toEqual([
      { ip: '0.0.0.0', privatePort: 9090, publicPort: 9090, protocol: 'tcp' }, { ip: '::', privatePort: 9090, publicPort: 9090, protocol: 'tcp' },
    ]);
  });

  it('tells a monitored VM, a VM that is off, a prepared VM and an unreachable one apart', async () => {
    const labUrl = sim.hosts.find((h) => h.name === 'xcp-lab-01')!.httpUrl;
    const lab = new PluginClient(labUrl, await login(labUrl), sim);
    const labVms = Object.values((await rpc(labUrl, 'VM.get_all_records', lab.session)) as Record<string, Vm>);
    const messages = Object.values((await rpc(labUrl, 'message.get_all_records', lab.session)) as Record<string, { name: string; obj_uuid: string; body: string; timestamp: string }>);
    const state = (list: Vm[], name: string) => containerMonitoring(list.find((v) => v.name_label === name)!, messages);
    expect(state(vms, 'monitoring')).toEqual({ kind: 'monitored' });
    expect(state(vms, 'build-agent-02')).toEqual({ kind: 'vm-not-running' });
    expect(state(vms, 'web-01')).toEqual({ kind: 'not-prepared' });
    expect(state(labVms, 'sandbox-01')).toEqual({ kind: 'off' });
    expect(state(labVms, 'k8s-lab-1')).toMatchObject({ kind: 'unreachable', reason: 'Unable to find the Docker unix socket at /var/run/docker.sock. Please install and run Docker.' });
  });
});

describe('plugin results and failures', () => {
  it('parses get_top and get_inspect results', async () => {
    const mon = await c.vm('monitoring');
    const top = await c.call(mon.host, 'get_top', { vmuuid: mon.uuid, object: 'monitoring-grafana-1' });
    const procs = parseDockerTop(top.ok ? top.result : '');
    if (!procs.ok) throw new Error(procs.error.message);
    expect(procs.value).toHaveLength(1);
    expect(procs.value[0]).toMatchObject({ user: '472', command: expect.stringMatching(/^grafana server --homepath=\/usr\/share\/grafana/) });
    expect(procs.value[0].cpuSeconds).toBeGreaterThan(0);
    const inspect = await c.call(mon.host, 'get_inspect', { vmuuid: mon.uuid, object: 'monitoring-grafana-1' });
    const tree = parseDockerInspect(inspect.ok ? inspect.result : '');
    if (!tree.ok) throw new Error(tree.error.message);
    const ports = tree.value.find((n) => n.name === 'NetworkSettings')!.children.find((n) => n.name === 'Ports')!;
    expect(ports.children.map((n) => n.name)).toEqual(['3000/tcp']);
  });

  it("explains Docker's refusal whether the call ran on the VM's host or was forwarded", async () => {
    const mon = await c.vm('monitoring');
    const master = await c.hostRef('xcp-prod-01');
    for (const host of [mon.host, master]) {
      const f = await c.failure(host, 'stop', { vmuuid: mon.uuid, container: 'nope' });
      expect(describeXscontainerFailure(f.code, f.params)).toEqual({ text: 'No such container: nope', dockerStatus: 404, pythonClass: 'XSContainerException' });
      const notRunning = await c.failure(host, 'pause', { vmuuid: mon.uuid, container: 'monitoring-loki-1' });
      expect(describeXscontainerFailure(notRunning.code, notRunning.params)).toMatchObject({ text: expect.stringMatching(/^Container [0-9a-f]{64} is not running$/), dockerStatus: 409 });
      const again = await c.failure(host, 'start', { vmuuid: mon.uuid, container: 'monitoring-grafana-1' });
      expect(describeXscontainerFailure(again.code, again.params)).toEqual({ text: 'The requested operation is currently not possible. Please try again later.', dockerStatus: 304, pythonClass: 'XSContainerException' });
    }
  });

  it('explains an unknown VM, a missing argument, an unknown function and an unreachable guest', async () => {
    const master = await c.hostRef('xcp-prod-01');
    const uuid = await c.failure(master, 'start', { vmuuid: '9d3f0f8e-0000-4000-8000-000000000000', container: 'x' });
    expect(describeXscontainerFailure(uuid.code, uuid.params)).toEqual({ text: 'No such VM: 9d3f0f8e-0000-4000-8000-000000000000', code: 'UUID_INVALID' });
    const args = await c.failure(master, 'register', {});
    expect(describeXscontainerFailure(args.code, args.params)).toMatchObject({ pythonClass: 'Exception', text: 'The plug-in was called without an argument it needs.' });
    const fn = await c.failure(master, 'frobnicate', {});
    expect(describeXscontainerFailure(fn.code, fn.params)).toEqual({ text: 'The plug-in has no function frobnicate.', code: 'UNKNOWN_XENAPI_PLUGIN_FUNCTION' });
    const halted = await c.vm('build-agent-02');
    const ssh = await c.failure(master, 'start', { vmuuid: halted.uuid, container: 'gitlab-runner' });
    expect(describeXscontainerFailure(ssh.code, ssh.params)).toEqual({ text: `execute_ssh: No valid IP found for vmuuid ${halted.uuid}`, pythonClass: 'SshException' });
    expect(describeXscontainerFailure('HOST_OFFLINE', ['OpaqueRef:x'])).toBeUndefined();
  });
});

describe('parsePythonStringList', () => {
  it("reads Python 2's repr of lists of strings, escapes and both quote styles", () => {
    expect(parsePythonStringList("['a', \"b'c\", 'd\\'e\\\\f', 'g\\r\\n\\t', u'\\xe9\\u6f22']")).toEqual(['a', "b'c", "d'e\\f", 'g\r\n\t', 'é漢']);
    expect(parsePythonStringList('[]')).toEqual([]);
    for (const bad of ['', 'x', "['a'", "['a' 'b']", "['a'] trailing", '[1, 2]', "['\\x4']"]) expect(parsePythonStringList(bad), bad).toBeUndefined();
  });
});
