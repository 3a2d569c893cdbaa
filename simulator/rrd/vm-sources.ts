/**
 * A VM's data sources with xcp-rrdd's names and units: cpuN (fraction of a physical CPU), memory and
 * memory_target (bytes), memory_internal_free (KiB, from the guest agent), vif_N_rx/tx (bytes/s) and per disk
 * vbd_<dev>_read/write (bytes/s), _iops_read/_write/_total, _read_latency/_write_latency (µs).
 *
 * A row's value is the time-weighted mean over the parts of the row the VM ran (a row it ran less than half of
 * is unknown, NaN, as with xff 0.5). Every source derives from the VM's activity profile, so CPU, network and
 * disk move together, and a boot shows: a CPU burst, memory filling up, traffic ramping in.
 */
import type { ObjectDb } from '../db/object-db';
import { ARCHIVE_LEVELS, XFF } from './archives';
import { activityAverage, expDecayAverage, hash01, makeProfile, seedOf, sourceJitter, type ActivityProfile } from './signal';
import type { RunSegment } from './lifecycle';

export interface RowPart {
  /** Start and end (seconds) of the part of the row the VM ran in `seg`. */
  a: number;
  b: number;
  seg: RunSegment;
  /** The VM's activity averaged over [a, b]. */
  u: number;
}

/** What a VM's sources need, read from the database once per request. */
export interface VmStatic {
  ref: string;
  uuid: string;
  vcpus: number;
  memoryBytes: number;
  targetBytes: number;
  vifs: string[];
  vbds: string[];
  profile: ActivityProfile;
  /** Bytes/s at full activity. */
  netScale: number;
  diskScale: number;
  segments: RunSegment[];
}

export interface SourceDef<Row> {
  name: string;
  value(row: Row, level: number, slot: number): number;
}

const BOOT_TAU = 25;
const MEMORY_TAU = 120;
const NET_TAU = 90;

export function readVmStatic(db: ObjectDb, ref: string, segments: RunSegment[]): VmStatic {
  const vm = db.get('VM', ref);
  const uuid = String(vm.uuid);
  const metrics = db.find('VM_metrics', String(vm.metrics));
  const seed = seedOf(uuid);
  const r = (k: number) => hash01(seed, 11, k);
  const vcpus = Math.max(1, Number(metrics?.VCPUs_number) || Number(vm.VCPUs_at_startup) || 1);
  const memoryBytes = Number(metrics?.memory_actual) || Number(vm.memory_dynamic_max) || 0;
  const vifs = (vm.VIFs as string[])
    .map((v) => db.find('VIF', v))
    .filter((v) => v !== undefined)
    .map((v) => String(v.device))
    .sort((x, y) => Number(x) - Number(y));
  const vbds = (vm.VBDs as string[])
    .map((v) => db.find('VBD', v))
    .filter((v) => v !== undefined && v.type === 'Disk' && v.device)
    .map((v) => String(v!.device))
    .sort();
  return {
    ref, uuid, vcpus, memoryBytes, targetBytes: Number(vm.memory_target) || Number(vm.memory_dynamic_max) || memoryBytes,
    vifs, vbds,
    profile: makeProfile(seed, 0.05 + 0.35 * r(1) * r(1)),
    netScale: 20_000 * Math.pow(200, r(2)),
    diskScale: 50_000 * Math.pow(400, r(3)),
    segments,
  };
}

/** The parts of row `slot` of `level` during which the VM ran (on `host`, when given). */
export function vmRowParts(vm: VmStatic, level: number, slot: number, host?: string): RowPart[] {
  const step = ARCHIVE_LEVELS[level].step;
  const rowStart = slot * step;
  const rowEnd = rowStart + step;
  const parts: RowPart[] = [];
  for (const seg of vm.segments) {
    if (seg.to <= rowStart || seg.from >= rowEnd) continue;
    if (host && seg.host !== host) continue;
    const a = Math.max(seg.from, rowStart);
    const b = Math.min(seg.to, rowEnd);
    parts.push({ a, b, seg, u: activityAverage(vm.profile, level, slot, a, b) });
  }
  return parts;
}

/** Time-weighted mean of `f` over the parts; NaN when the VM ran less than half the row (xff). */
export function weighted(parts: RowPart[], step: number, f: (p: RowPart) => number): number {
  let covered = 0;
  let sum = 0;
  for (const p of parts) {
    const len = p.b - p.a;
    covered += len;
    sum += len * f(p);
  }
  if (covered === 0 || covered < (1 - XFF) * step) return NaN;
  return sum / covered;
}

