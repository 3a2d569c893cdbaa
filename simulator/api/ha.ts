/**
 * The HA messages: pool.enable_ha / disable_ha (tasks with progress, the heartbeat SR's statefile and
 * redo-log VDIs, the monitor), the planner's questions (ha_compute_*, ha_failover_plan_exists), the
 * failure tolerance, restart priorities, start order and delay, VM.assert_agile and
 * SR.assert_can_host_ha_statefile, with xapi's checks and error codes.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import type { XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { postMessage } from './messages';
import { assertAgile } from './ha-agility';
import {
  allProtectedVms, assertChangePreservesPlan, computeEvacuationPlan, computeMaxHostFailuresToTolerate, planForNFailures, updatePoolStatus,
} from './ha-plan';
import {
  assertSrCanHostStatefile, findOrCreateMetadataVdi, findOrCreateStatefile, haVdiAllowedOperations, isHaVdiType, srsThatCanHostStatefile,
} from './ha-statefile';
import { haEnabled, haTimeoutSeconds, preventRestartsFor, publishHeartbeats, startHaMonitor, stopHaMonitor, takeFencedHosts } from './ha-failover';
import { declareDeadWithoutHa } from '../pool-membership';

/** Simulated time each host takes per enable step (preconfigure, join the liveset, take a database backup) and per disable. */
export const HA_HOST_STEP_MS = 1000;
const VALID_PRIORITIES = ['restart', 'best-effort', ''];

/** Pool operations that exclude each other, with the error a second one gets (xapi_pool_helpers.ml). */
const BLOCKING_POOL_OPS: Record<string, string> = {
  ha_enable: 'HA_ENABLE_IN_PROGRESS', ha_disable: 'HA_DISABLE_IN_PROGRESS', cluster_create: 'CLUSTER_CREATE_IN_PROGRESS',
  designate_new_master: 'DESIGNATE_NEW_MASTER_IN_PROGRESS', tls_verification_enable: 'TLS_VERIFICATION_ENABLE_IN_PROGRESS',
  configure_repositories: 'CONFIGURE_REPOSITORIES_IN_PROGRESS', sync_updates: 'SYNC_UPDATES_IN_PROGRESS', sync_bundle: 'SYNC_BUNDLE_IN_PROGRESS',
  apply_updates: 'APPLY_UPDATES_IN_PROGRESS',
};

const poolRec = (pool: PoolSim) => pool.db.get('pool', pool.ref);

function assertPoolOperationValid(pool: PoolSim, op: 'ha_enable' | 'ha_disable'): void {
  const rec = poolRec(pool);
  if (rec.is_psr_pending === true) throw new XapiError('POOL_SECRET_ROTATION_PENDING');
  const current = Object.entries(rec.current_operations as Record<string, string>);
  const blocking = current.find(([, o]) => BLOCKING_POOL_OPS[o]);
  if (blocking) throw new XapiError(BLOCKING_POOL_OPS[blocking[1]]);
  if (current.length) throw new XapiError('OTHER_OPERATION_IN_PROGRESS', ['pool', pool.ref, current[0][1], current[0][0]]);
  if (op === 'ha_enable' && rec.ha_enabled === true) throw new XapiError('HA_IS_ENABLED');
  if (op === 'ha_disable' && rec.ha_enabled !== true) throw new XapiError('HA_NOT_ENABLED');
}

/** pool.allowed_operations offers ha_enable or ha_disable as HA stands, and nothing while one of them runs. */
function refreshPoolAllowed(pool: PoolSim, others: string[]): void {
  const rec = poolRec(pool);
  const running = Object.keys(rec.current_operations as object).length > 0;
  pool.db.update('pool', pool.ref, { allowed_operations: running ? [] : [...others, rec.ha_enabled === true ? 'ha_disable' : 'ha_enable'] });
}

