/**
 * From an object's xcp-rrdd data sources to the graphs a user reads (CLIENT-NOTES §2 "Metric mapping"): CPU per
 * vCPU and on average (%), memory used and total (bytes), network per VIF / PIF (bytes/s), disk throughput, IOPS
 * and latency per device (VMs) or per SR (hosts), and the host's load average. Pure: tested without a browser.
 */
import type { GraphUnit } from './units';

export type GraphId = 'cpu' | 'memory' | 'network' | 'disk' | 'iops' | 'latency' | 'load';

export interface GraphLine {
  label: string;
  values: (number | null)[];
  /** Drawn only once the user turns it on in the legend (the cores of a big host). */
  hidden?: boolean;
}

export interface GraphData {
  id: GraphId;
  title: string;
  unit: GraphUnit;
  lines: GraphLine[];
}

export interface SourceSeries {
  name: string;
  values: (number | null)[];
}

export const GRAPH_TITLES: Record<GraphId, string> = {
  cpu: 'CPU usage',
  memory: 'Memory',
  network: 'Network',
  disk: 'Disk throughput',
  iops: 'Disk IOPS',
  latency: 'Disk latency',
  load: 'Load average',
};

export const GRAPH_IDS: Record<'host' | 'VM', GraphId[]> = {
  host: ['cpu', 'load', 'memory', 'network', 'disk', 'iops', 'latency'],
  VM: ['cpu', 'memory', 'network', 'disk', 'iops', 'latency'],
};

type Values = (number | null)[];

const map = (v: Values, f: (x: number) => number): Values => v.map((x) => (x === null ? null : f(x)));
const zip = (a: Values, b: Values, f: (x: number, y: number) => number): Values => a.map((x, i) => (x === null || b[i] === null || b[i] === undefined ? null : f(x, b[i]!)));

function average(columns: Values[]): Values {
  if (!columns.length) return [];
  return columns[0].map((_, i) => {
    let sum = 0;
    let n = 0;
    for (const c of columns) {
      const x = c[i];
      if (x !== null && x !== undefined) {
        sum += x;
        n++;
      }
    }
    return n ? sum / n : null;
  });
}

const byNumber = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/** `srNames` maps the first 8 characters of an SR uuid (how xcp-rrdd names SR sources) to the SR's name. */
export function buildGraphs(objectClass: 'host' | 'VM', series: readonly SourceSeries[], srNames: ReadonlyMap<string, string> = new Map()): GraphData[] {
  const get = new Map(series.map((s) => [s.name, s.values]));
  const matching = (re: RegExp) => series.filter((s) => re.test(s.name)).sort((a, b) => byNumber(a.name, b.name));
  const graphs: GraphData[] = [];
  const push = (id: GraphId, unit: GraphUnit, lines: GraphLine[]) => {
    if (lines.length) graphs.push({ id, title: GRAPH_TITLES[id], unit, lines });
  };
  const sr = (short: string) => srNames.get(short) ?? `SR ${short}`;

  // CPU: xcp-rrdd gives fractions of a physical CPU.
  const cpus = matching(/^cpu\d+$/);
  // Past eight, per-CPU lines hide the average in a tangle: they start hidden, a click in the legend shows one.
  const many = cpus.length > 8;
  const cpuLines: GraphLine[] = cpus.map((s) => ({ label: `${objectClass === 'VM' ? 'vCPU' : 'CPU'} ${s.name.slice(3)}`, values: map(s.values, (x) => x * 100), ...(many ? { hidden: true } : {}) }));
  const avg = get.get('cpu_avg');
  if (cpuLines.length || avg) {
    cpuLines.unshift({ label: 'Average', values: avg ? map(avg, (x) => x * 100) : average(cpuLines.map((l) => l.values)) });
  }
  push('cpu', 'percent', cpuLines);

  if (objectClass === 'host') {
    const load = get.get('loadavg');
    if (load) push('load', 'load', [{ label: 'Load average', values: load }]);
    const total = get.get('memory_total_kib');
    const free = get.get('memory_free_kib');
    const lines: GraphLine[] = [];
    if (total && free) lines.push({ label: 'Used', values: zip(total, free, (t, f) => (t - f) * 1024) });
    if (total) lines.push({ label: 'Total', values: map(total, (t) => t * 1024) });
    push('memory', 'bytes', lines);
    push('network', 'bytesPerSec', matching(/^pif_.+_(rx|tx)$/).filter((s) => !s.name.startsWith('pif_aggr')).map((s) => {
      const m = /^pif_(.+)_(rx|tx)$/.exec(s.name)!;
      return { label: `${m[1]} ${m[2] === 'rx' ? 'receive' : 'send'}`, values: s.values };
    }));
    const MiB = 1024 * 1024;
    push('disk', 'bytesPerSec', matching(/^io_throughput_(read|write)_[0-9a-f]{8}$/).map((s) => {
      const m = /^io_throughput_(read|write)_(.+)$/.exec(s.name)!;
      return { label: `${sr(m[2])} ${m[1]}`, values: map(s.values, (x) => x * MiB) };
    }));
    push('iops', 'iops', matching(/^iops_(read|write)_[0-9a-f]{8}$/).map((s) => {
      const m = /^iops_(read|write)_(.+)$/.exec(s.name)!;
      return { label: `${sr(m[2])} ${m[1]}`, values: s.values };
    }));
    push('latency', 'ms', matching(/^(read|write)_latency_[0-9a-f]{8}$/).map((s) => {
      const m = /^(read|write)_latency_(.+)$/.exec(s.name)!;
      return { label: `${sr(m[2])} ${m[1]}`, values: map(s.values, (x) => x / 1000) };
    }));
    return graphs;
  }

  // VM memory: `memory` is the allocation (bytes); the guest agent reports what is free inside (KiB).
  const memory = get.get('memory');
  const internalFree = get.get('memory_internal_free');
  const memLines: GraphLine[] = [];
  if (memory && internalFree) memLines.push({ label: 'Used', values: zip(memory, internalFree, (m, f) => Math.max(0, m - f * 1024)) });
  if (memory) memLines.push({ label: 'Total', values: memory });
  push('memory', 'bytes', memLines);
  push('network', 'bytesPerSec', matching(/^vif_\d+_(rx|tx)$/).map((s) => {
    const m = /^vif_(\d+)_(rx|tx)$/.exec(s.name)!;
    return { label: `VIF ${m[1]} ${m[2] === 'rx' ? 'receive' : 'send'}`, values: s.values };
  }));
  push('disk', 'bytesPerSec', matching(/^vbd_[a-z0-9]+_(read|write)$/).map((s) => {
    const m = /^vbd_(.+)_(read|write)$/.exec(s.name)!;
    return { label: `${m[1]} ${m[2]}`, values: s.values };
  }));
  push('iops', 'iops', matching(/^vbd_[a-z0-9]+_iops_(read|write)$/).map((s) => {
    const m = /^vbd_(.+)_iops_(read|write)$/.exec(s.name)!;
    return { label: `${m[1]} ${m[2]}`, values: s.values };
  }));
  push('latency', 'ms', matching(/^vbd_[a-z0-9]+_(read|write)_latency$/).map((s) => {
    const m = /^vbd_(.+)_(read|write)_latency$/.exec(s.name)!;
    return { label: `${m[1]} ${m[2]}`, values: map(s.values, (x) => x / 1000) };
  }));
  return graphs;
}
