/**
 * The HA failover planner, after xapi's xapi_ha_vm_failover.ml: which VMs are protected, where offline
 * protected VMs would restart now, whether a plan exists for N host failures (bin packing every failure
 * sequence onto the surviving hosts), the maximum N (bisection, as xapi), the pool's ha_plan_exists_for /
 * ha_overcommitted bookkeeping with its alerts, and the "would this change break the plan" guard.
 * Memory: hosts' free memory at the VMs' static max, protected VMs' full footprint (memory-model.ts).
 */
import type { PoolSim } from '../core';
import { NULL_REF, type ObjectDb, type XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { postMessage } from './messages';
import { hostFreeMemoryWithPolicy, vmStartMemory, domainKind } from './memory-model';
import { isNetworkProperlyShared, isSrProperlyShared } from './ha-agility';
import { hostProblem } from './vm-operation';
import { account, applyPlan, checkConfiguration, chooseHeuristic, type PlanConfig, type Sized } from './binpack';

export type VmEntry = [ref: string, rec: XRecord];

/** A hypothetical change the planner reasons about (xapi's configuration_change). */
export interface ConfigurationChange {
  /** Existing VMs leaving a host: [host, vm, record]. */
  leaving?: [string, string, XRecord][];
  /** Existing VMs arriving on a host, with the record they would have. */
  arriving?: [string, string, XRecord][];
  hostsToDisable?: string[];
  numFailures?: number;
  newVmsToProtect?: string[];
}

export type PlanStatus = 'all' | 'excluding-non-agile' | 'none';

export interface RestartPlan {
  /** VM → host for every offline protected VM that can start now. */
  plan: [string, string][];
  /** The pool as it would be once they run, for planning future failures. */
  config: PlanConfig<string, string>;
  notRestarted: string[];
  nonAgileExist: boolean;
}

export const isProtected = (vm: XRecord) => vm.ha_always_run === true && vm.ha_restart_priority === 'restart';

/** VMs HA keeps running: restart priority "restart" and ha_always_run (started, not shut down by a user). */
export function allProtectedVms(db: ObjectDb): VmEntry[] {
  const out: VmEntry[] = [];
  for (const [ref, vm] of db.all('VM')) if (isProtected(vm)) out.push([ref, vm]);
  return out;
}

/** Enabled hosts whose host_metrics say live: the liveset as the database knows it. */
export function liveSetOf(db: ObjectDb): string[] {
  return db.refs('host').filter((h) => {
    const host = db.get('host', h);
    return host.enabled === true && db.find('host_metrics', String(host.metrics))?.live === true;
  });
}

const byUuid = (a: VmEntry, b: VmEntry) => (String(a[1].uuid) < String(b[1].uuid) ? -1 : String(a[1].uuid) > String(b[1].uuid) ? 1 : 0);

/** Splits VMs into agile and not, caching the SRs and networks already found properly shared, as xapi does. */
function partitionByAgility(db: ObjectDb, vms: VmEntry[]): [VmEntry[], VmEntry[]] {
  const okSrs = new Set<string>();
  const okNets = new Set<string>();
  const agileOne = (vm: XRecord) => {
    if ((vm.VGPUs as string[] | undefined)?.length || (vm.VUSBs as string[] | undefined)?.length) return false;
    for (const vbdRef of vm.VBDs as string[]) {
      const vbd = db.find('VBD', vbdRef);
      if (!vbd || vbd.empty) continue;
      const sr = String(db.find('VDI', String(vbd.VDI))?.SR);
      if (okSrs.has(sr)) continue;
      if (!isSrProperlyShared(db, sr)) return false;
      okSrs.add(sr);
    }
    for (const vifRef of vm.VIFs as string[]) {
      const net = String(db.find('VIF', vifRef)?.network);
      if (okNets.has(net)) continue;
      const sriov = db.has('network', net) && (db.get('network', net).PIFs as string[]).some((p) => ((db.find('PIF', p)?.sriov_logical_PIF_of as string[] | undefined) ?? []).length > 0);
      if (!isNetworkProperlyShared(db, net) || sriov) return false;
      okNets.add(net);
    }
    return true;
  };
  const agile: VmEntry[] = [];
  const nonAgile: VmEntry[] = [];
  for (const e of vms) (agileOne(e[1]) ? agile : nonAgile).push(e);
  return [agile, nonAgile];
}

/** The first host (by uuid) a non-agile VM could boot on, memory aside: where the planner pins it. */
function pinnedHost(pool: PoolSim, vmRef: string, hostsByUuid: string[]): string | undefined {
  return hostsByUuid.find((h) => {
    const problem = hostProblem(pool, vmRef, h);
    return !problem || problem.code === 'HOST_NOT_ENOUGH_FREE_MEMORY';
  });
}

/**
 * Where every offline protected VM would restart now, and the planning configuration once they run
 * (xapi's compute_restart_plan). Deterministic: hosts and VMs are taken in uuid order.
 */
export function computeRestartPlan(pool: PoolSim, protectedVms: VmEntry[], liveSet: string[], n: number, change: ConfigurationChange = {}): RestartPlan {
  const db = pool.db;
  const numFailures = change.numFailures ?? n;
  const leaving = change.leaving ?? [];
  const arriving = change.arriving ?? [];
  let toEnsure: VmEntry[] = [...protectedVms, ...(change.newVmsToProtect ?? []).map((r): VmEntry => [r, db.get('VM', r)])];
  toEnsure = toEnsure.map(([ref, rec]): VmEntry => {
    const arrives = arriving.find(([, vm]) => vm === ref);
    if (arrives) return [ref, { ...arrives[2], resident_on: arrives[0] }];
    if (leaving.some(([, vm]) => vm === ref)) return [ref, { ...rec, resident_on: NULL_REF }];
    return [ref, rec];
  });
  const allHosts = db.refs('host').map((h): VmEntry => [h, db.get('host', h)]).sort(byUuid);
  const totalHosts = allHosts.length;
  const hostsToDisable = new Set(change.hostsToDisable ?? []);
  const liveHosts = allHosts.filter(([h, rec]) =>
    rec.enabled === true && !hostsToDisable.has(h) && db.find('host_metrics', String(rec.metrics))?.live === true && liveSet.includes(h)).map(([h]) => h);
  toEnsure.sort(byUuid);
  const [agile, nonAgile] = partitionByAgility(db, toEnsure);
  const records = new Map(toEnsure);
  const accountedTo = (vm: string): string | undefined => {
    const resident = String(records.get(vm)!.resident_on);
    if (liveHosts.includes(resident)) return resident;
    const scheduled = String(db.find('VM', vm)?.scheduled_to_be_resident_on ?? NULL_REF);
    return liveHosts.includes(scheduled) ? scheduled : undefined;
  };
  const footprint = (vmRef: string, rec: XRecord) => vmStartMemory(rec, db.find('VM', vmRef)?.is_control_domain ? 'dynamic_max' : 'static_max');
  let hostsMemory: Sized<string>[] = liveHosts.map((h) => {
    const free = hostFreeMemoryWithPolicy(db, h, 'static_max');
    const arrivingHere = arriving.filter(([host]) => host === h).reduce((sum, [, vm, rec]) => sum + footprint(vm, rec), 0);
    const leavingHere = leaving.filter(([host]) => host === h).reduce((sum, [, vm, rec]) => sum + footprint(vm, rec), 0);
    return [h, free + leavingHere - arrivingHere];
  });
  const vmsMemory: Sized<string>[] = toEnsure.map(([ref, rec]) => [ref, vmStartMemory(rec, 'static_max')]);
  // A non-agile VM is pinned to one host and counts there as overhead; only agile VMs are bin packed.
  const hostOrder = allHosts.map(([h]) => h);
  const pinned = nonAgile.flatMap(([ref]): [string, string][] => {
    const host = pinnedHost(pool, ref, hostOrder);
    return host ? [[ref, host]] : [];
  });
  const nonAgilePlan = pinned.filter(([vm]) => accountedTo(vm) === undefined);
  hostsMemory = account(hostsMemory, vmsMemory, nonAgilePlan);
  const sizes = new Map(vmsMemory);
  const agileMemory: Sized<string>[] = agile.map(([ref]) => [ref, sizes.get(ref)!]);
  const placement: [string, string][] = [];
  const offline: string[] = [];
  for (const [ref] of agile) {
    const host = accountedTo(ref);
    if (host) placement.push([ref, host]);
    else offline.push(ref);
  }
  let config: PlanConfig<string, string> = { hosts: hostsMemory, vms: agileMemory, placement, totalHosts, numFailures };
  checkConfiguration(config);
  const agilePlan = chooseHeuristic(config).specificPlan(config, offline);
  const restarted = new Set(agilePlan.map(([vm]) => vm));
  const notRestarted = toEnsure.map(([ref]) => ref).filter((ref) => accountedTo(ref) === undefined && !restarted.has(ref));
  config = applyPlan(config, agilePlan);
  checkConfiguration(config);
  return { plan: [...nonAgilePlan, ...agilePlan], config, notRestarted, nonAgileExist: nonAgile.length > 0 };
}

/** Whether a plan exists for `n` host failures (xapi's plan_for_n_failures); any planning error means none. */
export function planForNFailures(pool: PoolSim, protectedVms: VmEntry[], n: number, liveSet = liveSetOf(pool.db), change: ConfigurationChange = {}): PlanStatus {
  try {
    const { config, notRestarted, nonAgileExist } = computeRestartPlan(pool, protectedVms, liveSet, n, change);
    // Protected VMs that cannot even start now: overcommitted before any failure.
    if (notRestarted.length) return 'none';
    checkConfiguration(config);
    if (!chooseHeuristic(config).planAlwaysPossible(config)) return 'none';
    return nonAgileExist ? 'excluding-non-agile' : 'all';
  } catch {
    return 'none';
  }
}

/** xapi's Helpers.bisect: the largest value in [lower, upper] for which the (monotonic) test holds. */
function bisect(test: (n: number) => boolean, lower: number, upper: number): number {
  if (upper - lower < 2) return test(upper) ? upper : lower;
  const mid = Math.floor((upper + lower) / 2);
  return test(mid) ? bisect(test, mid, upper) : bisect(test, lower, mid);
}

/**
 * How many hosts may fail at most: all of them, or with a corosync cluster (GFS2 pools) fewer than half of
 * the clustered hosts, since the rest must keep quorum (xapi's compute_corosync_max_host_failures).
 */
function failureCeiling(db: ObjectDb): number {
  const hosts = db.refs('host');
  if (db.count('Cluster') === 0) return hosts.length;
  const clustered = new Set([...db.all('Cluster_host')].filter(([, c]) => c.enabled === true).map(([, c]) => String(c.host)));
  const disabled = hosts.filter((h) => !clustered.has(h)).length;
  return Math.trunc((hosts.length - disabled - 1) / 2) + disabled;
}

/** The most host failures a plan covers for every protected VM (pool.ha_compute_max_host_failures_to_tolerate). */
export function computeMaxHostFailuresToTolerate(pool: PoolSim, opts: { liveSet?: string[]; protectedVms?: VmEntry[] } = {}): number {
  const protectedVms = opts.protectedVms ?? allProtectedVms(pool.db);
  const liveSet = opts.liveSet ?? liveSetOf(pool.db);
  return bisect((n) => planForNFailures(pool, protectedVms, n, liveSet) === 'all', 0, failureCeiling(pool.db));
}

const poolRecord = (pool: PoolSim) => pool.db.get('pool', pool.ref);

/** Lowers ha_plan_exists_for to what the pool can still do and flags it overcommitted, with xapi's alerts. Returns whether anything changed. */
export function markPoolAsOvercommitted(pool: PoolSim, liveSet: string[]): boolean {
  const rec = poolRecord(pool);
  const overcommitted = rec.ha_overcommitted === true;
  const plannedFor = Number(rec.ha_plan_exists_for);
  const toTolerate = Number(rec.ha_host_failures_to_tolerate);
  const max = computeMaxHostFailuresToTolerate(pool, { liveSet });
  if (plannedFor !== max) {
    pool.db.update('pool', pool.ref, { ha_plan_exists_for: Math.min(toTolerate, max) });
    if (max < plannedFor) postMessage(pool, 'HA_POOL_DROP_IN_PLAN_EXISTS_FOR', 3, 'Pool', pool.uuid, String(max));
  }
  if (!overcommitted) {
    pool.db.update('pool', pool.ref, { ha_overcommitted: true });
    postMessage(pool, 'HA_POOL_OVERCOMMITTED', 3, 'Pool', pool.uuid,
      `The failover tolerance for pool '${String(rec.name_label)}' has dropped and the initially specified number of host failures to tolerate can no longer be guaranteed`);
  }
  return plannedFor !== max || !overcommitted;
}

/** Recomputes ha_plan_exists_for and ha_overcommitted for the configured failures to tolerate (xapi's update_pool_status). */
export function updatePoolStatus(pool: PoolSim, liveSet = liveSetOf(pool.db)): boolean {
  const rec = poolRecord(pool);
  const toTolerate = Number(rec.ha_host_failures_to_tolerate);
  const plannedFor = Number(rec.ha_plan_exists_for);
  const wasOvercommitted = rec.ha_overcommitted === true;
  if (planForNFailures(pool, allProtectedVms(pool.db), toTolerate, liveSet) !== 'all') return markPoolAsOvercommitted(pool, liveSet);
  if (wasOvercommitted) pool.db.update('pool', pool.ref, { ha_overcommitted: false });
  if (plannedFor !== toTolerate) pool.db.update('pool', pool.ref, { ha_plan_exists_for: toTolerate });
  return wasOvercommitted || plannedFor !== toTolerate;
}

/**
 * HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN when HA is on, overcommit is not allowed, a plan exists now for
 * ha_plan_exists_for failures and would not after the change. A pool already without a plan cannot get worse.
 */
export function assertChangePreservesPlan(pool: PoolSim, change: ConfigurationChange): void {
  const rec = poolRecord(pool);
  if (rec.ha_enabled !== true || rec.ha_allow_overcommit === true) return;
  const toTolerate = Number(rec.ha_plan_exists_for);
  const protectedVms = allProtectedVms(pool.db);
  const liveSet = liveSetOf(pool.db);
  if (planForNFailures(pool, protectedVms, toTolerate, liveSet) !== 'all') return;
  if (planForNFailures(pool, protectedVms, toTolerate, liveSet, change) !== 'all') throw new XapiError('HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN');
}

/** The memory a VM needs on arrival for evacuation planning: dynamic min for HVM and PV guests, static max for PVH ones. */
function evacuationFootprint(vm: XRecord): number {
  const kind = domainKind(vm);
  return vmStartMemory(vm, kind === 'hvm' || kind === 'pv' ? 'dynamic_min' : 'static_max');
}

/** Where the VMs would go if they had to leave now (xapi's compute_evacuation_plan, without VM groups): may leave some out. */
export function computeEvacuationPlan(pool: PoolSim, totalHosts: number, remainingHosts: string[], vms: VmEntry[]): [string, string][] {
  const hosts: Sized<string>[] = remainingHosts.map((h) => [h, hostFreeMemoryWithPolicy(pool.db, h, 'dynamic_min')]);
  const config: PlanConfig<string, string> = { hosts, vms: vms.map(([ref, rec]) => [ref, evacuationFootprint(rec)]), placement: [], totalHosts, numFailures: 1 };
  checkConfiguration(config);
  return chooseHeuristic(config).specificPlan(config, vms.map(([ref]) => ref));
}
