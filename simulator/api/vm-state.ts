/**
 * VM power-state bookkeeping shared by the VM handlers, host faults and scenarios: allowed_operations per
 * state, host memory accounting, and the records that follow a running VM (resident_on, domid,
 * VM_metrics, VM_guest_metrics, consoles).
 */
import type { PoolSim } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { xapiDateTime } from '../datetime';
import { bootCpuFlags } from './cpu-compatibility';


const HALTED_OPS = ['start', 'start_on', 'clone', 'copy', 'snapshot', 'export', 'destroy', 'make_into_template', 'changing_memory_limits',
  'changing_static_range', 'changing_dynamic_range', 'changing_VCPUs', 'changing_shadow_memory', 'migrate_send', 'provision', 'metadata_export'];
const RUNNING_OPS = ['clean_shutdown', 'hard_shutdown', 'clean_reboot', 'hard_reboot', 'suspend', 'pause', 'snapshot', 'checkpoint',
  'pool_migrate', 'migrate_send', 'changing_dynamic_range', 'changing_memory_live', 'changing_VCPUs_live', 'send_sysrq', 'send_trigger',
  'call_plugin', 'metadata_export'];
const PAUSED_OPS = ['unpause', 'hard_shutdown', 'hard_reboot', 'snapshot', 'metadata_export'];
const SUSPENDED_OPS = ['resume', 'resume_on', 'hard_shutdown', 'snapshot', 'export', 'migrate_send', 'metadata_export'];
/** What xapi allows on a snapshot (a Suspended one is a checkpoint: its memory image can be dropped). */
const SNAPSHOT_OPS = ['destroy', 'export', 'revert', 'clone', 'copy'];
const TEMPLATE_OPS = ['clone', 'copy', 'export', 'provision', 'destroy', 'migrate_send', 'metadata_export', 'changing_memory_limits', 'changing_VCPUs'];
/** Operations a passed-through PCI device forbids (xapi: VM_HAS_PCI_ATTACHED). */
const PCI_BLOCKED_OPS = new Set(['suspend', 'checkpoint', 'pool_migrate', 'migrate_send']);

/** What xapi's Xapi_vm_lifecycle would allow now; nothing while another operation runs. */
export function vmAllowedOperations(vm: XRecord): string[] {
  if (vm.is_control_domain) return [];
  if (Object.keys(vm.current_operations as object).length) return [];
  if (vm.is_a_snapshot) return vm.power_state === 'Suspended' ? [...SNAPSHOT_OPS, 'hard_shutdown'] : SNAPSHOT_OPS;
  if (vm.is_a_template) {
    // Default templates can be neither destroyed nor sent to another pool.
    return vm.is_default_template ? TEMPLATE_OPS.filter((o) => o !== 'destroy' && o !== 'migrate_send') : TEMPLATE_OPS;
  }
  const ops = vm.power_state === 'Running' ? RUNNING_OPS : vm.power_state === 'Paused' ? PAUSED_OPS : vm.power_state === 'Suspended' ? SUSPENDED_OPS : HALTED_OPS;
  return (vm.attached_PCIs as string[] | undefined)?.length ? ops.filter((o) => !PCI_BLOCKED_OPS.has(o)) : ops;
}

export function refreshAllowed(pool: PoolSim, vmRef: string): void {
  const vm = pool.db.get('VM', vmRef);
  pool.db.update('VM', vmRef, { allowed_operations: vmAllowedOperations(vm) });
}

/** Memory a VM takes on its host while it has a domain: target (or dynamic max) plus overhead. */
export function vmFootprint(vm: XRecord): number {
  const target = Number(vm.memory_target) || Number(vm.memory_dynamic_max) || Number(vm.memory_static_max);
  return target + Number(vm.memory_overhead);
}

/** Free memory of a host: total minus the host's own overhead, minus every VM resident or starting there. */
export function hostFreeMemory(pool: PoolSim, hostRef: string): number {
  const host = pool.db.get('host', hostRef);
  const metrics = pool.db.find('host_metrics', String(host.metrics));
  let free = Number(metrics?.memory_total ?? 0) - Number(host.memory_overhead);
  for (const [, vm] of pool.db.all('VM')) {
    const here = vm.resident_on === hostRef && vm.power_state !== 'Halted' && vm.power_state !== 'Suspended';
    if (here || vm.scheduled_to_be_resident_on === hostRef) free -= vmFootprint(vm);
  }
  return Math.max(0, free);
}

