/**
 * The xscontainer parsers on documents in the plugin's exact format. The fixtures are written by hand from
 * xscontainer's source (docker.py get_ps_dict / patch_docker_ps_status, util.converttoxml, Python 2.7 minidom's
 * toxml), for an old engine (Docker 1.x, XenServer 7 era) and a current one.
 */
import { describe, expect, it } from 'vitest';
import { containerMonitoring, cpuTimeSeconds, parseDockerInfo, parseDockerInspect, parseDockerPs, parseDockerTop, parseDockerVersion, pluginPayload, stateFromStatus } from './index';

const ID1 = '3f4a8c2b9d1e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a';
const ID2 = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1';
const ID3 = '77e1c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345';
const ID4 = '0c0ffee77e0123456789abcdef0123456789abcdef0123456789abcdef012345';

// Docker 1.12's /containers/json?all=1&size=1 through get_ps_dict and converttoxml: top-level keys lower-cased,
// Python 2 dict order, text escaped twice, a label key with '/' as SPECIAL_XS_ENCODED_ELEMENT.
const DOCKER_PS_OLD = '<?xml version="1.0" ?><docker_ps>'
  + '<item><entry><status>Up (Paused)</status><created>1467109524</created><image>nginx:1.11</image><labels/>'
  + '<ports><item><IP>0.0.0.0</IP><Type>tcp</Type><PublicPort>8080</PublicPort><PrivatePort>80</PrivatePort></item><item><Type>tcp</Type><PrivatePort>443</PrivatePort></item></ports>'
  + `<sizerootfs>182807023</sizerootfs><command>nginx -g &quot;daemon off;&quot;</command><names>web</names><imageid>sha256:0d409d33b27e47423b049f7f863faa08655a8c901749c2b25b93ca67d01a470d</imageid><container>${ID1.slice(0, 10)}</container><id>${ID1}</id><sizerw>2</sizerw></entry></item>`
  + '<item><entry><status>Exited (137)</status><created>1467000000</created><image>registry.example.com/ci/builder:7</image>'
  + '<labels><com.example.team>ci</com.example.team><SPECIAL_XS_ENCODED_ELEMENT name="org.example/build">42</SPECIAL_XS_ENCODED_ELEMENT></labels><ports/>'
  + `<command>sh -c &quot;make &amp;amp;&amp;amp; make test 2&amp;gt;&amp;amp;1 | tee &amp;lt;log&amp;gt;&quot;</command><names>builder_1</names><container>${ID2.slice(0, 10)}</container><id>${ID2}</id></entry></item>`
  + `<item><entry><status>Restarting (2) 12 seconds ago</status><created>1467100000</created><image>redis</image><labels/><ports/><command>docker-entrypoint.sh redis-server</command><names>cache</names><container>${ID3.slice(0, 10)}</container><id>${ID3}</id></entry></item>`
  + `<item><entry><status>Created</status><created>1467100001</created><image>alpine</image><labels/><ports/><command>true</command><names>never-started</names><container>${ID4.slice(0, 10)}</container><id>${ID4}</id></entry></item>`
  + '</docker_ps>';

// Docker 24 through the same path: State is there too, NetworkSettings and Mounts nest deeper.
const DOCKER_PS_NEW = '<?xml version="1.0" ?><docker_ps><item><entry>'
  + `<id>${ID1}</id><names>monitoring-grafana-1</names><image>grafana/grafana-oss:10.4.2</image><imageid>sha256:1c29</imageid><command>/run.sh</command><created>1717228800</created>`
  + '<ports><item><IP>0.0.0.0</IP><PrivatePort>3000</PrivatePort><PublicPort>3000</PublicPort><Type>tcp</Type></item><item><IP>::</IP><PrivatePort>3000</PrivatePort><PublicPort>3000</PublicPort><Type>tcp</Type></item></ports>'
  + '<sizerootfs>412018221</sizerootfs><labels><com.docker.compose.project>monitoring</com.docker.compose.project><com.docker.compose.oneoff>False</com.docker.compose.oneoff></labels>'
  + '<state>running</state><status>Up</status><hostconfig><NetworkMode>monitoring_default</NetworkMode></hostconfig>'
  + '<networksettings><Networks><monitoring_default><IPAMConfig>None</IPAMConfig><IPAddress>172.18.0.3</IPAddress></monitoring_default></Networks></networksettings>'
  + `<mounts><item><Type>volume</Type><Name>monitoring_grafana-data</Name><RW>True</RW></item></mounts><container>${ID1.slice(0, 10)}</container></entry></item></docker_ps>`;

