/**
 * host.allowed_operations as xapi's Xapi_host_helpers.valid_operations derives them: what the host's state
 * allows (an enabled host takes VMs; a disabled one can be evacuated, rebooted, enabled again), minus what
 * conflicts with its current operations (a host receiving a VM cannot be evacuated, rebooted or shut down
 * meanwhile, and the other way round).
 */
import type { PoolSim } from '../core';
import type { XRecord } from '../db/object-db';

export const HOST_OPS = ['provision', 'evacuate', 'shutdown', 'reboot', 'vm_start', 'vm_resume', 'vm_migrate'];
const DISABLED_OPS = ['evacuate', 'shutdown', 'reboot', 'enable'];
const CREATING = new Set(['provision', 'vm_resume', 'vm_migrate']);
const REMOVING = new Set(['evacuate', 'reboot', 'shutdown']);

export function hostAllowedOperations(host: XRecord): string[] {
  const base = host.enabled ? HOST_OPS : DISABLED_OPS;
  const current = Object.values((host.current_operations ?? {}) as Record<string, string>);
  const creating = current.some((o) => CREATING.has(o));
  const removing = current.some((o) => REMOVING.has(o));
  return base.filter((op) => !(creating && REMOVING.has(op)) && !(removing && CREATING.has(op)) && !(op === 'provision' && current.includes('provision')));
}

export function refreshHostOperations(pool: PoolSim, hostRef: string): void {
  const host = pool.db.find('host', hostRef);
  if (!host) return;
  const allowed = hostAllowedOperations(host);
  const now = host.allowed_operations as string[];
  if (allowed.length !== now.length || allowed.some((o, i) => o !== now[i])) pool.db.update('host', hostRef, { allowed_operations: allowed });
}
