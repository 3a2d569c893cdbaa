/**
 * host.call_plugin and the xscontainer plugin over JSON-RPC: every function, every argument form (short id,
 * full id, name), the failures real hosts give, and the forwarding to the host that runs the VM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { login, rpc } from '../contract/json-rpc-client';
import { PluginClient, psStatuses, xmlValue } from './plugin-test-client';

let sim: TestSimulator;
let prod: PluginClient;
let master: string;
/** The monitoring VM runs on xcp-prod-03, not on the master. */
let mon: { ref: string; uuid: string; host: string };

beforeAll(async () => {
  const { sim: started, url, session } = await startSignedIn({ timeScale: 0 });
  sim = started;
  prod = new PluginClient(url, session, sim);
  master = await prod.hostRef('xcp-prod-01');
  mon = await prod.vm('monitoring');
});
afterAll(() => sim.cleanup());

const shortIdOf = (ps: string, name: string) => {
  const entry = ps.split('<entry>').find((e) => e.includes(`<names>${name}</names>`))!;
  return { short: xmlValue(entry, 'container')!, full: xmlValue(entry, 'id')! };
};

describe('host.call_plugin', () => {
  it('answers XENAPI_MISSING_PLUGIN for a plugin the host does not have, HANDLE_INVALID for a bad host', async () => {
    expect(await prod.failure(master, 'start', { vmuuid: mon.uuid, container: 'x' }, 'no-such-plugin')).toEqual({ code: 'XENAPI_MISSING_PLUGIN', params: ['no-such-plugin'] });
    expect((await prod.failure('OpaqueRef:00000000-0000-0000-0000-000000000000', 'start', {})).code).toBe('HANDLE_INVALID');
  });

  it('runs as a task too (Async.host.call_plugin)', async () => {
    const task = (await rpc(prod.url, 'Async.host.call_plugin', prod.session, mon.host, 'xscontainer', 'get_top', { vmuuid: mon.uuid, object: 'monitoring-grafana-1' })) as string;
    await sim.clock.advance(100);
    const t = (await rpc(prod.url, 'task.get_record', prod.session, task)) as Record<string, string>;
    expect(t.status).toBe('success');
    // The task's result is the string in XML-RPC form, as xapi stores it.
    expect(t.result).toContain('True&lt;?xml version="1.0" ?&gt;&lt;docker_top&gt;');
  });

  it('answers HOST_OFFLINE for a host that is down', async () => {
    await sim.faults.killHost('xcp-prod-02');
    try {
      const down = await prod.hostRef('xcp-prod-02');
      expect(await prod.failure(down, 'register', { vmuuid: mon.uuid })).toEqual({ code: 'HOST_OFFLINE', params: [down] });
    } finally {
      await sim.faults.restartHost('xcp-prod-02');
    }
  });
});