describe('parseDockerPs', () => {
  it('reads the containers of an old engine, undoing the double escaping and the special elements', () => {
    const r = parseDockerPs(DOCKER_PS_OLD);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toEqual([
      {
        id: ID1, shortId: ID1.slice(0, 10), name: 'web', status: 'Up (Paused)', state: 'paused', created: 1467109524, image: 'nginx:1.11', command: 'nginx -g "daemon off;"',
        ports: [{ ip: '0.0.0.0', privatePort: 80, publicPort: 8080, protocol: 'tcp' }, { privatePort: 443, protocol: 'tcp' }], labels: {},
      },
      {
        id: ID2, shortId: ID2.slice(0, 10), name: 'builder_1', status: 'Exited (137)', state: 'exited', exitCode: 137, created: 1467000000, image: 'registry.example.com/ci/builder:7',
        command: 'sh -c "make && make test 2>&1 | tee <log>"', ports: [], labels: { 'com.example.team': 'ci', 'org.example/build': '42' },
      },
      { id: ID3, shortId: ID3.slice(0, 10), name: 'cache', status: 'Restarting (2) 12 seconds ago', state: 'restarting', exitCode: 2, created: 1467100000, image: 'redis', command: 'docker-entrypoint.sh redis-server', ports: [], labels: {} },
      { id: ID4, shortId: ID4.slice(0, 10), name: 'never-started', status: 'Created', state: 'created', created: 1467100001, image: 'alpine', command: 'true', ports: [], labels: {} },
    ]);
  });

  it('reads a current engine, skipping the fields it does not use', () => {
    const r = parseDockerPs(DOCKER_PS_NEW);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(1);
    expect(r.value[0]).toMatchObject({ name: 'monitoring-grafana-1', state: 'running', ports: [{ ip: '0.0.0.0', publicPort: 3000 }, { ip: '::', publicPort: 3000 }] });
    expect(r.value[0].labels).toEqual({ 'com.docker.compose.project': 'monitoring', 'com.docker.compose.oneoff': 'False' });
  });

  it('reads an engine without containers', () => {
    expect(parseDockerPs('<?xml version="1.0" ?><docker_ps/>')).toEqual({ ok: true, value: [] });
  });

  it('tells states apart by prefix, as XenCenter does, whatever the Docker version wrote after it', () => {
    expect(stateFromStatus('Up 2 hours (healthy)')).toEqual({ state: 'running' });
    expect(stateFromStatus('Up 5 minutes (Paused)')).toEqual({ state: 'paused' });
    expect(stateFromStatus('Exited (0) 3 days ago')).toEqual({ state: 'exited', exitCode: 0 });
    expect(stateFromStatus('Exited (-1) 3 days ago')).toEqual({ state: 'exited', exitCode: -1 });
    expect(stateFromStatus('Removal In Progress')).toEqual({ state: 'removing' });
    expect(stateFromStatus('Dead')).toEqual({ state: 'dead' });
    expect(stateFromStatus('something new', 'running')).toEqual({ state: 'running' });
    expect(stateFromStatus('', 'bogus')).toEqual({ state: 'unknown' });
  });
});

describe('parseDockerInfo and parseDockerVersion', () => {
  const INFO_OLD = '<?xml version="1.0" ?><docker_info><ExecutionDriver>native-0.2</ExecutionDriver><IPv4Forwarding>True</IPv4Forwarding><Driver>overlay</Driver>'
    + '<IndexServerAddress>https://index.docker.io/v1/</IndexServerAddress><DriverStatus><item><item>Backing Filesystem</item><item>extfs</item></item></DriverStatus>'
    + '<NCPU>2</NCPU><MemTotal>2099249152</MemTotal><Labels>None</Labels><Containers>3</Containers><Images>12</Images><ServerVersion>1.9.1</ServerVersion>'
    + '<OperatingSystem>CoreOS 899.5.0</OperatingSystem><Name>coreos-01</Name><KernelVersion>4.3.3-coreos-r2</KernelVersion></docker_info>';
  const VERSION_OLD = '<?xml version="1.0" ?><docker_version><KernelVersion>4.3.3-coreos-r2</KernelVersion><Os>linux</Os><BuildTime>Fri Jan 15 01:40:27 UTC 2016</BuildTime>'
    + '<ApiVersion>1.21</ApiVersion><Version>1.9.1</Version><GitCommit>4419fdb-dirty</GitCommit><Arch>amd64</Arch><GoVersion>go1.5.3</GoVersion></docker_version>';

  it('reads the fields a Docker box shows, and keeps the rest as a tree', () => {
    const info = parseDockerInfo(INFO_OLD);
    if (!info.ok) throw new Error(info.error.message);
    expect(info.value).toMatchObject({ executionDriver: 'native-0.2', ipv4Forwarding: true, driver: 'overlay', indexServerAddress: 'https://index.docker.io/v1/', ncpu: 2, memTotal: 2099249152, containers: 3, images: 12, serverVersion: '1.9.1', name: 'coreos-01' });
    expect(info.value.containersRunning).toBeUndefined();
    expect(info.value.tree.children.find((c) => c.name === 'DriverStatus')!.children[0].children.map((c) => c.text)).toEqual(['Backing Filesystem', 'extfs']);
    const version = parseDockerVersion(VERSION_OLD);
    if (!version.ok) throw new Error(version.error.message);
    expect(version.value).toMatchObject({ version: '1.9.1', apiVersion: '1.21', gitCommit: '4419fdb-dirty', goVersion: 'go1.5.3', os: 'linux', arch: 'amd64', kernelVersion: '4.3.3-coreos-r2' });
  });

  it('does not take one document for the other', () => {
    expect(parseDockerInfo(VERSION_OLD)).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_WRONG_SHAPE' } });
    expect(parseDockerVersion(INFO_OLD)).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_WRONG_SHAPE' } });
  });
});

