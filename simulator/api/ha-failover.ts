/**
 * What the pool does while HA is on, after xapi's HA monitor (xapi_ha.ml). Every 20 simulated seconds the
 * master reads the liveset; a host that stopped heartbeating leaves it once the HA timeout
 * (pool.ha_configuration "timeout", else other_config "default_ha_timeout", else 60 s) has passed. Then the
 * master (a member elected among the liveset if the master itself died) handles the failure (ha-restart.ts),
 * marks returning hosts live, publishes heartbeats and keeps the plan fields current. A fenced host that
 * boots again posts HA_HOST_WAS_FENCED and rejoins.
 */
import type { PoolSim, SimHost } from '../core';
import { NULL_REF } from '../db/object-db';
import type { SimExtension } from '../extension';
import { XapiError } from '../xapi-error';
import { postMessage } from './messages';
import { markStopped } from './vm-state';
import { updatePoolStatus } from './ha-plan';
import { restartAutoRunVms } from './ha-restart';
import { designateMaster } from '../pool-membership';

export const HA_MONITOR_INTERVAL_MS = 20_000;
/** xapi's ha_monitor_plan_interval: the plan is recomputed at least this often even when nothing changed. */
const PLAN_INTERVAL_MS = 1_800_000;
const DEFAULT_TIMEOUT_S = 60;

/** What the master's HA monitor remembers between passes. */
export interface HaRuntime {
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
