/**
 * What the pool does while HA is on, after xapi's HA monitor (xapi_ha.ml) and restart_auto_run_vms
 * (xapi_ha_vm_failover.ml). Every 20 simulated seconds the master reads the liveset; a host that stopped
 * heartbeating leaves it once the HA timeout (pool.ha_configuration "timeout", else other_config
 * "default_ha_timeout", else 60 s) has passed. Then the master (a member elected among the liveset if the
 * master itself died) posts HA_HOST_FAILED, resets the dead host's VMs to Halted, recomputes the plan,
 * restarts protected VMs group by group in VM.order (each start waits its start_delay, as VM.start does),
 * retries a failure 120 s later at the earliest with HA_PROTECTED_VM_RESTART_FAILED posted once, then
 * starts best-effort VMs. A fenced host that boots again posts HA_HOST_WAS_FENCED and rejoins.
 */
import type { PoolSim, SimHost } from '../core';
import type { CallContext } from '../rpc/call-context';
import { NULL_REF, type XRecord } from '../db/object-db';
import type { SimExtension } from '../extension';
import { toXapiError, XapiError } from '../xapi-error';
import { classInfo } from '../model';
import { postMessage } from './messages';
import { markStopped } from './vm-state';
import { allProtectedVms, computeRestartPlan, markPoolAsOvercommitted, updatePoolStatus, type VmEntry } from './ha-plan';
import { designateMaster } from '../pool-membership';

export const HA_MONITOR_INTERVAL_MS = 20_000;
/** xapi's ha_monitor_plan_interval: the plan is recomputed at least this often even when nothing changed. */
const PLAN_INTERVAL_MS = 1_800_000;
/** A protected VM whose restart failed is not tried again sooner than this. */
const RESTART_RETRY_MS = 120_000;
const BEST_EFFORT_MAX_RETRIES = 2;
const DEFAULT_TIMEOUT_S = 60;

interface HaRuntime {
  /** Bumped when HA is disabled or re-enabled, so an old monitor loop ends. */
  generation: number;
  /** Hosts that stopped heartbeating, with the simulated time they did. */
  diedAt: Map<string, number>;
  /** Hosts HA declared dead: when they heartbeat again the master marks them live. */
  fenced: Set<string>;
  lastLiveSet: string[];
  planOutOfDate: boolean;
  lastPlanTime: number;
  lastStartAttempt: Map<string, number>;
  restartFailed: Set<string>;
  triedBestEffort: Map<string, number>;
  preventRestartsUntil: number;
}

const runtimes = new WeakMap<PoolSim, HaRuntime>();

function runtime(pool: PoolSim): HaRuntime {
  let rt = runtimes.get(pool);
  if (!rt) {
    rt = {
      generation: 0, diedAt: new Map(), fenced: new Set(), lastLiveSet: [], planOutOfDate: true, lastPlanTime: 0,
      lastStartAttempt: new Map(), restartFailed: new Set(), triedBestEffort: new Map(), preventRestartsUntil: 0,
    };
    runtimes.set(pool, rt);
  }
  return rt;
}

export const haEnabled = (pool: PoolSim) => pool.db.get('pool', pool.ref).ha_enabled === true;

/** The HA timeout in seconds (xapi Timeouts.get_base_t); xhad needs at least 10. */
export function haTimeoutSeconds(pool: PoolSim, configuration?: Record<string, string>): number {
  const rec = pool.db.get('pool', pool.ref);
  const config = configuration ?? (rec.ha_configuration as Record<string, string>);
  const other = rec.other_config as Record<string, string>;
  const raw = config.timeout ?? other.default_ha_timeout;
  if (raw === undefined) return DEFAULT_TIMEOUT_S;
  const t = Number.parseInt(raw, 10);
  if (!Number.isFinite(t)) throw new XapiError('INTERNAL_ERROR', [`int_of_string: ${raw}`]);
  return t;
}

const hostUuid = (pool: PoolSim, ref: string) => String(pool.db.get('host', ref).uuid);

/** The hosts xhad sees heartbeating, in host uuid order: all but those dead for longer than the timeout. */
function xhadLiveSet(pool: PoolSim, rt: HaRuntime): string[] {
  const now = pool.sim.clock.now();
  const timeoutMs = haTimeoutSeconds(pool) * 1000;
  return pool.db.refs('host')
    .filter((h) => {
      const died = rt.diedAt.get(h);
      return died === undefined || now - died < timeoutMs;
    })
    .sort((a, b) => (hostUuid(pool, a) < hostUuid(pool, b) ? -1 : 1));
}

