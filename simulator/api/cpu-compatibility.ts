/**
 * xapi's Cpuid_helpers: the CPU flags a VM records when it boots (VM.last_boot_CPU_flags: the host's vendor
 * and the pool's featureset), and whether a host's CPUs can take a running or suspended VM: the same vendor,
 * and every feature the VM booted with. A halted VM boots afresh, so it fits anywhere.
 */
import type { PoolSim } from '../core';
import type { XRecord } from '../db/object-db';

type StringMap = Record<string, string>;

function featureKey(vm: XRecord, host: boolean): string {
  const pv = vm.domain_type === 'pv';
  return `features_${pv ? 'pv' : 'hvm'}${host ? '_host' : ''}`;
}

/** VM.last_boot_CPU_flags for a VM that boots on `hostRef` now ({} where the host publishes no vendor, as old hosts). */
export function bootCpuFlags(pool: PoolSim, vm: XRecord, hostRef: string): StringMap {
  const host = pool.db.find('host', hostRef);
  const hostInfo = (host?.cpu_info ?? {}) as StringMap;
  if (!hostInfo.vendor) return {};
  const poolInfo = (pool.db.find('pool', pool.ref)?.cpu_info ?? {}) as StringMap;
  const features = poolInfo[featureKey(vm, true)] || hostInfo[featureKey(vm, true)] || hostInfo[featureKey(vm, false)];
  return features ? { vendor: hostInfo.vendor, features } : { vendor: hostInfo.vendor };
}

function words(featureset: string): number[] {
  return featureset.split('-').map((w) => parseInt(w, 16) >>> 0);
}

/** Whether every bit of `needed` is set in `offered`. */
export function featuresSubset(needed: string, offered: string): boolean {
  const have = words(offered);
  return words(needed).every((w, i) => (w & ~(have[i] ?? 0)) >>> 0 === 0);
}

/**
 * The reason xapi gives in VM_INCOMPATIBLE_WITH_THIS_HOST when `hostCpuInfo` cannot take the VM, or
 * undefined. Databases from hosts older than CPU levelling (no vendor or featureset) are not compared.
 */
export function cpuIncompatibility(vm: XRecord, hostCpuInfo: StringMap): string | undefined {
  if (vm.power_state === 'Halted') return undefined;
  const flags = (vm.last_boot_CPU_flags ?? {}) as StringMap;
  if (flags.vendor && hostCpuInfo.vendor && flags.vendor !== hostCpuInfo.vendor) {
    return 'VM last booted on a host which had a CPU from a different vendor.';
  }
  const offered = hostCpuInfo[featureKey(vm, false)];
  if (flags.features && offered && !featuresSubset(flags.features, offered)) {
    return "VM last booted on a CPU with features this host's CPU does not have.";
  }
  return undefined;
}