export function refreshHostMemory(pool: PoolSim, hostRef: string): void {
  if (hostRef === NULL_REF || !pool.db.has('host', hostRef)) return;
  const host = pool.db.get('host', hostRef);
  if (!pool.db.has('host_metrics', String(host.metrics))) return;
  pool.db.update('host_metrics', String(host.metrics), { memory_free: hostFreeMemory(pool, hostRef), last_updated: xapiDateTime(pool.sim.clock.now()) });
}

export function nextDomid(pool: PoolSim, hostRef: string): number {
  let max = 0;
  for (const [, vm] of pool.db.all('VM')) if (vm.resident_on === hostRef) max = Math.max(max, Number(vm.domid));
  return max + 1;
}

function consoleLocation(pool: PoolSim, hostRef: string, uuid: string): string {
  const h = pool.host(hostRef);
  // A real host writes https://<address>/console?uuid=…; simulated hosts also carry their port.
  const authority = h ? `${h.ip}:${h.port}` : String(pool.db.get('host', hostRef).address);
  return `https://${authority}/console?uuid=${uuid}`;
}

/** Rewrites console locations after a host's listener learns its port (the database is built first). */
export function refreshConsoleLocations(pool: PoolSim): void {
  for (const [ref, c] of pool.db.all('console')) {
    const vm = pool.db.find('VM', String(c.VM));
    if (!vm || vm.resident_on === NULL_REF) continue;
    pool.db.update('console', ref, { location: consoleLocation(pool, String(vm.resident_on), String(c.uuid)) });
  }
}

export function createConsoles(pool: PoolSim, vmRef: string, hostRef: string): void {
  const vm = pool.db.get('VM', vmRef);
  const protocols = vm.is_control_domain ? ['vt100', 'rfb'] : ['rfb'];
  for (const protocol of protocols) {
    const uuid = pool.db.newUuid();
    pool.db.create('console', { uuid, protocol, location: consoleLocation(pool, hostRef, uuid), VM: vmRef, other_config: {} });
  }
}

function destroyConsoles(pool: PoolSim, vmRef: string): void {
  for (const ref of [...(pool.db.get('VM', vmRef).consoles as string[])]) if (pool.db.has('console', ref)) pool.db.destroy('console', ref);
}

function attachDevices(pool: PoolSim, vmRef: string, attached: boolean): void {
  const vm = pool.db.get('VM', vmRef);
  for (const vbd of vm.VBDs as string[]) if (pool.db.has('VBD', vbd)) pool.db.update('VBD', vbd, { currently_attached: attached && !pool.db.get('VBD', vbd).empty });
  for (const vif of vm.VIFs as string[]) if (pool.db.has('VIF', vif)) pool.db.update('VIF', vif, { currently_attached: attached });
}

/** Creates the guest agent's report (IPs, OS) for a VM whose guest profile is known. */
export function publishGuestMetrics(pool: PoolSim, vmRef: string): void {
  const vm = pool.db.get('VM', vmRef);
  const profile = pool.guests.get(vmRef);
  if (!profile || vm.power_state !== 'Running') return;
  const networks: Record<string, string> = {};
  profile.ips.forEach((ip, i) => {
    networks[`${i}/ip`] = ip;
    networks[`${i}/ipv4/0`] = ip;
  });
  const now = xapiDateTime(pool.sim.clock.now());
  // Windows PV tools ship the VSS provider, which advertises quiesced snapshots (read by VM.snapshot_with_quiesce).
  const vss = profile.os_version.distro === 'windows' ? { 'feature-quiesce': '1' } : {};
  const fields = {
    os_version: profile.os_version, PV_drivers_version: profile.pv_drivers_version, PV_drivers_up_to_date: true, PV_drivers_detected: true,
    memory: {}, disks: {}, networks, other: { 'feature-shutdown': '1', 'feature-suspend': '1', 'feature-vcpu-hotplug': '1', has_vendor_device: '0', ...vss },
    last_updated: now, live: true, can_use_hotplug_vbd: 'yes', can_use_hotplug_vif: 'yes', other_config: {},
  };
  if (vm.guest_metrics !== NULL_REF && pool.db.has('VM_guest_metrics', String(vm.guest_metrics))) {
    pool.db.update('VM_guest_metrics', String(vm.guest_metrics), fields);
  } else {
    const gm = pool.db.create('VM_guest_metrics', fields);
    pool.db.update('VM', vmRef, { guest_metrics: gm });
  }
}