/** Starts (or restarts) the master's HA monitor loop; called by enable_ha and for pools loaded with HA on. */
export function startHaMonitor(pool: PoolSim): void {
  const rt = runtime(pool);
  const generation = ++rt.generation;
  rt.lastLiveSet = [];
  rt.planOutOfDate = true;
  // Every host heartbeats when HA starts (enable_ha refuses a pool with a host down).
  rt.diedAt.clear();
  rt.fenced.clear();
  void (async () => {
    for (;;) {
      await pool.sim.clock.sleep(HA_MONITOR_INTERVAL_MS);
      if (rt.generation !== generation || pool.sim.stopped || !haEnabled(pool)) return;
      try {
        await monitorTick(pool, rt);
      } catch (err) {
        console.error(`simulator: HA monitor of pool ${pool.name} failed`, err);
      }
    }
  })();
}

/** HA disabled: the loop ends, failures are no longer handled by HA. */
export function stopHaMonitor(pool: PoolSim): void {
  runtime(pool).generation++;
}

/** Hosts HA fenced that run again but were not marked live yet. */
export function takeFencedHosts(pool: PoolSim): string[] {
  const rt = runtime(pool);
  const out = [...rt.fenced];
  rt.fenced.clear();
  return out;
}

/** pool.ha_prevent_restarts_for: the master takes no failover action before this time. */
export function preventRestartsFor(pool: PoolSim, seconds: number): void {
  runtime(pool).preventRestartsUntil = pool.sim.clock.now() + seconds * 1000;
}

const recomputing = new WeakSet<PoolSim>();

/**
 * Something the plan depends on changed (a VM started, stopped or moved, a host was disabled): the pool's
 * ha_plan_exists_for and ha_overcommitted are recomputed once the change is complete, so they stay true.
 */
export function recomputeSoon(pool: PoolSim): void {
  if (recomputing.has(pool) || !haEnabled(pool)) return;
  recomputing.add(pool);
  queueMicrotask(() => {
    recomputing.delete(pool);
    if (haEnabled(pool) && !pool.sim.stopped) updatePoolStatus(pool);
  });
}

/** Keeps the plan fields true as VMs change, and resumes the HA monitor of pools whose database says HA is on. */
export const installHaRuntime: SimExtension = (sim) => {
  sim.onVmChange((e) => recomputeSoon(e.pool));
  for (const pool of sim.pools) if (pool.ref !== NULL_REF && haEnabled(pool)) startHaMonitor(pool);
};

/** A host stopped (power loss, crash) while HA is on: nothing happens until the liveset timeout. */
export function haHostDied(host: SimHost): void {
  runtime(host.pool).diedAt.set(host.ref, host.sim.clock.now());
}

/**
 * A host that died with HA on boots again: it was fenced (or lost power), says so, and rejoins the liveset.
 * Back before HA noticed, its guests are gone all the same: its xapi finds them not running and halts them,
 * and HA restarts the protected ones as offline protected VMs.
 */
export function haHostRestarted(host: SimHost): void {
  const pool = host.pool;
  const rt = runtime(pool);
  rt.diedAt.delete(host.ref);
  if (!rt.fenced.has(host.ref)) {
    for (const vm of [...(pool.db.get('host', host.ref).resident_VMs as string[])]) {
      const rec = pool.db.find('VM', vm);
      if (rec && !rec.is_control_domain && (rec.power_state === 'Running' || rec.power_state === 'Paused')) markStopped(pool, vm, 'Halted');
    }
  }
  postMessage(pool, 'HA_HOST_WAS_FENCED', 4, 'Host', host.uuid, '');
}

async function monitorTick(pool: PoolSim, rt: HaRuntime): Promise<void> {
  const liveSet = xhadLiveSet(pool, rt);
  const master = pool.host(pool.masterRef);
  if (!master?.alive) {
    // Until the liveset drops the master, the members wait; then xhad lets one of them take over.
    if (liveSet.includes(pool.masterRef)) return;
    const successor = pool.hosts.find((h) => h.alive && liveSet.includes(h.ref));
    if (!successor) return;
    designateMaster(pool, successor);
    // The new master's monitor starts with no previous liveset.
    rt.lastLiveSet = [];
  }
  if (pool.sim.clock.now() < rt.preventRestartsUntil) return;
  await processLiveSetOnMaster(pool, rt, liveSet);
}

