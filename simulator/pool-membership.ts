/**
 * Hosts dying and coming back, and master changes. As on a real pool with HA: when the master dies a
 * surviving member becomes master and answers on its own address; the old master's address stops
 * answering; when it comes back it is a member and answers logins with HOST_IS_SLAVE [new master].
 */
import type { PoolSim, SimHost } from './core';
import { NULL_REF } from './db/object-db';
import { markStopped, refreshHostMemory } from './api/vm-state';
import { postMessage } from './api/messages';
import { haEnabled, haHostDied, haHostRestarted } from './api/ha-failover';

export function designateMaster(pool: PoolSim, host: SimHost): void {
  if (pool.masterRef === host.ref) return;
  pool.db.update('pool', pool.ref, { master: host.ref });
  // Posted by the new master about itself, with xapi's priority and its empty body.
  postMessage(pool, 'POOL_MASTER_TRANSITION', 4, 'Host', host.uuid, '');
}

export async function killHost(host: SimHost): Promise<void> {
  if (!host.alive) return;
  const pool = host.pool;
  host.alive = false;
  await host.listener?.close();
  for (const [ref, vm] of [...pool.db.all('VM')]) {
    if (!vm.is_control_domain && vm.resident_on !== host.ref && vm.scheduled_to_be_resident_on === host.ref) pool.db.update('VM', ref, { scheduled_to_be_resident_on: NULL_REF });
  }
  // With HA on, the pool notices once the liveset times out and restarts protected VMs (api/ha-failover.ts).
  if (haEnabled(pool)) haHostDied(host);
  else declareDeadWithoutHa(host);
}

/** Without HA: the host is marked dead at once, its guests are gone (nothing restarts them), a member takes over a dead master. */
export function declareDeadWithoutHa(host: SimHost): void {
  const pool = host.pool;
  const rec = pool.db.get('host', host.ref);
  if (pool.db.has('host_metrics', String(rec.metrics))) pool.db.update('host_metrics', String(rec.metrics), { live: false });
  for (const [ref, vm] of [...pool.db.all('VM')]) {
    if (!vm.is_control_domain && vm.resident_on === host.ref) markStopped(pool, ref, 'Halted');
  }
  postMessage(pool, 'HOST_OFFLINE', 2, 'Host', host.uuid, `Host ${host.name} is unreachable`);
  if (pool.masterRef === host.ref) {
    const survivor = pool.hosts.find((h) => h.alive);
    if (survivor) designateMaster(pool, survivor);
  }
}

export async function restartHost(host: SimHost): Promise<void> {
  if (host.alive) return;
  await host.listener?.listen(host.ip, host.port);
  host.alive = true;
  const pool = host.pool;
  refreshHostMemory(pool, host.ref);
  // With HA on, the master marks it live when it rejoins the liveset.
  if (haEnabled(pool)) return haHostRestarted(host);
  const rec = pool.db.get('host', host.ref);
  if (pool.db.has('host_metrics', String(rec.metrics))) pool.db.update('host_metrics', String(rec.metrics), { live: true });
  // A pool whose every host died gets its master back.
  if (!pool.hosts.some((h) => h.alive && h.ref === pool.masterRef)) designateMaster(pool, host);
}