async function withPoolOperation(call: CallContext, op: 'ha_enable' | 'ha_disable', body: () => Promise<void>): Promise<void> {
  const pool = call.pool;
  assertPoolOperationValid(pool, op);
  const key = call.task?.ref ?? call.db.newRef();
  const others = (poolRec(pool).allowed_operations as string[]).filter((o) => o !== 'ha_enable' && o !== 'ha_disable');
  call.db.update('pool', pool.ref, { current_operations: { ...(poolRec(pool).current_operations as object), [key]: op } });
  refreshPoolAllowed(pool, others);
  try {
    await body();
  } finally {
    const ops = { ...(poolRec(pool).current_operations as Record<string, string>) };
    delete ops[key];
    call.db.update('pool', pool.ref, { current_operations: ops });
    refreshPoolAllowed(pool, others);
  }
}

async function step(call: CallContext, done: number, total: number): Promise<void> {
  if (call.task) await call.task.sleep(HA_HOST_STEP_MS);
  else await call.clock.sleep(HA_HOST_STEP_MS);
  call.task?.progress(done / total);
}

function setHaVdiOperations(pool: PoolSim, enabled: boolean): void {
  for (const [ref, vdi] of pool.db.all('VDI')) if (isHaVdiType(vdi.type)) pool.db.update('VDI', ref, { allowed_operations: haVdiAllowedOperations(enabled) });
}

function assertReadyForHa(call: CallContext, configuration: Record<string, string>): void {
  const db = call.db;
  const unplugged = [...db.all('PIF')].filter(([, p]) => p.disallow_unplug === true && p.currently_attached !== true).map(([r]) => r);
  if (unplugged.length) throw new XapiError('REQUIRED_PIF_IS_UNPLUGGED', unplugged);
  // Storage NICs that could be unplugged under HA are only worth a warning.
  const loose = [...db.all('PIF')].filter(([, p]) => p.ip_configuration_mode !== 'None' && !db.has('Bond', String(p.bond_slave_of)) && p.disallow_unplug !== true && p.management !== true);
  if (loose.length) {
    const lines = ['A possible network anomaly was found. The following hosts possibly have storage PIFs that are not dedicated:',
      ...loose.map(([, p]) => `${String(db.get('host', String(p.host)).name_label)}: ${String(p.device)} (uuid: ${String(p.uuid)})`)];
    postMessage(call.pool, 'IP_CONFIGURED_PIF_CAN_UNPLUG', 3, 'Pool', call.pool.uuid, lines.join('\n'));
  }
  for (const h of db.refs('host')) {
    const live = db.find('host_metrics', String(db.get('host', h).metrics))?.live === true;
    if (!live || call.pool.host(h)?.alive === false) throw new XapiError('HOST_OFFLINE', [h]);
  }
  // The heartbeat daemon derives every timeout from this one; it refuses less than 10 s.
  const t = haTimeoutSeconds(call.pool, configuration);
  if (t < 10) throw new XapiError('INTERNAL_ERROR', ['constraint violation: timeout >= 10']);
}

async function enableHa(call: CallContext, heartbeatSrs: string[], configuration: Record<string, string>): Promise<void> {
  await withPoolOperation(call, 'ha_enable', async () => {
    const pool = call.pool;
    const db = call.db;
    if (haEnabled(pool)) throw new XapiError('HA_IS_ENABLED');
    assertReadyForHa(call, configuration);
    for (const sr of heartbeatSrs) db.get('SR', sr);
    const sr = heartbeatSrs[0] ?? srsThatCanHostStatefile(db)[0];
    if (!sr) throw new XapiError('CANNOT_CREATE_STATE_FILE');
    const statefile = findOrCreateStatefile(db, sr);
    findOrCreateMetadataVdi(db, sr);
    db.update('pool', pool.ref, { ha_statefiles: [statefile], ha_configuration: configuration, ha_plan_exists_for: 0, ha_cluster_stack: 'xhad' });
    updatePoolStatus(pool);
    const hosts = db.refs('host');
    const total = hosts.length * 3;
    let done = 0;
    // Every host attaches the statefile, then joins the liveset; then HA is on and every host takes a fresh database.
    for (const h of hosts) {
      db.update('host', h, { ha_statefiles: [statefile] });
      await step(call, ++done, total);
    }
    for (let i = 0; i < hosts.length; i++) await step(call, ++done, total);
    db.update('pool', pool.ref, { ha_enabled: true });
    for (let i = 0; i < hosts.length; i++) await step(call, ++done, total);
    setHaVdiOperations(pool, true);
    startHaMonitor(pool);
  });
}

