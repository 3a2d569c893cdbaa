/**
 * xapi's memory accounting (xapi-idl memory.ml and xapi memory_check.ml), as its HA planner and host
 * evacuation use it: a domain's footprint (guest memory plus shadow, shim and per-vCPU overheads for its
 * domain type), VM.memory_overhead, and a host's free memory under a policy (static max for HA plans,
 * dynamic min for evacuation). Integer arithmetic in MiB with xapi's rounding, so the same pool gives
 * the same bytes as a real host.
 */
import type { ObjectDb, XRecord } from '../db/object-db';
import type { SimExtension } from '../extension';

const KiB = 1024;
const MiB = 1024 * 1024;
const PAGES_PER_MIB = 256;

/** Which VM memory figure a computation assumes the guest uses. */
export type MemoryPolicy = 'static_max' | 'dynamic_max' | 'dynamic_min';

type DomainKind = 'hvm' | 'pv' | 'pv_in_pvh' | 'pvh';

interface ModelData { extraInternalMib: number; extraExternalMib: number; shimMib: (staticMaxMib: number) => number }

const HVM: ModelData = { extraInternalMib: 1, extraExternalMib: 1, shimMib: () => 0 };
const LINUX_PV: ModelData = { extraInternalMib: 0, extraExternalMib: 1, shimMib: () => 0 };
const PV_IN_PVH: ModelData = { extraInternalMib: 1, extraExternalMib: 1, shimMib: (mib) => 23 + Math.floor(mib / 90) };

const divUp = (n: number, d: number) => Math.floor((n + d - 1) / d);
const mibOfBytesUsed = (bytes: number) => divUp(bytes, MiB);
const kibOfBytesUsed = (bytes: number) => divUp(bytes, KiB);
const mibOfKibUsed = (kib: number) => divUp(kib, KiB);
const mibOfPagesUsed = (pages: number) => divUp(pages, PAGES_PER_MIB);

/**
 * The VM's domain type as xapi reads it. Databases from servers older than the field say `unspecified`;
 * xapi's database upgrade derives it from HVM_boot_policy, and so do we.
 */
export function domainKind(vm: XRecord): DomainKind {
  const t = String(vm.domain_type ?? 'unspecified');
  if (t === 'hvm' || t === 'pv' || t === 'pv_in_pvh' || t === 'pvh') return t;
  return String(vm.HVM_boot_policy ?? '') === '' ? 'pv' : 'hvm';
}

function modelOf(kind: DomainKind): ModelData {
  return kind === 'pv' ? LINUX_PV : kind === 'pv_in_pvh' ? PV_IN_PVH : HVM;
}

function shadowMib(staticMaxMib: number, vcpus: number, multiplier: number): number {
  const totalMib = mibOfPagesUsed(256 * vcpus + staticMaxMib + staticMaxMib);
  return Math.max(1, Math.trunc(totalMib * multiplier));
}

function overheadMib(m: ModelData, staticMaxMib: number, vcpus: number, multiplier: number): number {
  // CA-423172: Xen uses some extra memory per vCPU.
  return m.extraInternalMib + m.extraExternalMib + shadowMib(staticMaxMib, vcpus, multiplier) + mibOfPagesUsed(38 * vcpus) + m.shimMib(staticMaxMib);
}

const shadowMultiplier = (vm: XRecord) => Number(vm.HVM_shadow_multiplier ?? 1) || 1;

/** VM.memory_overhead as xapi computes it (Memory_check.vm_compute_memory_overhead). */
export function vmMemoryOverhead(vm: XRecord): number {
  const m = modelOf(domainKind(vm));
  return overheadMib(m, mibOfBytesUsed(Number(vm.memory_static_max)), Number(vm.VCPUs_max), shadowMultiplier(vm)) * MiB;
}

function chosenMemory(vm: XRecord, policy: MemoryPolicy): number {
  return Number(policy === 'static_max' ? vm.memory_static_max : policy === 'dynamic_max' ? vm.memory_dynamic_max : vm.memory_dynamic_min);
}

/**
 * Bytes of host memory needed to start the VM with the guest at the policy's figure: the footprint
 * (guest memory plus every overhead), as Memory_check.vm_compute_start_memory gives it (normal + shadow).
 */
export function vmStartMemory(vm: XRecord, policy: MemoryPolicy): number {
  const kind = domainKind(vm);
  const m = modelOf(kind);
  // Linux PV guests use the default shadow multiplier; the others their own.
  const multiplier = kind === 'pv' ? 1 : shadowMultiplier(vm);
  const targetMib = mibOfKibUsed(kibOfBytesUsed(chosenMemory(vm, policy)));
  const staticMaxMib = mibOfBytesUsed(Number(vm.memory_static_max));
  return (targetMib + overheadMib(m, staticMaxMib, Number(vm.VCPUs_max), multiplier)) * MiB;
}

/**
 * Free memory of a host as the pool master sees it (Memory_check.host_compute_free_memory_with_policy):
 * total minus the host's own overhead minus, for every VM resident or scheduled there (the control
 * domain included), the policy's figure plus the VM's recorded memory_overhead. Never negative.
 */
export function hostFreeMemoryWithPolicy(db: ObjectDb, hostRef: string, policy: MemoryPolicy): number {
  const host = db.get('host', hostRef);
  const metrics = db.find('host_metrics', String(host.metrics));
  let free = Number(metrics?.memory_total ?? 0) - Number(host.memory_overhead);
  for (const [, vm] of db.all('VM')) {
    // A VM both resident and scheduled here counts twice, as in xapi (resident @ scheduled).
    const times = (vm.resident_on === hostRef ? 1 : 0) + (vm.scheduled_to_be_resident_on === hostRef ? 1 : 0);
    if (times) free -= times * (chosenMemory(vm, policy) + Number(vm.memory_overhead));
  }
  return Math.max(0, free);
}

const OVERHEAD_INPUTS = ['memory_static_max', 'VCPUs_max', 'HVM_shadow_multiplier', 'domain_type'];

/**
 * Keeps VM.memory_overhead what xapi would record as VMs are created or their memory, vCPUs or domain
 * type change (xapi recomputes it in VM.create and the memory and vCPU setters). Control domains keep theirs.
 */
export const installMemoryOverheads: SimExtension = (sim) => {
  for (const pool of sim.pools) {
    pool.db.onChange((c) => {
      if (c.cls !== 'VM' || c.op === 'del' || c.rec.is_control_domain) return;
      if (c.op === 'mod' && c.before && OVERHEAD_INPUTS.every((f) => c.before![f] === c.rec[f])) return;
      const overhead = vmMemoryOverhead(c.rec);
      if (Number(c.rec.memory_overhead) !== overhead) pool.db.update('VM', c.ref, { memory_overhead: overhead });
    });
  }
};
