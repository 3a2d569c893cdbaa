/**
 * What a simulated host's CPUs report, by model name: host.cpu_info (vendor, family, flags and the
 * featuresets xapi levels pools with), the host_cpu rows, and the pool's cpu_info (the featureset every
 * host offers). The vendor matters to clients: a running VM never live-migrates between Intel and AMD hosts
 * (VM_INCOMPATIBLE_WITH_THIS_HOST), which XenCenter checks before it offers a host.
 */

export interface CpuProfile {
  vendor: 'GenuineIntel' | 'AuthenticAMD';
  family: number;
  model: number;
  stepping: string;
  speedMHz: number;
  flags: string;
  /** xapi's featuresets: 32-bit words in hex, joined by dashes. */
  featuresPv: string;
  featuresHvm: string;
}

const INTEL_ICE_LAKE: CpuProfile = {
  vendor: 'GenuineIntel', family: 6, model: 106, stepping: '6', speedMHz: 2394.374,
  flags: 'fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ht syscall nx lm constant_tsc rep_good nopl nonstop_tsc cpuid pni pclmulqdq monitor est ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch',
  featuresPv: '1fc9cbf5-f6f83203-2991cbf5-00000123-00000007-219c07a9-00000000-00000000-00001000-ac000400-00000000-00000000-00000000-00000000-00000000-00000000-00000000-00000000',
  featuresHvm: '1fcbfbff-f7fa3223-2d93fbff-00000523-0000000f-f1bf07ab-00405f5e-00000000-711ed005-fc000400-00000000-00000000-00000000-00000000-00000000-00000000-00000000-00000000',
};

const AMD_MILAN: CpuProfile = {
  vendor: 'AuthenticAMD', family: 25, model: 1, stepping: '1', speedMHz: 2994.376,
  flags: 'fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch',
  featuresPv: '1782fbff-f6d83203-2e500800-040001f3-0000000f-f1bf07a9-00405f4e-00000000-311ed005-10000010-00000000-18000064-00000000-00000000-00000000-00000000-00000000-00000000',
  featuresHvm: '178bfbff-f6f83203-2e500800-040001f7-0000000f-f1bf07a9-00405f4e-00000000-711ed005-10000010-00000000-18000144-00000000-00000000-00000000-00000000-00000000-00000000',
};

/** The profile a CPU model name implies (the demo's Lab hosts are AMD EPYC, the others Intel Xeon). */
export function cpuProfileFor(modelName: string): CpuProfile {
  return /\bAMD\b/i.test(modelName) ? AMD_MILAN : INTEL_ICE_LAKE;
}

/** host.cpu_info as xapi ≥ 7.0 publishes it (features_* are the migration featuresets; *_host the host's full ones). */
export function hostCpuInfo(profile: CpuProfile, modelName: string, cpus: number): Record<string, string> {
  return {
    cpu_count: String(cpus), socket_count: String(Math.max(1, cpus / 16)), threads_per_core: '2', vendor: profile.vendor, speed: profile.speedMHz.toFixed(3),
    modelname: modelName, family: String(profile.family), model: String(profile.model), stepping: profile.stepping, flags: profile.flags,
    features_pv: profile.featuresPv, features_hvm: profile.featuresHvm, features_pv_host: profile.featuresPv, features_hvm_host: profile.featuresHvm,
  };
}

/** One host_cpu row's fields (without `host` and `number`). */
export function hostCpuRow(profile: CpuProfile, modelName: string): Record<string, unknown> {
  return {
    vendor: profile.vendor, speed: Math.round(profile.speedMHz), modelname: modelName, family: profile.family, model: profile.model,
    stepping: profile.stepping, flags: profile.flags, features: profile.featuresHvm, utilisation: 0,
  };
}

/** The bitwise AND of featuresets: what every host of a pool offers. */
export function intersectFeatures(sets: string[]): string {
  const words = sets.map((s) => s.split('-').map((w) => parseInt(w, 16) >>> 0));
  const n = Math.min(...words.map((w) => w.length));
  return Array.from({ length: n }, (_, i) => (words.reduce((acc, w) => acc & w[i], 0xffffffff) >>> 0).toString(16).padStart(8, '0')).join('-');
}

/** pool.cpu_info from its hosts' cpu_info: vendor of the pool, counts summed, featuresets levelled. */
export function poolCpuInfo(hosts: Record<string, string>[]): Record<string, string> {
  if (!hosts.length) return {};
  const level = (key: string) => intersectFeatures(hosts.map((h) => h[key]).filter(Boolean));
  const sum = (key: string) => String(hosts.reduce((n, h) => n + (Number(h[key]) || 0), 0));
  return {
    cpu_count: sum('cpu_count'), socket_count: sum('socket_count'), vendor: hosts[0].vendor,
    features_pv: level('features_pv'), features_hvm: level('features_hvm'), features_pv_host: level('features_pv_host'), features_hvm_host: level('features_hvm_host'),
  };
}
