/**
 * Whether a VM can run on a host, in the order of xapi's Xapi_vm_helpers.assert_can_boot_here: host live,
 * host enabled, CPU compatibility, storage, networks, memory, physical CPUs. The first failure is the error
 * xapi raises; VM.assert_can_boot_here, placement, live migration and the migration pre-checks share it.
 */
import type { PoolSim } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { cpuIncompatibility } from './cpu-compatibility';
import { hostFreeMemory, vmFootprint } from './vm-state';

export interface BootCheckOptions {
  /** Compare CPU vendor and features (xapi skips it with `force`). Default true. */
  cpuid?: boolean;
  /** Check that the host sees every SR the VM's disks are on. Default true. */
  srs?: boolean;
  /** Check free memory. Default true. */
  memory?: boolean;
  /**
   * How a dead host is reported: VM.assert_can_boot_here says HOST_NOT_LIVE [], the lifecycle calls that
   * forward to a host (start_on, pool_migrate) say HOST_OFFLINE [host].
   */
  deadHost?: 'HOST_NOT_LIVE' | 'HOST_OFFLINE';
}

function hostIsLive(pool: PoolSim, host: XRecord, hostRef: string): boolean {
  const sim = pool.host(hostRef);
  const metrics = pool.db.find('host_metrics', String(host.metrics));
  return !(sim && !sim.alive) && metrics?.live !== false;
}

/** SRs the host has a currently attached PBD for. */
export function srsVisibleFrom(pool: PoolSim, hostRef: string): Set<string> {
  const out = new Set<string>();
  for (const pbd of pool.db.get('host', hostRef).PBDs as string[]) {
    const rec = pool.db.find('PBD', pbd);
    if (rec?.currently_attached) out.add(String(rec.SR));
  }
  return out;
}

/** The SRs a VM needs where it runs: its disks' and CDs' (empty drives aside) and, while suspended, its memory image's. */
export function srsRequiredBy(pool: PoolSim, vm: XRecord): string[] {
  const db = pool.db;
  const vdis: string[] = [];
  for (const vbdRef of vm.VBDs as string[]) {
    const vbd = db.find('VBD', vbdRef);
    if (vbd && !vbd.empty && vbd.VDI !== NULL_REF) vdis.push(String(vbd.VDI));
  }
  if (vm.power_state === 'Suspended' && vm.suspend_VDI !== NULL_REF) vdis.push(String(vm.suspend_VDI));
  return vdis.map((v) => db.find('VDI', v)).filter((v) => v !== undefined).map((v) => String(v.SR));
}

/** A network a host can reach: one with a PIF there, or a private network without PIFs. */
export function hostSeesNetwork(pool: PoolSim, hostRef: string, networkRef: string): boolean {
  const net = pool.db.find('network', networkRef);
  if (!net || !(net.PIFs as string[]).length) return true;
  return (net.PIFs as string[]).some((p) => pool.db.find('PIF', p)?.host === hostRef);
}

/** Memory the host can give the VM: its free memory, not counting what the VM itself holds or has reserved there. */
export function memoryAvailableFor(pool: PoolSim, vm: XRecord, hostRef: string): number {
  const live = vm.power_state === 'Running' || vm.power_state === 'Paused';
  const ownShare = (live && vm.resident_on === hostRef) || vm.scheduled_to_be_resident_on === hostRef ? vmFootprint(vm) : 0;
  return hostFreeMemory(pool, hostRef) + ownShare;
}

/** Why `hostRef` cannot run the VM, as the XapiError xapi raises, or undefined when it can. */
export function bootProblem(pool: PoolSim, vmRef: string, hostRef: string, opts: BootCheckOptions = {}): XapiError | undefined {
  const db = pool.db;
  const host = db.get('host', hostRef);
  const vm = db.get('VM', vmRef);
  if (!hostIsLive(pool, host, hostRef)) {
    return opts.deadHost === 'HOST_OFFLINE' ? new XapiError('HOST_OFFLINE', [hostRef]) : new XapiError('HOST_NOT_LIVE');
  }
  const localLiveMigration = vm.power_state === 'Running' && vm.resident_on === hostRef;
  if (!vm.is_control_domain && !localLiveMigration && !host.enabled) return new XapiError('HOST_DISABLED', [hostRef]);
  if (opts.cpuid !== false) {
    const reason = cpuIncompatibility(vm, host.cpu_info as Record<string, string>);
    if (reason) return new XapiError('VM_INCOMPATIBLE_WITH_THIS_HOST', [vmRef, hostRef, reason]);
  }
  if (opts.srs !== false) {
    const visible = srsVisibleFrom(pool, hostRef);
    const missing = srsRequiredBy(pool, vm).find((sr) => !visible.has(sr));
    if (missing) return new XapiError('VM_REQUIRES_SR', [vmRef, missing]);
  }
  for (const vifRef of vm.VIFs as string[]) {
    const vif = db.find('VIF', vifRef);
    if (vif && !hostSeesNetwork(pool, hostRef, String(vif.network))) return new XapiError('VM_REQUIRES_NETWORK', [vmRef, String(vif.network)]);
  }
  if (opts.memory !== false) {
    const needed = vmFootprint(vm);
    const available = memoryAvailableFor(pool, vm, hostRef);
    if (needed > available) return new XapiError('HOST_NOT_ENOUGH_FREE_MEMORY', [needed, available]);
  }
  return pcpuProblem(vm, (host.cpu_info ?? {}) as Record<string, string>);
}

/** HOST_NOT_ENOUGH_PCPUS [vcpus, pcpus] when the VM has more vCPUs than the host has CPUs (platform:vcpu-unrestricted lifts it). */
export function pcpuProblem(vm: XRecord, hostCpuInfo: Record<string, string>): XapiError | undefined {
  const pcpus = Number(hostCpuInfo.cpu_count);
  const vcpus = Number(vm.VCPUs_max);
  if (!pcpus || vcpus <= pcpus) return undefined;
  if ((vm.platform as Record<string, string> | undefined)?.['vcpu-unrestricted'] === 'true') return undefined;
  return new XapiError('HOST_NOT_ENOUGH_PCPUS', [vcpus, pcpus]);
}