describe('xscontainer: arguments and failures as the plugin gives them', () => {
  it('names an unknown function UNKNOWN_XENAPI_PLUGIN_FUNCTION, and the dev-mode functions say so', async () => {
    expect(await prod.failure(master, 'list_containers', {})).toEqual({ code: 'UNKNOWN_XENAPI_PLUGIN_FUNCTION', params: ['list_containers'] });
    expect(await prod.call(master, 'passthrough', { vmuuid: mon.uuid, command: 'id' })).toEqual({ ok: true, result: 'ERROR: This call is only enabled when in dev mode.' });
  });

  it('fails a missing argument with INVALID_ARGUMENTS, whatever the function', async () => {
    for (const [fn, args] of [['start', { vmuuid: mon.uuid }], ['stop', { vmuuid: mon.uuid }], ['restart', { vmuuid: mon.uuid }], ['pause', { vmuuid: mon.uuid }], ['unpause', { vmuuid: mon.uuid }],
      ['get_top', { vmuuid: mon.uuid, container: 'monitoring-grafana-1' }], ['get_inspect', { vmuuid: mon.uuid }], ['register', {}], ['deregister', { vm: mon.uuid }]] as const) {
      expect(await prod.failure(mon.host, fn, args), fn).toEqual({ code: 'XENAPI_PLUGIN_FAILURE', params: [fn, 'Exception', 'INVALID_ARGUMENTS'] });
    }
  });

  it('refuses a container reference outside [a-z0-9_.-] before asking Docker', async () => {
    for (const ref of ['Monitoring-Grafana-1', 'grafana;reboot', '', '../../info']) {
      expect(await prod.failure(mon.host, 'stop', { vmuuid: mon.uuid, container: ref })).toEqual({ code: 'XENAPI_PLUGIN_FAILURE', params: ['stop', 'XSContainerException', 'Invalid container'] });
    }
  });

  it('crashes on an unknown VM uuid before dispatching: a non-zero exit with the traceback', async () => {
    const f = await prod.failure(master, 'start', { vmuuid: '9d3f0f8e-0000-4000-8000-000000000000', container: 'x' });
    expect(f.code).toBe('XENAPI_PLUGIN_FAILURE');
    expect(f.params.slice(0, 2)).toEqual(['non-zero exit', '']);
    expect(f.params[2]).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(f.params[2].trim().split('\n').pop()).toBe("XenAPI.Failure: ['UUID_INVALID', 'VM', '9d3f0f8e-0000-4000-8000-000000000000']");
  });

  it("reports Docker's refusals with xscontainer's wording, and a failed action as an alert on the VM", async () => {
    const missing = await prod.failure(mon.host, 'start', { vmuuid: mon.uuid, container: 'no-such-container' });
    expect(missing.params).toEqual(['start', 'XSContainerException',
      'Request \'POST /containers/no-such-container/start HTTP/1.0\r\n\r\n\' led to status Not Found - {"message": "No such container: no-such-container"} (404)']);
    const alerts = Object.values((await rpc(prod.url, 'message.get_all_records', prod.session)) as Record<string, Record<string, unknown>>);
    expect(alerts).toContainEqual(expect.objectContaining({ name: '{"message"', body: '"No such container: no-such-container"} (404)', cls: 'VM', obj_uuid: mon.uuid, priority: 3 }));

    const running = await prod.failure(mon.host, 'start', { vmuuid: mon.uuid, container: 'monitoring-grafana-1' });
    expect(running.params[2]).toBe("Request 'POST /containers/monitoring-grafana-1/start HTTP/1.0\r\n\r\n' led to status Not Modified - Container Management Error: The requested operation is currently not possible. Please try again later. (304)");
    const notRunning = await prod.failure(mon.host, 'get_top', { vmuuid: mon.uuid, object: 'monitoring-loki-1' });
    expect(notRunning.params[2]).toMatch(/^Request 'GET \/containers\/monitoring-loki-1\/top HTTP\/1.0\r\n\r\n' led to status Conflict - \{"message": "Container [0-9a-f]{64} is not running"\} \(409\)$/);
    expect((await prod.failure(mon.host, 'pause', { vmuuid: mon.uuid, container: 'monitoring-cadvisor-1' })).params[2]).toMatch(/"Container [0-9a-f]{64} is already paused"\} \(409\)$/);
    expect((await prod.failure(mon.host, 'unpause', { vmuuid: mon.uuid, container: 'monitoring-grafana-1' })).params[2]).toMatch(/"Container [0-9a-f]{64} is not paused"\} \(409\)$/);
    expect((await prod.failure(mon.host, 'start', { vmuuid: mon.uuid, container: 'monitoring-cadvisor-1' })).params[2]).toContain('"cannot start a paused container, try unpause instead"} (409)');
  });
});