function dropGuestMetrics(pool: PoolSim, vmRef: string): void {
  const gm = String(pool.db.get('VM', vmRef).guest_metrics);
  pool.db.update('VM', vmRef, { guest_metrics: NULL_REF });
  if (gm !== NULL_REF && pool.db.has('VM_guest_metrics', gm)) pool.db.destroy('VM_guest_metrics', gm);
}

/** The VM now has a domain on `hostRef` (after start, resume or reboot). */
export function markRunning(pool: PoolSim, vmRef: string, hostRef: string, state: 'Running' | 'Paused' = 'Running'): void {
  const db = pool.db;
  const vm = db.get('VM', vmRef);
  const now = xapiDateTime(pool.sim.clock.now());
  destroyConsoles(pool, vmRef);
  db.update('VM', vmRef, {
    power_state: state, resident_on: hostRef, scheduled_to_be_resident_on: NULL_REF, domid: nextDomid(pool, hostRef),
    memory_target: Number(vm.memory_dynamic_max), last_boot_CPU_flags: bootCpuFlags(pool, vm, hostRef),
  });
  const metrics = String(vm.metrics);
  if (db.has('VM_metrics', metrics)) {
    const vcpus = Number(vm.VCPUs_at_startup);
    const util: Record<string, number> = {};
    for (let i = 0; i < vcpus; i++) util[String(i)] = 0;
    db.update('VM_metrics', metrics, {
      memory_actual: Number(vm.memory_dynamic_max), VCPUs_number: vcpus, VCPUs_utilisation: util, start_time: now, last_updated: now,
      state: [state.toLowerCase()], current_domain_type: vm.domain_type === 'unspecified' ? 'hvm' : vm.domain_type,
    });
  }
  createConsoles(pool, vmRef, hostRef);
  attachDevices(pool, vmRef, true);
  refreshAllowed(pool, vmRef);
  refreshHostMemory(pool, hostRef);
}

/** The VM's domain is gone: Halted or Suspended. */
export function markStopped(pool: PoolSim, vmRef: string, state: 'Halted' | 'Suspended' = 'Halted'): void {
  const db = pool.db;
  const vm = db.get('VM', vmRef);
  const host = String(vm.resident_on);
  destroyConsoles(pool, vmRef);
  dropGuestMetrics(pool, vmRef);
  attachDevices(pool, vmRef, false);
  db.update('VM', vmRef, { power_state: state, resident_on: NULL_REF, scheduled_to_be_resident_on: NULL_REF, domid: -1 });
  const metrics = String(vm.metrics);
  if (db.has('VM_metrics', metrics)) {
    db.update('VM_metrics', metrics, { memory_actual: 0, VCPUs_number: 0, VCPUs_utilisation: {}, state: [], last_updated: xapiDateTime(pool.sim.clock.now()) });
  }
  refreshAllowed(pool, vmRef);
  refreshHostMemory(pool, host);
}

/** Live migration within the pool: the domain moves to `hostRef` with a new domid and new consoles; the guest keeps running. */
export function markMigrated(pool: PoolSim, vmRef: string, hostRef: string): void {
  const from = String(pool.db.get('VM', vmRef).resident_on);
  destroyConsoles(pool, vmRef);
  pool.db.update('VM', vmRef, { resident_on: hostRef, scheduled_to_be_resident_on: NULL_REF, domid: nextDomid(pool, hostRef) });
  createConsoles(pool, vmRef, hostRef);
  refreshAllowed(pool, vmRef);
  refreshHostMemory(pool, from);
  refreshHostMemory(pool, hostRef);
}

export function setPaused(pool: PoolSim, vmRef: string, paused: boolean): void {
  const vm = pool.db.get('VM', vmRef);
  pool.db.update('VM', vmRef, { power_state: paused ? 'Paused' : 'Running' });
  if (pool.db.has('VM_metrics', String(vm.metrics))) pool.db.update('VM_metrics', String(vm.metrics), { state: [paused ? 'paused' : 'running'] });
  refreshAllowed(pool, vmRef);
}

