/**
 * The XAPI calls that apply an HA plan, in XenCenter's order (EnableHAAction, SetHaPrioritiesAction),
 * as data: the wizard's Finish and the edit dialog's OK build them here, ha-run.ts sends them.
 *
 * Enabling: the changed VMs' priority, order and delay; then the failures to tolerate; then
 * Async.pool.enable_ha on the heartbeat SR (which also syncs the pool database).
 * Editing while HA is on: xapi keeps the failover plan valid after every call, so VMs losing protection
 * go first, then the failures to tolerate, then VMs gaining protection, then Async.pool.sync_database.
 * In the other order a protected VM could be refused (HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN) only
 * because the VM it replaces was still protected.
 */
import type { VmSettings } from './ha-plan-model';

export interface HaStep {
  /** Without `Async.`. */
  method: string;
  params: unknown[];
  /** Started as a task (Async.*), shown with its progress in the task panel. */
  async?: boolean;
  /** The object the call acts on, for the task panel. */
  targetRef: string;
  targetName: string;
}

function vmSteps(s: VmSettings): HaStep[] {
  const target = { targetRef: s.ref, targetName: s.name };
  return [
    { method: 'VM.set_ha_restart_priority', params: [s.ref, s.priority], ...target },
    { method: 'VM.set_order', params: [s.ref, s.order], ...target },
    { method: 'VM.set_start_delay', params: [s.ref, s.delay], ...target },
  ];
}

export interface PoolTarget {
  ref: string;
  name: string;
}

export function enableHaSteps(pool: PoolTarget, changed: readonly VmSettings[], ntol: number, heartbeatSr: string): HaStep[] {
  const target = { targetRef: pool.ref, targetName: pool.name };
  return [
    ...changed.flatMap(vmSteps),
    { method: 'pool.set_ha_host_failures_to_tolerate', params: [pool.ref, ntol], ...target },
    { method: 'pool.enable_ha', params: [[heartbeatSr], {}], async: true, ...target },
  ];
}

export function editHaSteps(pool: PoolTarget, changed: readonly VmSettings[], ntol: number): HaStep[] {
  const target = { targetRef: pool.ref, targetName: pool.name };
  return [
    ...changed.filter((s) => s.priority !== 'restart').flatMap(vmSteps),
    { method: 'pool.set_ha_host_failures_to_tolerate', params: [pool.ref, ntol], ...target },
    ...changed.filter((s) => s.priority === 'restart').flatMap(vmSteps),
    { method: 'pool.sync_database', params: [], async: true, ...target },
  ];
}

export function disableHaSteps(pool: PoolTarget): HaStep[] {
  return [{ method: 'pool.disable_ha', params: [], async: true, targetRef: pool.ref, targetName: pool.name }];
}
