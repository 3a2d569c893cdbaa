/**
 * One host's rrd_updates window for one archive, kept between polls: the first poll asks for the whole window,
 * later ones only for rows after the newest held (xapi answers `start` exclusive of older rows), and the two are
 * merged here. A reply whose legend differs (a VM started, stopped or migrated) cannot be merged: the caller
 * asks for the whole window again.
 */
import type { RrdData } from '../../../shared/api-client/rrd/rrd-parse';

export function sameLegend(a: RrdData, b: RrdData): boolean {
  if (a.columns.length !== b.columns.length) return false;
  for (let i = 0; i < a.columns.length; i++) if (a.columns[i].legend !== b.columns[i].legend) return false;
  return true;
}

/** `held` followed by the rows of `next` newer than its last, minus rows older than `oldestSec`. */
export function mergeWindow(held: RrdData, next: RrdData, oldestSec: number): RrdData {
  const lastHeld = held.times.length ? held.times[held.times.length - 1] : -Infinity;
  let from = 0;
  while (from < next.times.length && next.times[from] <= lastHeld) from++;
  let keep = 0;
  while (keep < held.times.length && held.times[keep] < oldestSec) keep++;
  const added = next.times.length - from;
  const count = held.times.length - keep + added;
  const times = new Float64Array(count);
  times.set(held.times.subarray(keep), 0);
  times.set(next.times.subarray(from), held.times.length - keep);
  const values = held.values.map((col, c) => {
    const out = new Float64Array(count);
    out.set(col.subarray(keep), 0);
    out.set(next.values[c].subarray(from), col.length - keep);
    return out;
  });
  return { start: held.start, step: next.step, end: Math.max(held.end, next.end), columns: held.columns, times, values };
}

/** Rows of `data` at or after `oldestSec`. */
export function trimWindow(data: RrdData, oldestSec: number): RrdData {
  let keep = 0;
  while (keep < data.times.length && data.times[keep] < oldestSec) keep++;
  if (keep === 0) return data;
  return { ...data, times: data.times.slice(keep), values: data.values.map((v) => v.slice(keep)) };
}

/** The AVERAGE series of one object (host or VM uuid), NaN as null: what a MetricsUpdate carries. */
export function seriesOf(data: RrdData, uuid: string): { name: string; values: (number | null)[] }[] {
  const out: { name: string; values: (number | null)[] }[] = [];
  data.columns.forEach((col, i) => {
    if (col.uuid !== uuid || (col.cf !== 'AVERAGE' && col.cf !== '')) return;
    const v = data.values[i];
    const values = new Array<number | null>(v.length);
    for (let r = 0; r < v.length; r++) values[r] = Number.isNaN(v[r]) ? null : v[r];
    out.push({ name: col.name, values });
  });
  return out;
}

/** Whether the data holds any column of `uuid` (a VM no longer resident there has none). */
export function hasOwner(data: RrdData, uuid: string): boolean {
  return data.columns.some((c) => c.uuid === uuid);
}
