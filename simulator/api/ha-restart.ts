/**
 * xapi's restart_auto_run_vms (xapi_ha_vm_failover.ml), run by the master on each HA monitor pass: hosts out
 * of the liveset are declared failed (HA_HOST_FAILED) and their VMs reset to Halted; protected VMs restart
 * where the plan puts them, group by group in VM.order (each start waits its start_delay, as VM.start does);
 * a failed restart is tried again 120 s later at the earliest, with HA_PROTECTED_VM_RESTART_FAILED posted
 * once; then best-effort VMs start.
 */
import type { PoolSim } from '../core';
import type { CallContext } from '../rpc/call-context';
import type { XRecord } from '../db/object-db';
import { toXapiError, XapiError } from '../xapi-error';
import { classInfo } from '../model';
import { postMessage } from './messages';
import { markStopped } from './vm-state';
import { allProtectedVms, computeRestartPlan, markPoolAsOvercommitted, updatePoolStatus, type VmEntry } from './ha-plan';
import type { HaRuntime } from './ha-failover';

/** A protected VM whose restart failed is not tried again sooner than this. */
const RESTART_RETRY_MS = 120_000;
const BEST_EFFORT_MAX_RETRIES = 2;

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

export async function restartAutoRunVms(pool: PoolSim, rt: HaRuntime, lastLiveSet: string[], liveSet: string[], n: number): Promise<void> {
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
