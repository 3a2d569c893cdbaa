/**
 * Hosts dying and coming back, and master changes. As on a real pool with HA: when the master dies a
 * surviving member becomes master and answers on its own address; the old master's address stops
 * answering; when it comes back it is a member and answers logins with HOST_IS_SLAVE [new master].
 */
import type { PoolSim, SimHost } from './core';
import { NULL_REF } from './db/object-db';
import { markStopped, refreshHostMemory } from './api/vm-state';
import { postMessage } from './api/messages';

export function designateMaster(pool: PoolSim, host: SimHost): void {
  if (pool.masterRef === host.ref) return;
  pool.db.update('pool', pool.ref, { master: host.ref });
  postMessage(pool, 'POOL_MASTER_TRANSITION', 3, 'Host', host.uuid, `The host ${host.name} is now the pool coordinator of ${pool.name}`);
}

export async function killHost(host: SimHost): Promise<void> {
  if (!host.alive) return;
  const pool = host.pool;
  host.alive = false;
  await host.listener?.close();
  const rec = pool.db.get('host', host.ref);
  if (pool.db.has('host_metrics', String(rec.metrics))) pool.db.update('host_metrics', String(rec.metrics), { live: false });
  // Guests on a dead host are gone (no HA restart here).
  for (const [ref, vm] of [...pool.db.all('VM')]) {
    if (vm.is_control_domain) continue;
    if (vm.resident_on === host.ref) markStopped(pool, ref, 'Halted');
    else if (vm.scheduled_to_be_resident_on === host.ref) pool.db.update('VM', ref, { scheduled_to_be_resident_on: NULL_REF });
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
  const rec = pool.db.get('host', host.ref);
  if (pool.db.has('host_metrics', String(rec.metrics))) pool.db.update('host_metrics', String(rec.metrics), { live: true });
  refreshHostMemory(pool, host.ref);
  // A pool whose every host died gets its master back.
  if (!pool.hosts.some((h) => h.alive && h.ref === pool.masterRef)) designateMaster(pool, host);
}