describe('xscontainer: container lifecycle', () => {
  it('stops, starts, restarts, pauses and unpauses by short id, full id and name; docker_ps follows', async () => {
    const ps0 = (await prod.otherConfig(mon.ref)).docker_ps;
    const { short, full } = shortIdOf(ps0, 'monitoring-alertmanager-1');
    expect(short).toBe(full.slice(0, 10));
    const status = async () => {
      await sim.clock.advance(1000);
      return psStatuses((await prod.otherConfig(mon.ref)).docker_ps)['monitoring-alertmanager-1'];
    };
    expect(await status()).toBe('Up');
    expect(await prod.call(mon.host, 'stop', { vmuuid: mon.uuid, container: short })).toEqual({ ok: true, result: 'True' });
    expect(await status()).toBe('Exited (0)');
    expect(await prod.call(mon.host, 'start', { vmuuid: mon.uuid, container: full })).toEqual({ ok: true, result: 'True' });
    expect(await status()).toBe('Up');
    expect(await prod.call(mon.host, 'pause', { vmuuid: mon.uuid, container: 'monitoring-alertmanager-1' })).toEqual({ ok: true, result: 'True' });
    // pause and unpause rewrite docker_ps before they return (older engines send no event for them).
    expect(psStatuses((await prod.otherConfig(mon.ref)).docker_ps)['monitoring-alertmanager-1']).toBe('Up (Paused)');
    expect(await prod.call(mon.host, 'unpause', { vmuuid: mon.uuid, container: short })).toEqual({ ok: true, result: 'True' });
    expect(psStatuses((await prod.otherConfig(mon.ref)).docker_ps)['monitoring-alertmanager-1']).toBe('Up');
    const before = xmlValue((await prod.call(mon.host, 'get_inspect', { vmuuid: mon.uuid, object: full }) as { result: string }).result, 'StartedAt');
    expect(await prod.call(mon.host, 'restart', { vmuuid: mon.uuid, container: short })).toEqual({ ok: true, result: 'True' });
    expect(await status()).toBe('Up');
    const after = xmlValue((await prod.call(mon.host, 'get_inspect', { vmuuid: mon.uuid, object: full }) as { result: string }).result, 'StartedAt');
    expect(after! > before!).toBe(true);
  });

  it('a process killed by SIGTERM exits 143; one that ignores it is killed at the 10 s stop timeout (137)', async () => {
    const stopped = await prod.call(mon.host, 'stop', { vmuuid: mon.uuid, container: 'monitoring-node-exporter-1' });
    expect(stopped).toEqual({ ok: true, result: 'True' });
    await sim.clock.advance(1000);
    expect(psStatuses((await prod.otherConfig(mon.ref)).docker_ps)['monitoring-node-exporter-1']).toBe('Exited (143)');
    await prod.call(mon.host, 'start', { vmuuid: mon.uuid, container: 'monitoring-node-exporter-1' });

    const labUrl = sim.hosts.find((h) => h.name === 'xcp-lab-01')!.httpUrl;
    const lab = new PluginClient(labUrl, await login(labUrl), sim);
    const sandbox = await lab.vm('sandbox-01');
    const t0 = sim.clock.now();
    expect(await lab.call(sandbox.host, 'stop', { vmuuid: sandbox.uuid, container: 'adminer' })).toEqual({ ok: true, result: 'True' });
    expect(sim.clock.now() - t0).toBeGreaterThanOrEqual(10_000);
    const inspect = await lab.call(sandbox.host, 'get_inspect', { vmuuid: sandbox.uuid, object: 'adminer' });
    expect(xmlValue((inspect as { result: string }).result, 'ExitCode')).toBe('137');
  });

  it('a bulk action rewrites docker_ps once per burst, not once per container event', async () => {
    const names = ['monitoring-grafana-1', 'monitoring-alertmanager-1', 'monitoring-blackbox-exporter-1', 'monitoring-prometheus-1'];
    const pool = sim.pools[0].db;
    let writes = 0;
    const off = pool.onChange((ch) => {
      if (ch.cls === 'VM' && ch.ref === mon.ref && ch.before && (ch.before.other_config as Record<string, string>).docker_ps !== (ch.rec.other_config as Record<string, string>).docker_ps) writes++;
    });
    try {
      // Four restarts at once: kill, die, stop, start and restart events for each, twenty in all.
      const outcomes = await Promise.all(names.map((container) => prod.call(mon.host, 'restart', { vmuuid: mon.uuid, container })));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      await sim.clock.advance(2000);
    } finally {
      off();
    }
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThanOrEqual(4);
    const ps = psStatuses((await prod.otherConfig(mon.ref)).docker_ps);
    expect(names.map((n) => ps[n])).toEqual(['Up', 'Up', 'Up', 'Up']);
  });

  it('forwards a call made on another host to the host running the VM, as a real pool does', async () => {
    const third = await prod.hostRef('xcp-prod-02');
    expect(await prod.call(master, 'stop', { vmuuid: mon.uuid, container: 'monitoring-blackbox-exporter-1' })).toEqual({ ok: true, result: 'True' });
    expect(await prod.call(third, 'start', { vmuuid: mon.uuid, container: 'monitoring-blackbox-exporter-1' })).toEqual({ ok: true, result: 'True' });
    // A failure on the VM's host comes back as the forwarding plugin's non-zero exit, its printed failure in stdout.
    const f = await prod.failure(master, 'stop', { vmuuid: mon.uuid, container: 'monitoring-loki-1' });
    expect(f.params[0]).toBe('non-zero exit');
    expect(f.params[2]).toBe('');
    expect(f.params[1]).toContain('<name>Status</name>\n<value><string>Failure</string></value>');
    expect(f.params[1]).toContain("<value><string>XENAPI_PLUGIN_FAILURE</string></value>\n<value><string>stop</string></value>\n<value><string>Failure</string></value>\n<value><string>['XENAPI_PLUGIN_FAILURE', 'stop', 'XSContainerException', \"Request 'POST /containers/monitoring-loki-1/stop HTTP/1.0\\r\\n\\r\\n' led to status Not Modified - Container Management Error: The requested operation is currently not possible. Please try again later. (304)\"]</string></value>");
  });
});

