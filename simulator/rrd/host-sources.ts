/**
 * A host's data sources with xcp-rrdd's names and units: cpuN and cpu_avg (fractions), loadavg,
 * memory_total_kib / memory_free_kib, pif_<dev>_rx/tx (bytes/s), and per attached SR (first 8 characters of its
 * uuid) iops_read/write/total, io_throughput_read/write/total (MiB/s) and read/write_latency (µs).
 *
 * The host's numbers are the sum of what its resident VMs did at that time (from their run history, so a VM
 * started here raises the host's CPU and lowers its free memory, and one migrated away stops counting) plus the
 * control domain's own small load.
 */
import type { ObjectDb } from '../db/object-db';
import { ARCHIVE_LEVELS } from './archives';
import { activityAverage, hash01, makeProfile, seedOf, sourceJitter, type ActivityProfile } from './signal';
import { cpuPart, diskPart, netPart, vmRowParts, type SourceDef, type VmStatic } from './vm-sources';

export interface HostStatic {
  ref: string;
  uuid: string;
  cpus: number;
  memoryTotalKib: number;
  dom0MemoryKib: number;
  pifs: string[];
  srs: { short: string; weight: number }[];
  dom0: ActivityProfile;
  /** VMs that ran here at some time, with their histories. */
  vms: VmStatic[];
}

/** What the resident VMs did during one row, summed. */
export interface HostRow {
  level: number;
  slot: number;
  dom0: number;
  /** Sum over VMs of vCPUs busy (in physical CPUs). */
  cpu: number;
  memoryBytes: number;
  rx: number;
  tx: number;
  read: number;
  write: number;
}

export function readHostStatic(db: ObjectDb, ref: string, vms: VmStatic[]): HostStatic {
  const host = db.get('host', ref);
  const uuid = String(host.uuid);
  const metrics = db.find('host_metrics', String(host.metrics));
  const cpus = Math.max(1, (host.host_CPUs as string[] | undefined)?.length ?? 0) || 1;
  const memoryTotal = Number(metrics?.memory_total) || 64 * 1024 ** 3;
  const pifs = (host.PIFs as string[])
    .map((p) => db.find('PIF', p))
    .filter((p) => p !== undefined && Number(p.VLAN) === -1 && p.device)
    .map((p) => String(p!.device))
    .sort();
  const srs = (host.PBDs as string[])
    .map((p) => db.find('PBD', p))
    .map((p) => (p ? db.find('SR', String(p.SR)) : undefined))
    .filter((sr) => sr !== undefined && sr.content_type !== 'iso' && sr.type !== 'udev')
    .map((sr) => String(sr!.uuid).slice(0, 8));
  const weights = srs.map((s) => 0.2 + hash01(seedOf(uuid, s), 13, 0));
  const total = weights.reduce((x, y) => x + y, 0) || 1;
  return {
    ref, uuid, cpus,
    memoryTotalKib: memoryTotal / 1024,
    dom0MemoryKib: Number(host.memory_overhead) / 1024 || 4 * 1024 * 1024,
    pifs,
    srs: srs.map((short, i) => ({ short, weight: weights[i] / total })),
    dom0: makeProfile(seedOf(uuid, 'dom0'), 0.04),
    vms,
  };
}

export function hostRow(host: HostStatic, level: number, slot: number): HostRow {
  const step = ARCHIVE_LEVELS[level].step;
  const row: HostRow = { level, slot, dom0: activityAverage(host.dom0, level, slot), cpu: 0, memoryBytes: 0, rx: 0, tx: 0, read: 0, write: 0 };
  for (const vm of host.vms) {
    const parts = vmRowParts(vm, level, slot, host.ref);
    for (const p of parts) {
      const w = (p.b - p.a) / step;
      row.cpu += w * vm.vcpus * cpuPart(p);
      row.memoryBytes += w * vm.memoryBytes;
      row.rx += w * netPart(vm, p, 1);
      row.tx += w * netPart(vm, p, 0.45);
      row.read += w * diskPart(vm, p, 1);
      row.write += w * diskPart(vm, p, 0.5);
    }
  }
  return row;
}

export function hostSources(host: HostStatic): SourceDef<HostRow>[] {
  const out: SourceDef<HostRow>[] = [];
  const k = (name: string) => 0.85 + 0.3 * hash01(seedOf(host.uuid, name), 14, 0);
  const busy = (r: HostRow) => Math.min(1, r.dom0 + r.cpu / host.cpus);
  for (let i = 0; i < host.cpus; i++) {
    const name = `cpu${i}`;
    const ki = k(name);
    const js = seedOf(host.uuid, name);
    out.push({ name, value: (r) => Math.min(1, Math.max(0, busy(r) * ki + 0.02 * sourceJitter(js, r.level, r.slot))) });
  }
  out.push({ name: 'cpu_avg', value: busy });
  out.push({ name: 'loadavg', value: (r) => r.cpu * 1.1 + r.dom0 * 4 });
  out.push({ name: 'memory_total_kib', value: () => host.memoryTotalKib });
  out.push({ name: 'memory_free_kib', value: (r) => Math.max(0, host.memoryTotalKib - host.dom0MemoryKib - r.memoryBytes / 1024) });
  host.pifs.forEach((dev, i) => {
    // The first PIF carries management traffic besides its share of the guests'.
    const share = i === 0 ? 0.6 : 0.4 / Math.max(1, host.pifs.length - 1);
    out.push({ name: `pif_${dev}_rx`, value: (r) => share * r.rx + (i === 0 ? 40_000 * r.dom0 * 25 : 0) });
    out.push({ name: `pif_${dev}_tx`, value: (r) => share * r.tx + (i === 0 ? 25_000 * r.dom0 * 25 : 0) });
  });
  const MiB = 1024 * 1024;
  // Guests write half what they read, in smaller requests (~6 KiB against ~16 KiB): more write than read IOPS.
  for (const { short, weight: w } of host.srs) {
    out.push({ name: `iops_read_${short}`, value: (r) => (w * r.read) / 16384 });
    out.push({ name: `iops_write_${short}`, value: (r) => (w * r.write) / 6144 });
    out.push({ name: `iops_total_${short}`, value: (r) => (w * r.read) / 16384 + (w * r.write) / 6144 });
    out.push({ name: `io_throughput_read_${short}`, value: (r) => (w * r.read) / MiB });
    out.push({ name: `io_throughput_write_${short}`, value: (r) => (w * r.write) / MiB });
    out.push({ name: `io_throughput_total_${short}`, value: (r) => (w * (r.read + r.write)) / MiB });
    out.push({ name: `read_latency_${short}`, value: (r) => 180 + 30 * Math.log1p((w * r.read) / 16384) });
    out.push({ name: `write_latency_${short}`, value: (r) => 350 + 45 * Math.log1p((w * r.write) / 6144) });
  }
  return out;
}