describe('get_top and get_inspect results', () => {
  const TOP = 'True<?xml version="1.0" ?><docker_top>'
    + '<item><Process><TIME>00:00:01</TIME><C>0</C><UID>root</UID><PID>2481</PID><STIME>09:12</STIME><CMD>nginx: master process nginx -g daemon off;</CMD><PPID>2466</PPID><TTY>?</TTY></Process></item>'
    + '<item><Process><TIME>2-03:04:05</TIME><C>1</C><UID>systemd+</UID><PID>2510</PID><STIME>Jun03</STIME><CMD>nginx: worker process</CMD><PPID>2481</PPID><TTY>?</TTY></Process></item>'
    + '</docker_top>';

  it('reads processes with their PID, command and CPU time (in seconds too, for sorting)', () => {
    const r = parseDockerTop(TOP);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map(({ pid, command, cpuTime, cpuSeconds, user }) => ({ pid, command, cpuTime, cpuSeconds, user }))).toEqual([
      { pid: '2481', command: 'nginx: master process nginx -g daemon off;', cpuTime: '00:00:01', cpuSeconds: 1, user: 'root' },
      { pid: '2510', command: 'nginx: worker process', cpuTime: '2-03:04:05', cpuSeconds: 2 * 86400 + 3 * 3600 + 4 * 60 + 5, user: 'systemd+' },
    ]);
    expect(r.value[1].fields).toMatchObject({ PPID: '2481', STIME: 'Jun03', TTY: '?', C: '1' });
    expect(cpuTimeSeconds('12:34')).toBe(754);
    expect(cpuTimeSeconds('n/a')).toBeUndefined();
  });

  it('reads docker inspect as the tree a details view shows, special elements under their real names', () => {
    const r = parseDockerInspect('True<?xml version="1.0" ?><docker_inspect><Id>e9c2212c65c3</Id><Config><ExposedPorts><SPECIAL_XS_ENCODED_ELEMENT name="443/tcp"/>'
      + '<SPECIAL_XS_ENCODED_ELEMENT name="80/tcp"/></ExposedPorts><Cmd><item>nginx</item></Cmd><Volumes><SPECIAL_XS_ENCODED_ELEMENT name="/etc/nginx/certs"/></Volumes></Config>'
      + '<Name>/nginx</Name><State><Running>True</Running><Pid>1234</Pid></State></docker_inspect>');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((n) => n.name)).toEqual(['Id', 'Config', 'Name', 'State']);
    const config = r.value[1];
    expect(config.children.map((n) => [n.name, n.children.map((c) => c.name)])).toEqual([['ExposedPorts', ['443/tcp', '80/tcp']], ['Cmd', ['item']], ['Volumes', ['/etc/nginx/certs']]]);
  });

  it('strips the leading "True" (any case) and treats anything else as the plugin saying no', () => {
    expect(pluginPayload('True')).toEqual({ ok: true, value: '' });
    expect(pluginPayload('TrueNone')).toEqual({ ok: true, value: 'None' });
    expect(pluginPayload('true<x/>')).toEqual({ ok: true, value: '<x/>' });
    expect(pluginPayload('ERROR: This call is only enabled when in dev mode.')).toMatchObject({ ok: false, error: { code: 'XSCONTAINER_DATA_NOT_A_RESULT', message: 'ERROR: This call is only enabled when in dev mode.' } });
    expect(pluginPayload(42)).toMatchObject({ ok: false });
  });
});

describe('containerMonitoring', () => {
  const vm = (other_config: Record<string, string>, power_state = 'Running') => ({ uuid: 'vm-1', power_state, other_config });
  it('says whether the VM can be, is, or cannot be monitored, and why', () => {
    expect(containerMonitoring(vm({}))).toEqual({ kind: 'not-prepared' });
    expect(containerMonitoring(vm({ 'xscontainer-monitor': 'False' }))).toEqual({ kind: 'off' });
    expect(containerMonitoring(vm({ 'xscontainer-monitor': 'True' }, 'Halted'))).toEqual({ kind: 'vm-not-running' });
    expect(containerMonitoring(vm({ 'xscontainer-monitor': 'True', docker_ps: '<docker_ps/>' }))).toEqual({ kind: 'monitored' });
    expect(containerMonitoring(vm({ 'xscontainer-monitor': 'True' }))).toEqual({ kind: 'connecting' });
    const alerts = [
      { name: 'Container Management cannot monitor VM', obj_uuid: 'vm-2', body: 'other VM', timestamp: '20240601T10:00:00Z' },
      { name: 'Container Management cannot monitor VM', obj_uuid: 'vm-1', body: 'Unable to find the Docker unix socket at /var/run/docker.sock. Please install and run Docker.', timestamp: '20240601T09:00:00Z' },
    ];
    expect(containerMonitoring(vm({ 'xscontainer-monitor': 'True' }), alerts)).toEqual({ kind: 'unreachable', reason: alerts[1].body, since: '20240601T09:00:00Z' });
  });
});