async function disableHa(call: CallContext): Promise<void> {
  await withPoolOperation(call, 'ha_disable', async () => {
    const pool = call.pool;
    const db = call.db;
    if (!haEnabled(pool)) throw new XapiError('HA_NOT_ENABLED');
    db.update('pool', pool.ref, { ha_plan_exists_for: 0, ha_enabled: false });
    stopHaMonitor(pool);
    const hosts = db.refs('host');
    for (let i = 0; i < hosts.length; i++) await step(call, i + 1, hosts.length + 1);
    // Hosts that died under HA and were not declared dead yet are now dead the way a pool without HA sees it.
    for (const h of pool.hosts) {
      if (!h.alive && db.find('host_metrics', String(db.get('host', h.ref).metrics))?.live === true) declareDeadWithoutHa(h);
    }
    for (const h of takeFencedHosts(pool)) {
      const metrics = String(db.get('host', h).metrics);
      if (pool.host(h)?.alive && db.has('host_metrics', metrics)) db.update('host_metrics', metrics, { live: true });
    }
    // No heartbeat any more: no statefile access, no network peers.
    publishHeartbeats(pool, []);
    setHaVdiOperations(pool, false);
  });
}

function setFailuresToTolerate(call: CallContext, self: string, value: number): void {
  call.db.get('pool', self);
  if (value < 0) throw new XapiError('INVALID_VALUE', ['ha_host_failures_to_tolerate', String(value)]);
  // A pool with no plan at all is not blocked.
  if (Number(poolRec(call.pool).ha_plan_exists_for) > 0) assertChangePreservesPlan(call.pool, { numFailures: value });
  call.db.update('pool', self, { ha_host_failures_to_tolerate: value });
  updatePoolStatus(call.pool);
}

function computeMax(call: CallContext): number {
  const pool = call.pool;
  const n = computeMaxHostFailuresToTolerate(pool);
  if (haEnabled(pool)) {
    const rec = poolRec(pool);
    const ntol = Number(rec.ha_host_failures_to_tolerate);
    const overcommitted = ntol > n;
    if (rec.ha_overcommitted !== overcommitted) call.db.update('pool', pool.ref, { ha_overcommitted: overcommitted });
    const current = Number(rec.ha_plan_exists_for);
    if (current !== n) {
      call.db.update('pool', pool.ref, { ha_plan_exists_for: Math.min(ntol, n) });
      if (n < current) postMessage(pool, 'HA_POOL_DROP_IN_PLAN_EXISTS_FOR', 3, 'Pool', pool.uuid, String(n));
    }
  }
  return n;
}

function assertPriority(value: string): void {
  if (!VALID_PRIORITIES.includes(value)) throw new XapiError('INVALID_VALUE', ['ha_restart_priority', value]);
}

function computeHypotheticalMax(call: CallContext, configuration: Record<string, string>): number {
  for (const priority of Object.values(configuration)) assertPriority(priority);
  const protectedVms = Object.entries(configuration).filter(([, p]) => p === 'restart').map(([vm]): [string, XRecord] => [vm, call.db.get('VM', vm)]);
  return computeMaxHostFailuresToTolerate(call.pool, { protectedVms });
}