async function processLiveSetOnMaster(pool: PoolSim, rt: HaRuntime, liveSet: string[]): Promise<void> {
  const db = pool.db;
  const last = rt.lastLiveSet;
  if (last.join() !== liveSet.join()) {
    rt.planOutOfDate = true;
    rt.lastLiveSet = liveSet;
  }
  await restartAutoRunVms(pool, rt, last, liveSet, Number(db.get('pool', pool.ref).ha_host_failures_to_tolerate));
  // Hosts HA declared dead that heartbeat again are live.
  for (const h of liveSet) {
    if (!rt.fenced.has(h)) continue;
    rt.fenced.delete(h);
    const metrics = String(db.get('host', h).metrics);
    if (db.has('host_metrics', metrics)) db.update('host_metrics', metrics, { live: true });
  }
  publishHeartbeats(pool, liveSet);
  const now = pool.sim.clock.now();
  if (rt.planOutOfDate || now - rt.lastPlanTime > PLAN_INTERVAL_MS) {
    updatePoolStatus(pool, liveSet);
    rt.lastPlanTime = now;
    rt.planOutOfDate = false;
  }
}

/** host.ha_statefiles (statefile access) and host.ha_network_peers (host uuids heard on the network) from the liveset. */
export function publishHeartbeats(pool: PoolSim, liveSet: string[]): void {
  const db = pool.db;
  const statefiles = db.get('pool', pool.ref).ha_statefiles as string[];
  const peers = liveSet.map((h) => hostUuid(pool, h)).sort();
  for (const h of db.refs('host')) {
    const live = liveSet.includes(h);
    const rec = db.get('host', h);
    const wantStatefiles = live ? statefiles : [];
    const wantPeers = live ? peers : [];
    if ((rec.ha_statefiles as string[]).join() !== wantStatefiles.join()) db.update('host', h, { ha_statefiles: wantStatefiles });
    if ([...(rec.ha_network_peers as string[])].sort().join() !== wantPeers.join()) db.update('host', h, { ha_network_peers: wantPeers });
  }
}

/** xapi's order_f: VM.order ascending, a negative order last. */
const orderOf = (vm: XRecord) => (Number(vm.order) < 0 ? Number.MAX_SAFE_INTEGER : Number(vm.order));

/** Runs `action` on each group of equal VM.order in ascending order: a group in parallel, the next once it has finished. */
async function inOrderGroups<T>(items: [string, XRecord][], action: (vm: string) => Promise<T>): Promise<[string, T][]> {
  const groups = new Map<number, string[]>();
  for (const [ref, rec] of items) {
    const key = orderOf(rec);
    groups.set(key, [...(groups.get(key) ?? []), ref]);
  }
  const out: [string, T][] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const results = await Promise.all(groups.get(key)!.map(async (vm) => [vm, await action(vm)] as [string, T]));
    out.push(...results);
  }
  return out;
}

/**
 * Async.VM.start_on (or VM.start) as the master calls it: a task in the pool while it runs, the VM's
 * start_delay before it completes (as xapi's VM.start), destroyed when done. Resolves to the error, if any.
 */
async function startAsTask(pool: PoolSim, vm: string, host?: string): Promise<XapiError | undefined> {
  const master = pool.master;
  const method = host ? 'VM.start_on' : 'VM.start';
  const handler = pool.sim.api.get(method);
  const task = pool.tasks.create(`Async.${method}`, '', master.ref);
  const call: CallContext = { sim: pool.sim, pool, db: pool.db, session: undefined, host: master, clock: pool.sim.clock, method, task };
  try {
    if (!handler) throw new XapiError('MESSAGE_METHOD_UNKNOWN', [method]);
    await (host ? handler(call, vm, host, false, true) : handler(call, vm, false, true));
    const delay = Number(pool.db.find('VM', vm)?.start_delay ?? 0);
    if (delay > 0) await task.sleep(delay * 1000);
    task.succeed(undefined, classInfo('VM').messages.get('start')!.result);
    return undefined;
  } catch (err) {
    const e = toXapiError(err);
    task.fail(e);
    return e;
  } finally {
    if (pool.db.has('task', task.ref)) pool.tasks.destroy(task.ref);
  }
}