describe('xscontainer: get_top and get_inspect', () => {
  it('lists processes as docker top does, by name, short id or full id, and their CPU time grows', async () => {
    const ps = (await prod.otherConfig(mon.ref)).docker_ps;
    const { short, full } = shortIdOf(ps, 'monitoring-prometheus-1');
    const tops = await Promise.all(['monitoring-prometheus-1', short, full].map((object) => prod.call(mon.host, 'get_top', { vmuuid: mon.uuid, object })));
    for (const t of tops) {
      expect(t.ok).toBe(true);
      expect((t as { result: string }).result).toMatch(/^True<\?xml version="1\.0" \?><docker_top><item><Process><UID>nobody<\/UID><PID>\d+<\/PID><PPID>\d+<\/PPID><C>\d+<\/C><STIME>[^<]+<\/STIME><TTY>\?<\/TTY><TIME>[\d:-]+<\/TIME><CMD>\/bin\/prometheus --config\.file/);
    }
    const seconds = (t: string) => {
      const [, d, h, m, s] = /<TIME>(?:(\d+)-)?(\d+):(\d+):(\d+)<\/TIME>/.exec(t)!;
      return Number(d ?? 0) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
    };
    const first = seconds((tops[0] as { result: string }).result);
    await sim.clock.advance(3600_000);
    const later = await prod.call(mon.host, 'get_top', { vmuuid: mon.uuid, object: short });
    // Prometheus uses about 11 % of a CPU: some 400 s in an hour.
    expect(seconds((later as { result: string }).result) - first).toBeGreaterThan(300);
    expect(seconds((later as { result: string }).result) - first).toBeLessThan(500);
    const paused = await prod.call(mon.host, 'get_top', { vmuuid: mon.uuid, object: 'monitoring-cadvisor-1' });
    const cpuBefore = seconds((paused as { result: string }).result);
    await sim.clock.advance(3600_000);
    expect(seconds((await prod.call(mon.host, 'get_top', { vmuuid: mon.uuid, object: 'monitoring-cadvisor-1' }) as { result: string }).result)).toBe(cpuBefore);
  });

  it("returns docker inspect as xscontainer's XML, with keys that are not XML names in SPECIAL_XS_ENCODED_ELEMENT", async () => {
    const ps = (await prod.otherConfig(mon.ref)).docker_ps;
    const { full } = shortIdOf(ps, 'monitoring-grafana-1');
    const r = await prod.call(mon.host, 'get_inspect', { vmuuid: mon.uuid, object: full });
    if (!r.ok) throw new Error(r.params.join(' '));
    expect(r.result.startsWith('True<?xml version="1.0" ?><docker_inspect><Id>')).toBe(true);
    expect(xmlValue(r.result, 'Name')).toBe('/monitoring-grafana-1');
    expect(r.result).toContain('<PortBindings><SPECIAL_XS_ENCODED_ELEMENT name="3000/tcp"><item><HostIp>0.0.0.0</HostIp><HostPort>3000</HostPort></item>');
    expect(r.result).toContain('<ExposedPorts><SPECIAL_XS_ENCODED_ELEMENT name="3000/tcp"/></ExposedPorts>');
    expect(r.result).toContain('<Running>True</Running>');
    expect(r.result).toContain('<ExecIDs>None</ExecIDs>');
    expect(r.result.endsWith('</docker_inspect>')).toBe(true);
  });
});

