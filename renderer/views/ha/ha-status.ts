/**
 * A pool's HA as the HA tab shows it (XenCenter's HAPage), read from the mirror only: whether HA is on or
 * being switched, the heartbeat SRs (pool.ha_statefiles → VDI → SR), the configured and current failure
 * capacity (ha_host_failures_to_tolerate, ha_plan_exists_for), each host's heartbeat over the network
 * (host.ha_network_peers) and over each heartbeat SR (host.ha_statefiles), and the VMs HA restarts.
 * Also why HA cannot be configured or disabled now, for the menus and the tab's buttons.
 */
import type { HostRecord, PoolRecord, SRRecord, VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';
import { errorLine } from '../../errors';
import { isNullRef } from '../../store/object-id';
import { standaloneHost } from '../../store/object-labels';
import { parseXapiTime } from '../tasks/xapi-time';
import { poolOf, protectableVms, readPriority, type RestartPriority } from './ha-plan-model';

type Mirror = Pick<ConnectionMirror, 'objects'>;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export interface HeartbeatCell {
  text: string;
  tone: 'ok' | 'error' | 'muted';
}

export interface HostHeartbeat {
  ref: string;
  name: string;
  live: boolean;
  master: boolean;
  network: HeartbeatCell;
  /** One per heartbeat SR, in the order of `HaStatus.heartbeatSrs`. */
  srs: HeartbeatCell[];
}

export interface ProtectedVm {
  ref: string;
  name: string;
  priority: Exclude<RestartPriority, ''>;
  order: number;
  delay: number;
  powerState: VMRecord['power_state'];
  /** Name of the host it runs on, if running. */
  host?: string;
  /** When it was last started (VM_metrics.start_time), if running: after a failure, the order HA restarted them in. */
  startedAt?: number;
}

export interface HaStatus {
  poolName: string;
  enabled: boolean;
  /** An enable or disable running on the pool now. */
  operation?: 'enabling' | 'disabling';
  heartbeatSrs: { ref: string; name: string }[];
  /** HA is on but no statefile VDI of the pool is known (XenCenter refuses to configure or disable then). */
  statefileMissing: boolean;
  configuredCapacity: number;
  currentCapacity: number;
  /** ha_overcommitted, or fewer failures covered than configured. */
  overcommitted: boolean;
  hosts: HostHeartbeat[];
  protectedVms: ProtectedVm[];
}

/** Whether a host answers (host_metrics.live); unknown counts as live. */
export function hostLive(mirror: Mirror, host: HostRecord): boolean {
  if (isNullRef(host.metrics)) return true;
  return mirror.objects.host_metrics?.get(host.metrics)?.live ?? true;
}

/** The enable or disable running on the pool, from pool.current_operations. */
export function haOperation(pool: Pick<PoolRecord, 'current_operations'>): HaStatus['operation'] {
  const ops = Object.values(pool.current_operations ?? {});
  if (ops.includes('ha_enable')) return 'enabling';
  if (ops.includes('ha_disable')) return 'disabling';
  return undefined;
}

/** The SRs holding the pool's statefile VDIs, by statefile. */
function heartbeatSrsOf(mirror: Mirror, pool: PoolRecord): { ref: string; name: string }[] {
  const out: { ref: string; name: string }[] = [];
  for (const vdiRef of pool.ha_statefiles ?? []) {
    const vdi = mirror.objects.VDI?.get(vdiRef);
    if (!vdi || out.some((s) => s.ref === vdi.SR)) continue;
    const sr = mirror.objects.SR?.get(vdi.SR);
    out.push({ ref: vdi.SR, name: sr?.name_label ?? vdi.SR });
  }
  return out;
}

/**
 * One host's heartbeat cells. The network: "Healthy" when it hears every host, "Error" when none, else
 * how many; "Initializing…" while HA is just starting. Each SR: "Healthy" when one of the host's
 * statefiles is on it.
 */
function heartbeat(mirror: Mirror, host: HostRecord, hostCount: number, srs: { ref: string }[], initializing: boolean): Pick<HostHeartbeat, 'network' | 'srs'> {
  const peers = host.ha_network_peers?.length ?? 0;
  const network: HeartbeatCell =
    initializing && peers === 0 ? { text: 'Initializing…', tone: 'muted' }
    : peers === hostCount ? { text: 'Healthy', tone: 'ok' }
    : peers === 0 ? { text: 'Error', tone: 'error' }
    : { text: `${peers} out of ${hostCount} servers`, tone: 'error' };
  const reached = new Set((host.ha_statefiles ?? []).map((v) => mirror.objects.VDI?.get(v)?.SR).filter(Boolean));
  return {
    network,
    srs: srs.map((sr) => (reached.has(sr.ref) ? { text: 'Healthy', tone: 'ok' } : initializing ? { text: 'Initializing…', tone: 'muted' } : { text: 'Error', tone: 'error' })),
  };
}

/** The HA tab's content. `initializing`: HA was switched on moments ago and the hosts have not reported yet. */
export function haStatus(mirror: Mirror, poolName: string, initializing = false): HaStatus | undefined {
  const [, pool] = poolOf(mirror) ?? [];
  if (!pool) return undefined;
  const srs = heartbeatSrsOf(mirror, pool);
  const hostEntries = [...(mirror.objects.host ?? [])].sort((a, b) => collator.compare(a[1].name_label, b[1].name_label));
  const hosts: HostHeartbeat[] = hostEntries.map(([ref, host]) => ({
    ref,
    name: host.name_label,
    live: hostLive(mirror, host),
    master: pool.master === ref,
    ...heartbeat(mirror, host, hostEntries.length, srs, initializing),
  }));
  const protectedVms: ProtectedVm[] = [];
  for (const [ref, vm] of protectableVms(mirror)) {
    const priority = readPriority(vm.ha_restart_priority);
    if (priority === '') continue;
    const running = vm.power_state === 'Running' || vm.power_state === 'Paused';
    const host = running ? mirror.objects.host?.get(vm.resident_on)?.name_label : undefined;
    const startedAt = running && !isNullRef(vm.metrics) ? parseXapiTime(mirror.objects.VM_metrics?.get(vm.metrics)?.start_time) : undefined;
    protectedVms.push({ ref, name: vm.name_label, priority, order: vm.order, delay: vm.start_delay, powerState: vm.power_state, host, startedAt });
  }
  // Restart before Restart if possible, then in the order HA starts them.
  protectedVms.sort((a, b) => (a.priority === b.priority ? 0 : a.priority === 'restart' ? -1 : 1) || startRank(a.order) - startRank(b.order) || collator.compare(a.name, b.name));
  const configured = Number(pool.ha_host_failures_to_tolerate);
  const current = Number(pool.ha_plan_exists_for);
  return {
    poolName: pool.name_label || poolName,
    enabled: pool.ha_enabled,
    operation: haOperation(pool),
    heartbeatSrs: srs,
    statefileMissing: pool.ha_enabled && srs.length === 0,
    configuredCapacity: configured,
    currentCapacity: current,
    overcommitted: pool.ha_enabled && (pool.ha_overcommitted || configured > current),
    hosts,
    protectedVms,
  };
}

/** xapi starts VMs in ascending VM.order, a negative order last. */
const startRank = (order: number) => (order < 0 ? Number.MAX_SAFE_INTEGER : order);

/** Why Configure HA cannot run now (XenCenter's HAConfigureCommand.CanRun and its checks), or undefined. */
export function configureHaReason(mirror: Mirror | undefined, poolName: string): string | undefined {
  const [, pool] = poolOf(mirror) ?? [];
  if (!mirror || !pool) return 'Wait for the pool to finish loading.';
  if (standaloneHost(mirror)) return 'HA is not available on standalone servers.';
  const op = haOperation(pool);
  if (op) return `HA is currently being ${op === 'enabling' ? 'enabled' : 'disabled'} for ‘${poolName}’.`;
  if (pool.is_psr_pending) return 'A pool secret rotation is pending on this pool: finish it before changing HA.';
  if (pool.ha_enabled) {
    const dead = [...(mirror.objects.host?.values() ?? [])].filter((h) => !hostLive(mirror, h)).map((h) => h.name_label);
    if (dead.length) return `HA is currently enabled for pool ‘${poolName}’. To edit VM restart priorities, all servers in the pool must be reachable (${dead.join(', ')} ${dead.length === 1 ? 'is' : 'are'} not).`;
    if (heartbeatSrsOf(mirror, pool).length === 0) return `Cannot configure HA for pool ‘${poolName}’ because an HA statefile VDI could not be found in the pool.`;
  }
  return undefined;
}

/** Why Disable HA cannot run now, or undefined. */
export function disableHaReason(mirror: Mirror | undefined, poolName: string): string | undefined {
  const [, pool] = poolOf(mirror) ?? [];
  if (!mirror || !pool) return 'Wait for the pool to finish loading.';
  const op = haOperation(pool);
  if (op) return `HA is currently being ${op === 'enabling' ? 'enabled' : 'disabled'} for ‘${poolName}’.`;
  if (!pool.ha_enabled) return `HA is not enabled on pool ‘${poolName}’.`;
  if (heartbeatSrsOf(mirror, pool).length === 0) return `Cannot disable HA for pool ‘${poolName}’ because an HA statefile VDI could not be found in the pool.`;
  return undefined;
}

/** SRs that may hold the heartbeat statefile: shared ones other than the tools ISO SR (XenCenter's GetHeartbeatSRsAction), by name. */
export function heartbeatSrCandidates(mirror: Mirror): [string, SRRecord][] {
  return [...(mirror.objects.SR ?? [])]
    .filter(([, sr]) => sr.shared && !sr.is_tools_sr)
    .sort((a, b) => collator.compare(a[1].name_label, b[1].name_label));
}

/** The SR that already holds a statefile VDI (from an earlier enable), to choose it again by default. */
export function previousHeartbeatSr(mirror: Mirror, candidates: readonly [string, SRRecord][]): string | undefined {
  for (const vdi of mirror.objects.VDI?.values() ?? []) {
    if (vdi.type === 'ha_statefile' && candidates.some(([sr]) => sr === vdi.SR)) return vdi.SR;
  }
  return undefined;
}

/** Why an SR cannot hold the statefile (SR.assert_can_host_ha_statefile's error), as the SR list says it. */
export function statefileProblem(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e?.code) {
    case 'SR_HAS_NO_PBDS':
      return 'Detached: it is not plugged on every server.';
    case 'SR_OPERATION_NOT_SUPPORTED':
      return 'This kind of storage cannot hold the heartbeat statefile.';
    case 'SR_SOURCE_SPACE_INSUFFICIENT':
      return 'Not enough free space for the statefile and the HA metadata disk.';
    case 'RBAC_PERMISSION_DENIED':
      return (e.message ?? 'Your role may not check this SR.').split('\n')[0];
    default:
      return errorLine(err);
  }
}