/** VM → {host} where each failed VM would restart, or {error_code} for those it cannot place (xapi's ha_compute_vm_failover_plan). */
function computeFailoverPlan(call: CallContext, failedHosts: string[], failedVms: string[]): Record<string, Record<string, string>> {
  const db = call.db;
  const vms = failedVms.map((vm): [string, XRecord] => [vm, db.get('VM', vm)]);
  const allHosts = db.refs('host');
  const live = allHosts.filter((h) => db.find('host_metrics', String(db.get('host', h).metrics))?.live === true && !failedHosts.includes(h));
  const out: Record<string, Record<string, string>> = {};
  for (const [vm, rec] of vms) {
    try {
      assertAgile(db, vm, rec);
      out[vm] = { error_code: 'HOST_NOT_ENOUGH_FREE_MEMORY' };
    } catch (err) {
      out[vm] = { error_code: (err as XapiError).code };
    }
  }
  for (const [vm, host] of computeEvacuationPlan(call.pool, allHosts.length, live, vms)) out[vm] = { host };
  return out;
}

function setRestartPriority(call: CallContext, vm: string, value: string): void {
  assertPriority(value);
  const db = call.db;
  const rec = db.get('VM', vm);
  const pool = call.pool;
  if (rec.ha_restart_priority !== 'restart' && value === 'restart') {
    if (rec.power_state !== 'Halted') assertChangePreservesPlan(pool, { newVmsToProtect: [vm] });
    if (haEnabled(pool)) updatePoolStatus(pool);
  }
  if (rec.ha_restart_priority === value) return;
  db.update('VM', vm, { ha_restart_priority: value });
  // A running VM is protected (or not) at once.
  if (rec.power_state === 'Running') db.update('VM', vm, { ha_always_run: value === 'restart' });
  if (haEnabled(pool)) updatePoolStatus(pool);
}

function setNonNegative(call: CallContext, vm: string, field: 'order' | 'start_delay', value: number): void {
  call.db.get('VM', vm);
  if (value < 0) throw new XapiError('INVALID_VALUE', [`${field} must be non-negative`, String(value)]);
  call.db.update('VM', vm, { [field]: value });
}


export function installHaApi(api: ApiRegistry): void {
  api.register('pool.enable_ha', (call, srs: string[], configuration: Record<string, string>) => enableHa(call, srs, configuration));
  api.register('pool.disable_ha', (call) => disableHa(call));
  api.register('pool.set_ha_host_failures_to_tolerate', (call, self: string, value: number) => setFailuresToTolerate(call, self, value));
  api.register('pool.ha_compute_max_host_failures_to_tolerate', (call) => computeMax(call));
  api.register('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', (call, configuration: Record<string, string>) => computeHypotheticalMax(call, configuration));
  api.register('pool.ha_compute_vm_failover_plan', (call, hosts: string[], vms: string[]) => computeFailoverPlan(call, hosts, vms));
  api.register('pool.ha_failover_plan_exists', (call, n: number) => planForNFailures(call.pool, allProtectedVms(call.db), n) === 'all');
  api.register('pool.ha_prevent_restarts_for', (call, seconds: number) => preventRestartsFor(call.pool, seconds));
  // xapi flushes the database to the redo-log VDI (HA on) or to every member; the simulated pool has one database.
  api.register('pool.sync_database', (call) => void call.db.get('pool', call.pool.ref));
  api.register('VM.set_ha_restart_priority', (call, vm: string, value: string) => setRestartPriority(call, vm, value));
  // Deprecated since XenServer 6.0: xapi maps it onto the restart priority.
  api.register('VM.set_ha_always_run', (call, vm: string, value: boolean) => setRestartPriority(call, vm, value ? 'restart' : ''));
  api.register('VM.set_order', (call, vm: string, value: number) => setNonNegative(call, vm, 'order', value));
  api.register('VM.set_start_delay', (call, vm: string, value: number) => setNonNegative(call, vm, 'start_delay', value));
  api.register('VM.assert_agile', (call, vm: string) => assertAgile(call.db, vm));
  api.register('SR.assert_can_host_ha_statefile', (call, sr: string) => {
    call.db.get('SR', sr);
    assertSrCanHostStatefile(call.db, sr);
  });
}