function decay(p: RowPart, tau: number): number {
  return p.seg.booted ? expDecayAverage(p.a, p.b, p.seg.from, tau) : 0;
}

/** Mean CPU fraction of one vCPU over a part, boot burst included (also used for the host's sum). */
export function cpuPart(p: RowPart, factor = 1, jitter = 0): number {
  if (p.seg.paused) return 0;
  const u = p.u * factor + jitter;
  return Math.min(1, Math.max(0, u + (0.95 - u) * decay(p, BOOT_TAU)));
}

export function netPart(vm: VmStatic, p: RowPart, factor: number): number {
  if (p.seg.paused) return 0;
  return vm.netScale * p.u * factor * (1 - decay(p, NET_TAU));
}

export function diskPart(vm: VmStatic, p: RowPart, factor: number): number {
  if (p.seg.paused) return 0;
  // Booting reads the disk hard, then the guest settles to its own pace.
  return vm.diskScale * (p.u * factor + 0.8 * decay(p, BOOT_TAU));
}

export function vmSources(vm: VmStatic): SourceDef<RowPart[]>[] {
  const seed = vm.profile.seed;
  const k = (name: string) => 0.8 + 0.4 * hash01(seedOf(vm.uuid, name), 12, 0);
  const jitterAmp = 0.1 * vm.profile.mean;
  const out: SourceDef<RowPart[]>[] = [];
  const avg = (level: number, parts: RowPart[], f: (p: RowPart) => number) => weighted(parts, ARCHIVE_LEVELS[level].step, f);
  for (let i = 0; i < vm.vcpus; i++) {
    const name = `cpu${i}`;
    const ki = k(name);
    const js = seedOf(seed, name);
    out.push({ name, value: (parts, level, slot) => avg(level, parts, (p) => cpuPart(p, ki, ki * jitterAmp * sourceJitter(js, level, slot))) });
  }
  out.push({ name: 'memory', value: (parts, level) => avg(level, parts, () => vm.memoryBytes) });
  out.push({ name: 'memory_target', value: (parts, level) => avg(level, parts, () => vm.targetBytes) });
  out.push({
    name: 'memory_internal_free',
    value: (parts, level) => avg(level, parts, (p) => {
      const used = 0.1 + (0.15 + 0.5 * p.u) * (1 - decay(p, MEMORY_TAU));
      return (vm.memoryBytes / 1024) * (1 - used);
    }),
  });
  for (const dev of vm.vifs) {
    for (const [dir, share] of [['rx', 1], ['tx', 0.45]] as const) {
      const name = `vif_${dev}_${dir}`;
      const f = share * k(name);
      out.push({ name, value: (parts, level) => avg(level, parts, (p) => netPart(vm, p, f)) });
    }
  }
  for (const dev of vm.vbds) {
    const kr = k(`vbd_${dev}_read`);
    const kw = 0.5 * k(`vbd_${dev}_write`);
    const read = (p: RowPart) => diskPart(vm, p, kr);
    const write = (p: RowPart) => (p.seg.paused ? 0 : vm.diskScale * p.u * kw);
    // Guests read in ~16 KiB and write in ~8 KiB requests on average.
    out.push({ name: `vbd_${dev}_read`, value: (parts, level) => avg(level, parts, read) });
    out.push({ name: `vbd_${dev}_write`, value: (parts, level) => avg(level, parts, write) });
    out.push({ name: `vbd_${dev}_iops_read`, value: (parts, level) => avg(level, parts, (p) => read(p) / 16384) });
    out.push({ name: `vbd_${dev}_iops_write`, value: (parts, level) => avg(level, parts, (p) => write(p) / 8192) });
    out.push({ name: `vbd_${dev}_iops_total`, value: (parts, level) => avg(level, parts, (p) => read(p) / 16384 + write(p) / 8192) });
    // Each disk sits on its own storage: its own base latency, rising with how hard the guest uses it.
    const kl = k(`vbd_${dev}_latency`);
    out.push({ name: `vbd_${dev}_read_latency`, value: (parts, level) => avg(level, parts, (p) => (p.seg.paused ? 0 : kl * (150 + 2500 * p.u * kr))) });
    out.push({ name: `vbd_${dev}_write_latency`, value: (parts, level) => avg(level, parts, (p) => (p.seg.paused ? 0 : kl * (300 + 4000 * p.u * kw * 2))) });
  }
  return out;
}