describe('xscontainer: register and deregister', () => {
  it("register turns monitoring on (the monitor then writes the keys); deregister turns it off and removes them", async () => {
    const url = sim.hosts.find((h) => h.name === 'xcp-lab-01')!.httpUrl;
    const labClient = new PluginClient(url, await login(url), sim);
    const sandbox = await labClient.vm('sandbox-01');
    const labMaster = await labClient.hostRef('xcp-lab-01');
    expect((await labClient.otherConfig(sandbox.ref))['xscontainer-monitor']).toBe('False');
    expect(await labClient.call(labMaster, 'register', { vmuuid: sandbox.uuid })).toEqual({ ok: true, result: 'TrueNone' });
    expect((await labClient.otherConfig(sandbox.ref))['xscontainer-monitor']).toBe('True');
    await sim.clock.advance(2000);
    const oc = await labClient.otherConfig(sandbox.ref);
    expect(Object.keys(psStatuses(oc.docker_ps)).sort()).toEqual(['adminer', 'pg-test', 'upgrade-test']);
    expect(psStatuses(oc.docker_ps)).toMatchObject({ 'upgrade-test': 'Exited (0)', 'pg-test': 'Up' });
    expect(oc.docker_info).toMatch(/^<\?xml version="1\.0" \?><docker_info><ID>/);
    expect(xmlValue(oc.docker_version, 'ApiVersion')).toBe('1.43');
    expect(await labClient.call(labMaster, 'deregister', { vmuuid: sandbox.uuid })).toEqual({ ok: true, result: 'TrueNone' });
    const off = await labClient.otherConfig(sandbox.ref);
    expect(off['xscontainer-monitor']).toBe('False');
    expect(Object.keys(off).filter((k) => k.startsWith('docker_'))).toEqual([]);
    await sim.clock.advance(5000);
    expect(Object.keys(await labClient.otherConfig(sandbox.ref)).filter((k) => k.startsWith('docker_'))).toEqual([]);
  });
});

describe('xscontainer: a monitored VM whose Docker cannot be reached', () => {
  it('has no docker keys, carries the monitor alert with the reason, and its actions fail as the SSH helper does', async () => {
    const url = sim.hosts.find((h) => h.name === 'xcp-lab-01')!.httpUrl;
    const labClient = new PluginClient(url, await login(url), sim);
    const k8s = await labClient.vm('k8s-lab-1');
    const oc = await labClient.otherConfig(k8s.ref);
    expect(oc['xscontainer-monitor']).toBe('True');
    expect(Object.keys(oc).filter((k) => k.startsWith('docker_'))).toEqual([]);
    const alerts = Object.values((await rpc(url, 'message.get_all_records', labClient.session)) as Record<string, Record<string, unknown>>);
    expect(alerts.filter((m) => m.obj_uuid === k8s.uuid && m.name === 'Container Management cannot monitor VM').map((m) => m.body))
      .toEqual(['Unable to find the Docker unix socket at /var/run/docker.sock. Please install and run Docker.']);
    expect(await labClient.failure(k8s.host, 'get_top', { vmuuid: k8s.uuid, object: 'anything' }))
      .toEqual({ code: 'XENAPI_PLUGIN_FAILURE', params: ['get_top', 'SshException', "Returncode for 'ncat -U /var/run/docker.sock' is not 0"] });
  });

  it('registering a VM that was never prepared: key authentication fails, and after two minutes the alert says so', async () => {
    const web = await prod.vm('web-01');
    expect(await prod.call(master, 'register', { vmuuid: web.uuid })).toEqual({ ok: true, result: 'TrueNone' });
    const start = await prod.failure(web.host, 'start', { vmuuid: web.uuid, container: 'nginx' });
    expect(start.params).toEqual(['start', 'AuthenticationException', `prepare_ssh_client failed to authenticate with private key on VM ${web.uuid}`]);
    const alerts = async () => Object.values((await rpc(prod.url, 'message.get_all_records', prod.session)) as Record<string, Record<string, unknown>>)
      .filter((m) => m.obj_uuid === web.uuid && m.name === 'Container Management cannot monitor VM');
    await sim.clock.advance(60_000);
    expect(await alerts()).toEqual([]);
    await sim.clock.advance(90_000);
    expect((await alerts()).map((m) => m.body)).toEqual(['Unable to verify key-based authentication. Please prepare the VM to install a key.']);
    // SSH itself worked: xscontainer remembered the guest's host key.
    expect((await prod.otherConfig(web.ref))['xscontainer-sshhostkey']).toMatch(/^AAAAB3NzaC1yc2E/);
    await prod.call(master, 'deregister', { vmuuid: web.uuid });
    expect(await alerts()).toEqual([]);
  });

  it('a halted VM has no IP: the SSH helper fails before connecting', async () => {
    const agent = await prod.vm('build-agent-02');
    const f = await prod.failure(master, 'stop', { vmuuid: agent.uuid, container: 'gitlab-runner' });
    expect(f.params.slice(0, 2)).toEqual(['stop', 'SshException']);
    expect(f.params[2]).toMatch(new RegExp(`^\\('execute_ssh: No valid IP found for vmuuid ${agent.uuid}', <traceback object at 0x7f[0-9a-f]{10}>\\)$`));
  });
});