async function restartAutoRunVms(pool: PoolSim, rt: HaRuntime, lastLiveSet: string[], liveSet: string[], n: number): Promise<void> {
  const db = pool.db;
  const resets: string[] = [];
  for (const h of db.refs('host')) {
    if (liveSet.includes(h)) continue;
    const host = db.get('host', h);
    resets.push(...(host.resident_VMs as string[]).filter((vm) => !db.find('VM', vm)?.is_control_domain));
    const metrics = String(host.metrics);
    if (db.find('host_metrics', metrics)?.live === true) {
      postMessage(pool, 'HA_HOST_FAILED', 3, 'Host', String(host.uuid), `Server '${String(host.name_label)}' has failed`);
      db.update('host_metrics', metrics, { live: false });
      rt.fenced.add(h);
    }
  }
  for (const vm of resets) {
    const state = db.find('VM', vm)?.power_state;
    if (state === 'Running' || state === 'Paused') markStopped(pool, vm, 'Halted');
  }
  if (resets.length) updatePoolStatus(pool, liveSet);

  const protectedVms = allProtectedVms(db);
  const offline = protectedVms.filter(([, rec]) => rec.power_state !== 'Running' && rec.power_state !== 'Paused');
  let plan: [string, string][] = [];
  let complete = true;
  if (offline.length) {
    try {
      const r = computeRestartPlan(pool, protectedVms, liveSet, n);
      plan = r.plan;
      complete = r.notRestarted.length === 0;
    } catch {
      plan = [];
      complete = false;
    }
  }

  const restartVm = async (vm: string, host?: string): Promise<XapiError | undefined> => {
    const attempt = async () => {
      const previous = rt.lastStartAttempt.get(vm);
      const now = pool.sim.clock.now();
      if (previous !== undefined && now - previous <= RESTART_RETRY_MS) return new XapiError('INTERNAL_ERROR', [`VM: ${vm} restart attempt delayed for 120s`]);
      rt.lastStartAttempt.set(vm, now);
      return startAsTask(pool, vm, host);
    };
    const err = await attempt();
    if (err?.code !== 'HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN') return err;
    // The planner should never let this happen; xapi marks the pool overcommitted and tries once more.
    markPoolAsOvercommitted(pool, liveSet);
    return attempt();
  };

  const targets = new Map(plan);
  const first: VmEntry[] = complete
    ? plan.map(([vm]): VmEntry => [vm, db.get('VM', vm)])
    : protectedVms.filter(([, rec]) => rec.power_state === 'Halted');
  let results = await inOrderGroups(first, (vm) => (complete ? restartVm(vm, targets.get(vm)) : restartVm(vm)));
  // One more attempt, anywhere, for those that failed (too soon after the first one, unless it was long ago).
  const firstResults = new Map(results);
  results = await inOrderGroups(first.filter(([vm]) => firstResults.get(vm)), (vm) => restartVm(vm));
  const finalResults = new Map([...firstResults, ...results]);
  for (const [vm, err] of finalResults) {
    if (!err || rt.restartFailed.has(vm) || !db.has('VM', vm)) continue;
    rt.restartFailed.add(vm);
    postMessage(pool, 'HA_PROTECTED_VM_RESTART_FAILED', 2, 'VM', String(db.get('VM', vm).uuid), '');
  }
  // Forget VMs that were not part of this round (started meanwhile, or gone).
  for (const table of [rt.lastStartAttempt, rt.restartFailed]) for (const vm of [...table.keys()]) if (!finalResults.has(vm)) table.delete(vm);

  await startBestEffortVms(pool, rt, resets, [...finalResults.values()].every((e) => !e), lastLiveSet, liveSet);
}

const isBestEffortHalted = (vm: XRecord) => vm.ha_restart_priority === 'best-effort' && vm.power_state === 'Halted' && !vm.is_a_template && !vm.is_control_domain;

/**
 * Best-effort VMs: after a liveset grows (HA enabled, a host back) every halted one; otherwise the ones the
 * failed hosts ran, plus those that failed last time while nothing changed. Failures are only counted.
 */
async function startBestEffortVms(pool: PoolSim, rt: HaRuntime, resets: string[], protectedOk: boolean, lastLiveSet: string[], liveSet: string[]): Promise<void> {
  const db = pool.db;
  const fresh = (refs: string[]): VmEntry[] => refs.filter((r) => db.has('VM', r)).map((r): VmEntry => [r, db.get('VM', r)]);
  let candidates: VmEntry[];
  if (protectedOk && liveSet.length > lastLiveSet.length) {
    rt.triedBestEffort.clear();
    candidates = [...db.all('VM')];
  } else if (protectedOk && lastLiveSet.join() === liveSet.join()) {
    const tried = fresh([...rt.triedBestEffort.keys()]);
    for (const vm of rt.triedBestEffort.keys()) if (!tried.some(([r, rec]) => r === vm && isBestEffortHalted(rec))) rt.triedBestEffort.delete(vm);
    candidates = [...tried.filter(([, rec]) => isBestEffortHalted(rec)), ...fresh(resets)];
  } else {
    rt.triedBestEffort.clear();
    candidates = fresh(resets);
  }
  const unique = new Map(candidates.filter(([, rec]) => isBestEffortHalted(rec)));
  const results = await inOrderGroups([...unique], (vm) => startAsTask(pool, vm));
  for (const [vm, err] of results) {
    if (!err) {
      rt.triedBestEffort.delete(vm);
      continue;
    }
    const count = rt.triedBestEffort.get(vm);
    if (count === undefined) rt.triedBestEffort.set(vm, 1);
    else if (count < BEST_EFFORT_MAX_RETRIES) rt.triedBestEffort.set(vm, count + 1);
    else rt.triedBestEffort.delete(vm);
  }
}
