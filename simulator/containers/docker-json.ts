/**
 * The JSON Docker Engine 24 (API 1.43) answers on its socket, for the requests xscontainer makes:
 * `GET /containers/json?all=1&size=1`, `/containers/{id}/json`, `/containers/{id}/top`, `/info`, `/version`.
 * Field names, nesting and zero values follow the engine's Go types (empty fields omitted where Go omits them).
 */
import { TOP_TITLES, type Container } from './container';
import type { DockerDaemon } from './docker-daemon';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export const DOCKER_VERSION = { version: '24.0.7', api: '1.43', minApi: '1.12', git: '24.0.7-0ubuntu2~22.04.1', go: 'go1.21.1', built: '2024-03-19T20:01:15.000000000+00:00', containerd: '1.7.12', runc: '1.1.12-0ubuntu2~22.04.1' };

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's RFC3339Nano (trailing zeros of the fraction dropped), with sub-millisecond digits taken from `salt`. */
export function rfc3339Nano(ms: number, salt = ''): string {
  if (ms === 0) return ZERO_TIME;
  const iso = new Date(ms).toISOString().slice(0, 19);
  let extra = 0;
  for (const ch of salt) extra = (extra * 31 + ch.charCodeAt(0)) % 1_000_000;
  const nanos = `${String(ms % 1000).padStart(3, '0')}${String(extra).padStart(6, '0')}`.replace(/0+$/, '');
  return `${iso}${nanos ? `.${nanos}` : ''}Z`;
}

/** `docker ps` COMMAND: the path, then the arguments, those with spaces in single quotes. */
export function commandLine(c: Container): string {
  const all = [...(c.spec.entrypoint ?? []), ...c.spec.cmd];
  const [path = '', ...args] = all;
  return args.length ? `${path} ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}` : path;
}

function isUp(c: Container): boolean {
  return c.running && !c.restarting;
}

function portList(c: Container): Json[] {
  if (!isUp(c) || (c.spec.networkMode ?? 'bridge') === 'host') return [];
  return (c.spec.ports ?? []).flatMap((p): Json[] => {
    const type = p.type ?? 'tcp';
    if (p.publicPort === undefined) return [{ PrivatePort: p.privatePort, Type: type }];
    return [
      { IP: '0.0.0.0', PrivatePort: p.privatePort, PublicPort: p.publicPort, Type: type },
      { IP: '::', PrivatePort: p.privatePort, PublicPort: p.publicPort, Type: type },
    ];
  });
}

function endpointSettings(d: DockerDaemon, c: Container): Record<string, Json> {
  const mode = c.spec.networkMode ?? 'bridge';
  const net = d.networks.get(mode);
  const ep = c.endpoint;
  const subnet = net.subnet;
  return {
    IPAMConfig: null, Links: null, Aliases: mode === 'bridge' || mode === 'host' ? null : [c.name, c.id.slice(0, 12)], NetworkID: net.id,
    EndpointID: ep?.id ?? '', Gateway: ep ? `172.${subnet}.0.1` : '', IPAddress: ep?.ip ?? '', IPPrefixLen: ep ? 16 : 0, IPv6Gateway: '',
    GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: ep?.mac ?? '', DriverOpts: null,
  };
}

function mountList(c: Container): Json[] {
  return (c.spec.mounts ?? []).map((m): Json => (m.type === 'volume'
    ? { Type: 'volume', Name: m.source, Source: `/var/lib/docker/volumes/${m.source}/_data`, Destination: m.destination, Driver: 'local', Mode: 'z', RW: !m.readOnly, Propagation: '' }
    : { Type: 'bind', Source: m.source, Destination: m.destination, Mode: m.readOnly ? 'ro' : '', RW: !m.readOnly, Propagation: 'rprivate' }));
}

/** HostConfig.Binds: `docker run -v /src:/dst[:ro]` mounts (null when there are none). */
function bindList(c: Container): Json {
  const binds = (c.spec.mounts ?? []).filter((m) => m.type === 'bind').map((m) => `${m.source}:${m.destination}${m.readOnly ? ':ro' : ''}`);
  return binds.length ? binds : null;
}

