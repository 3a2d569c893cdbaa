/**
 * Builds what `/rrd_updates` serves: the chosen archive's rows newer than `start`, for the host's own sources
 * and its resident VMs' (xapi-rrd `Rrd_updates.create_multi`). Values are computed on demand (signal.ts);
 * AVERAGE rows are exact consolidations of the finer rows; MIN and MAX are taken over the finer archive's rows.
 */
import type { PoolSim } from '../core';
import { ARCHIVE_LEVELS, chooseArchive, rowWindow, type ConsolidationFn } from './archives';
import { VmLifecycles } from './lifecycle';
import { hostRow, hostSources, readHostStatic } from './host-sources';
import { readVmStatic, vmRowParts, vmSources } from './vm-sources';

/** An rrd_updates reply before encoding: rows newest first, one Float64Array per legend entry. */
export interface RrdUpdates {
  start: number;
  step: number;
  end: number;
  legend: string[];
  /** Row times, newest first. */
  times: number[];
  columns: Float64Array[];
}

/** One RRD (a host's or a VM's): names of its sources and its AVERAGE row at any (level, slot). */
export interface RrdEntity {
  /** `host:UUID:` or `vm:UUID:` as in the legend. */
  prefix: string;
  names: string[];
  averageRow(level: number, slot: number): Float64Array;
}

export interface UpdatesQuery {
  start: number;
  interval: number;
  cf?: ConsolidationFn;
  includeHost: boolean;
  vmUuid?: string;
}

export class RrdModel {
  readonly lifecycles: VmLifecycles;

  constructor(readonly pool: PoolSim) {
    this.lifecycles = new VmLifecycles(pool.db, () => this.nowSec());
  }

  nowSec(): number {
    return this.pool.sim.clock.now() / 1000;
  }

  hostEntity(hostRef: string): RrdEntity {
    const db = this.pool.db;
    const vms = this.lifecycles.vmsSeenOn(hostRef).map((ref) => readVmStatic(db, ref, this.lifecycles.segments(ref)));
    const host = readHostStatic(db, hostRef, vms);
    const sources = hostSources(host);
    return {
      prefix: `host:${host.uuid}:`,
      names: sources.map((s) => s.name),
      averageRow(level, slot) {
        const r = hostRow(host, level, slot);
        return Float64Array.from(sources, (s) => s.value(r, level, slot));
      },
    };
  }

  vmEntity(vmRef: string): RrdEntity {
    const vm = readVmStatic(this.pool.db, vmRef, this.lifecycles.segments(vmRef));
    const sources = vmSources(vm);
    return {
      prefix: `vm:${vm.uuid}:`,
      names: sources.map((s) => s.name),
      averageRow(level, slot) {
        const parts = vmRowParts(vm, level, slot);
        return Float64Array.from(sources, (s) => s.value(parts, level, slot));
      },
    };
  }

  /** VMs whose RRDs live on `hostRef` now: the running and paused VMs resident there. */
  residentVms(hostRef: string): string[] {
    const out: string[] = [];
    for (const [ref, vm] of this.pool.db.all('VM')) {
      if (vm.resident_on !== hostRef || vm.is_a_template || vm.is_a_snapshot) continue;
      if (vm.is_control_domain) continue;
      if (vm.power_state === 'Running' || vm.power_state === 'Paused') out.push(ref);
    }
    return out;
  }

  /**
   * The RRDs `hostRef` would export: its own (host=true) and its resident VMs' (or only `vmUuid`'s). A halted VM's
   * archive is kept by the pool master, as xapi archives a stopped VM's RRD there.
   */
  entities(hostRef: string, q: Pick<UpdatesQuery, 'includeHost' | 'vmUuid'>): RrdEntity[] {
    const out: RrdEntity[] = [];
    if (q.includeHost) out.push(this.hostEntity(hostRef));
    let vms = this.residentVms(hostRef);
    if (q.vmUuid !== undefined) {
      const ref = this.vmRefByUuid(q.vmUuid);
      const vm = ref ? this.pool.db.get('VM', ref) : undefined;
      const live = vm && (vm.power_state === 'Running' || vm.power_state === 'Paused');
      vms = ref && ((live && vm.resident_on === hostRef) || (!live && hostRef === this.pool.masterRef)) ? [ref] : [];
    }
    for (const ref of vms) out.push(this.vmEntity(ref));
    return out;
  }

  private vmRefByUuid(uuid: string): string | undefined {
    try {
      return this.pool.db.byUuid('VM', uuid);
    } catch {
      return undefined;
    }
  }

  /** rrd_updates for the given host; undefined when there is no RRD to export (xapi's No_RRA_Available). */
  updates(hostRef: string, q: UpdatesQuery): RrdUpdates | undefined {
    const entities = this.entities(hostRef, q);
    if (!entities.length) return undefined;
    return exportEntities(entities, this.nowSec(), q.start, q.interval, q.cf);
  }
}

/** Rows of `entities` from the archive chosen for (start, interval, cf), at time `nowSec`. */
export function exportEntities(entities: RrdEntity[], nowSec: number, start: number, interval: number, cf?: ConsolidationFn): RrdUpdates {
  // xapi treats a negative start as relative to the last update.
  const startSec = start < 0 ? Math.floor(nowSec) + start : start;
  const choice = chooseArchive(nowSec, startSec, interval, cf)!;
  const { archive, cfs } = choice;
  const win = rowWindow(archive, nowSec, startSec);
  const legend: string[] = [];
  const columns: Float64Array[] = [];
  for (const e of entities) {
    for (const fn of cfs) {
      const base = columns.length;
      for (const name of e.names) {
        legend.push(`${fn}:${e.prefix}${name}`);
        columns.push(new Float64Array(win.times.length));
      }
      win.times.forEach((t, i) => {
        const slot = t / archive.step - 1;
        const row = fn === 'AVERAGE' || archive.level === 0 ? e.averageRow(archive.level, slot) : extremeRow(e, archive.level, slot, fn);
        for (let c = 0; c < row.length; c++) columns[base + c][i] = row[c];
      });
    }
  }
  return { start: win.metaStart, step: archive.step, end: win.metaEnd, legend, times: win.times, columns };
}

/** MIN or MAX of a row over the finer archive's rows it covers; unknown when most of them are. */
function extremeRow(e: RrdEntity, level: number, slot: number, fn: 'MIN' | 'MAX'): Float64Array {
  const fanout = ARCHIVE_LEVELS[level].step / ARCHIVE_LEVELS[level - 1].step;
  const out = new Float64Array(e.names.length).fill(fn === 'MIN' ? Infinity : -Infinity);
  const known = new Uint16Array(e.names.length);
  for (let c = 0; c < fanout; c++) {
    const row = e.averageRow(level - 1, slot * fanout + c);
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (Number.isNaN(v)) continue;
      known[i]++;
      out[i] = fn === 'MIN' ? Math.min(out[i], v) : Math.max(out[i], v);
    }
  }
  for (let i = 0; i < out.length; i++) if (known[i] * 2 < fanout) out[i] = NaN;
  return out;
}
