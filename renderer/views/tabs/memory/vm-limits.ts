/**
 * The bounds a VM's memory and vCPUs may take, as XenCenter reads them: the template's restrictions
 * (VM.recommendations, copied onto every VM made from it: `<restriction field="memory-static-max"
 * max="…"/>`, `field="vcpus-max"`), the static minimum the template sets, and what the largest host of
 * the pool has (a VM bigger than every host can never start). Pure: the New VM wizard and the Memory tab
 * share it.
 */
import type { HostRecord, VMRecord } from '../../../../shared/xapi/generated/records';
import { MiB } from '../format';

export interface VmLimits {
  /** Memory, bytes. */
  memoryMin: number;
  memoryMax: number;
  vcpusMax: number;
}

/** A `max` (or `min`) of a restriction field in the recommendations XML. */
function restriction(xml: string, field: string, bound: 'max' | 'min'): number | undefined {
  for (const m of xml.matchAll(/<restriction\b([^>]*)\/?>/g)) {
    const attrs = m[1];
    if (new RegExp(`\\bfield="${field}"`).test(attrs)) {
      const v = new RegExp(`\\b${bound}="(\\d+)"`).exec(attrs)?.[1];
      if (v !== undefined) return Number(v);
    }
  }
  return undefined;
}

/** Floor and ceiling for a VM's memory and vCPUs: its restrictions, within what the pool's largest host holds. */
export function vmLimits(vm: Pick<VMRecord, 'recommendations' | 'memory_static_min'>, hosts: readonly { host: HostRecord; memoryTotal?: number }[]): VmLimits {
  const xml = vm.recommendations ?? '';
  const biggestHost = Math.max(0, ...hosts.map((h) => h.memoryTotal ?? 0));
  const hostCpus = Math.max(0, ...hosts.map((h) => Number(h.host.cpu_info?.cpu_count) || 0));
  const recommendedMax = restriction(xml, 'memory-static-max', 'max');
  const memoryMin = Math.max(restriction(xml, 'memory-static-min', 'min') ?? 0, vm.memory_static_min || 0, 16 * MiB);
  const memoryMax = Math.max(memoryMin, Math.min(recommendedMax ?? Infinity, biggestHost || Infinity, 1024 ** 4 * 6));
  const vcpusMax = Math.max(1, Math.min(restriction(xml, 'vcpus-max', 'max') ?? 64, hostCpus || 64));
  return { memoryMin, memoryMax: Number.isFinite(memoryMax) ? memoryMax : 64 * 1024 ** 3, vcpusMax };
}

/** Rounds bytes to whole MiB, the unit the sliders move in. */
export const toMiB = (bytes: number) => Math.round(bytes / MiB);

/** Cores-per-socket choices for a vCPU count: its divisors (XAPI's platform "cores-per-socket" must divide VCPUs_max). */
export function topologies(vcpus: number): number[] {
  const out: number[] = [];
  for (let c = 1; c <= vcpus; c++) if (vcpus % c === 0) out.push(c);
  return out;
}