/** One element of `GET /containers/json?all=1&size=1`. */
export function psEntry(d: DockerDaemon, c: Container, now: number): Record<string, Json> {
  const mode = c.spec.networkMode ?? 'bridge';
  const entry: Record<string, Json> = {
    Id: c.id, Names: [`/${c.name}`], Image: c.spec.image, ImageID: c.imageId, Command: commandLine(c), Created: Math.floor(c.created / 1000),
    Ports: portList(c),
  };
  if (c.spec.sizeRw) entry.SizeRw = c.spec.sizeRw;
  entry.SizeRootFs = c.spec.sizeRootFs ?? 80_000_000;
  Object.assign(entry, {
    Labels: { ...(c.spec.labels ?? {}) }, State: c.state, Status: c.status(now), HostConfig: { NetworkMode: mode },
    NetworkSettings: { Networks: { [mode === 'none' ? 'none' : mode]: endpointSettings(d, c) } }, Mounts: mountList(c),
  });
  return entry;
}

function portMap(c: Container, bindings: boolean): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of c.spec.ports ?? []) {
    const key = `${p.privatePort}/${p.type ?? 'tcp'}`;
    if (!bindings) out[key] = {};
    else out[key] = p.publicPort === undefined ? null : [{ HostIp: '0.0.0.0', HostPort: String(p.publicPort) }, { HostIp: '::', HostPort: String(p.publicPort) }];
  }
  return out;
}

/** `GET /containers/{id}/json` (docker inspect). */
export function inspectJson(d: DockerDaemon, c: Container): Record<string, Json> {
  const mode = c.spec.networkMode ?? 'bridge';
  const all = [...(c.spec.entrypoint ?? []), ...c.spec.cmd];
  const dir = `/var/lib/docker/containers/${c.id}`;
  const layer = c.id.slice(0, 25) + c.imageId.slice(7, 46);
  const up = isUp(c);
  return {
    Id: c.id, Created: rfc3339Nano(c.created, c.id), Path: all[0] ?? '', Args: all.slice(1),
    State: {
      Status: c.state, Running: c.running, Paused: c.paused, Restarting: c.restarting, OOMKilled: false, Dead: c.dead, Pid: c.pid, ExitCode: c.exitCode,
      Error: '', StartedAt: rfc3339Nano(c.startedAt, `${c.id}s`), FinishedAt: rfc3339Nano(c.finishedAt, `${c.id}f`),
    },
    Image: c.imageId, ResolvConfPath: `${dir}/resolv.conf`, HostnamePath: `${dir}/hostname`, HostsPath: `${dir}/hosts`, LogPath: `${dir}/${c.id}-json.log`,
    Name: `/${c.name}`, RestartCount: c.restartCount, Driver: 'overlay2', Platform: 'linux', MountLabel: '', ProcessLabel: '', AppArmorProfile: 'docker-default',
    ExecIDs: null,
    HostConfig: {
      Binds: bindList(c), ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: {} },
      NetworkMode: mode, PortBindings: portMap(c, true), RestartPolicy: { Name: c.spec.restart?.name ?? 'no', MaximumRetryCount: c.spec.restart?.maximumRetryCount ?? 0 },
      AutoRemove: false, VolumeDriver: '', VolumesFrom: null, ConsoleSize: [0, 0], CapAdd: null, CapDrop: null, CgroupnsMode: 'private', Dns: [], DnsOptions: [],
      DnsSearch: [], ExtraHosts: null, GroupAdd: null, IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false,
      PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '', ShmSize: 67108864, Runtime: 'runc', Isolation: '',
      CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, CpuPeriod: 0, CpuQuota: 0, CpusetCpus: '', CpusetMems: '', MemoryReservation: 0,
      MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: null,
    },
    GraphDriver: {
      Data: { LowerDir: `/var/lib/docker/overlay2/${layer}-init/diff`, MergedDir: `/var/lib/docker/overlay2/${layer}/merged`, UpperDir: `/var/lib/docker/overlay2/${layer}/diff`, WorkDir: `/var/lib/docker/overlay2/${layer}/work` },
      Name: 'overlay2',
    },
    Mounts: mountList(c),
    Config: {
      Hostname: mode === 'host' ? d.facts().hostname : c.id.slice(0, 12), Domainname: '', User: c.spec.user ?? '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
      ...(c.spec.ports?.length ? { ExposedPorts: portMap(c, false) } : {}),
      Tty: false, OpenStdin: false, StdinOnce: false, Env: c.spec.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: c.spec.cmd, Image: c.spec.image, Volumes: null, WorkingDir: c.spec.workingDir ?? '', Entrypoint: c.spec.entrypoint ?? null, OnBuild: null,
      Labels: { ...(c.spec.labels ?? {}) },
    },
    NetworkSettings: {
      Bridge: '', SandboxID: up ? c.id.split('').reverse().join('') : '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      Ports: up && mode !== 'host' ? portMap(c, true) : {}, SandboxKey: up ? `/var/run/docker/netns/${c.id.slice(20, 32)}` : '', SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null, EndpointID: mode === 'bridge' ? c.endpoint?.id ?? '' : '', Gateway: mode === 'bridge' && c.endpoint ? '172.17.0.1' : '',
      GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPAddress: mode === 'bridge' ? c.endpoint?.ip ?? '' : '', IPPrefixLen: mode === 'bridge' && c.endpoint ? 16 : 0,
      IPv6Gateway: '', MacAddress: mode === 'bridge' ? c.endpoint?.mac ?? '' : '',
      Networks: { [mode === 'none' ? 'none' : mode]: endpointSettings(d, c) },
    },
  };
}

/** `GET /containers/{id}/top` (ps -ef in the container's cgroup). */
export function topJson(c: Container, now: number): Record<string, Json> {
  return { Titles: TOP_TITLES, Processes: c.topRows(now) };
}

/** `GET /info`. */
export function infoJson(d: DockerDaemon, now: number): Record<string, Json> {
  const f = d.facts();
  const all = [...d.containers.values()];
  const running = all.filter((c) => c.running && !c.paused).length;
  const paused = all.filter((c) => c.paused).length;
  const commit = (id: string) => ({ ID: id, Expected: id });
  return {
    ID: idFromSeed(d), Containers: all.length, ContainersRunning: running, ContainersPaused: paused, ContainersStopped: all.length - running - paused,
    Images: d.images.size, Driver: 'overlay2',
    DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
    Plugins: {
      Volume: ['local'], Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'], Authorization: null,
      Log: ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'logentries', 'splunk', 'syslog'],
    },
    MemoryLimit: true, SwapLimit: false, KernelMemoryTCP: true, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
    IPv4Forwarding: true, BridgeNfIptables: true, BridgeNfIp6tables: true, Debug: false, NFd: 28 + all.length * 4, OomKillDisable: false,
    NGoroutines: 36 + running * 6, SystemTime: rfc3339Nano(now, 'now'), LoggingDriver: 'json-file', CgroupDriver: 'systemd', CgroupVersion: '2',
    NEventsListener: 1, KernelVersion: f.kernelVersion, OperatingSystem: f.operatingSystem, OSVersion: f.osVersion, OSType: 'linux', Architecture: 'x86_64',
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } }, Mirrors: null,
    },
    NCPU: f.ncpu, MemTotal: f.memTotal, GenericResources: null, DockerRootDir: '/var/lib/docker', HttpProxy: '', HttpsProxy: '', NoProxy: '', Name: f.hostname,
    Labels: [], ExperimentalBuild: false, ServerVersion: DOCKER_VERSION.version,
    Runtimes: { 'io.containerd.runc.v2': { path: 'runc' }, runc: { path: 'runc' } }, DefaultRuntime: 'runc',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false, Isolation: '', InitBinary: 'docker-init', ContainerdCommit: commit(''), RuncCommit: commit(''), InitCommit: commit(''),
    SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'], Warnings: ['WARNING: No swap limit support'],
  };
}

function idFromSeed(d: DockerDaemon): string {
  const h = d.networks.get('bridge').id;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `GET /version`. */
export function versionJson(d: DockerDaemon): Record<string, Json> {
  const f = d.facts();
  const v = DOCKER_VERSION;
  return {
    Platform: { Name: '' },
    Components: [
      { Name: 'Engine', Version: v.version, Details: { ApiVersion: v.api, Arch: 'amd64', BuildTime: v.built, Experimental: 'false', GitCommit: v.git, GoVersion: v.go, KernelVersion: f.kernelVersion, MinAPIVersion: v.minApi, Os: 'linux' } },
      { Name: 'containerd', Version: v.containerd, Details: { GitCommit: '' } },
      { Name: 'runc', Version: v.runc, Details: { GitCommit: '' } },
      { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: '' } },
    ],
    Version: v.version, ApiVersion: v.api, MinAPIVersion: v.minApi, GitCommit: v.git, GoVersion: v.go, Os: 'linux', Arch: 'amd64', KernelVersion: f.kernelVersion, BuildTime: v.built,
  };
}
