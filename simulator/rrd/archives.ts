/**
 * The round-robin archives every XAPI host keeps per data source (xcp-rrdd): one primary data point every
 * 5 s, consolidated into 5 s × 120 rows (10 minutes), 60 s × 120 (2 hours), 3600 s × 168 (a week) and
 * 86400 s × 366 (a year). AVERAGE exists at every level; MIN and MAX only from the minute level up (a
 * 5-second row consolidates one point, so its min and max are its average).
 *
 * Archive selection and row times follow xapi-rrd (ocaml/libs/xapi-rrd/lib/rrd.ml `find_best_rras`,
 * rrd_updates.ml `create_multi`): the first archive, by increasing length, whose step is at least
 * `interval` and which still holds `start`; failing that the longest one. Rows are timestamped at the end of
 * the interval they consolidate, the newest at `floor(lastUpdate / step) * step`.
 */
export const PDP_STEP = 5;

export type ConsolidationFn = 'AVERAGE' | 'MIN' | 'MAX';
export const CONSOLIDATION_FNS: readonly ConsolidationFn[] = ['AVERAGE', 'MIN', 'MAX'];

export interface ArchiveLevel {
  /** 0 = 5 s, 1 = 1 min, 2 = 1 h, 3 = 1 day. */
  level: number;
  pdpPerRow: number;
  rows: number;
  /** Seconds per row. */
  step: number;
  cfs: readonly ConsolidationFn[];
}

export const ARCHIVE_LEVELS: readonly ArchiveLevel[] = [
  { level: 0, pdpPerRow: 1, rows: 120, step: 5, cfs: ['AVERAGE'] },
  { level: 1, pdpPerRow: 12, rows: 120, step: 60, cfs: CONSOLIDATION_FNS },
  { level: 2, pdpPerRow: 720, rows: 168, step: 3600, cfs: CONSOLIDATION_FNS },
  { level: 3, pdpPerRow: 17280, rows: 366, step: 86400, cfs: CONSOLIDATION_FNS },
];

/** Rows count as unknown when more than half their primary points are (xcp-rrdd's xff of 0.5). */
export const XFF = 0.5;

export interface ArchiveChoice {
  archive: ArchiveLevel;
  /** The consolidation functions served, in legend order. */
  cfs: ConsolidationFn[];
}

/** The time of the last primary data point at or before `nowSec`. */
export function lastPdpTime(nowSec: number): number {
  return Math.floor(nowSec / PDP_STEP) * PDP_STEP;
}

/**
 * xapi-rrd's `find_best_rras`. `cf` undefined means every function of the chosen level. Returns undefined when
 * no archive has the function (never happens for the three we keep).
 */
export function chooseArchive(nowSec: number, startSec: number, intervalSec: number, cf?: ConsolidationFn): ArchiveChoice | undefined {
  const pdpInterval = Math.trunc(intervalSec / PDP_STEP);
  const candidates = ARCHIVE_LEVELS.filter((a) => !cf || a.cfs.includes(cf));
  if (!candidates.length) return undefined;
  const lastPdp = lastPdpTime(nowSec);
  const holds = (a: ArchiveLevel) => a.pdpPerRow >= pdpInterval && startSec > lastPdp - PDP_STEP * a.rows * a.pdpPerRow;
  const archive = candidates.find(holds) ?? candidates[candidates.length - 1];
  return { archive, cfs: cf ? [cf] : [...archive.cfs] };
}

export interface RowWindow {
  /** meta.start: the first consolidated point after `start` (xapi's quirk: one step after floor(start)). */
  metaStart: number;
  /** meta.end: the newest row's time. */
  metaEnd: number;
  /** Row times, newest first, as xapi writes them. */
  times: number[];
}

/** Row times of `archive` newer than or equal to `startSec` (rrd_updates.ml `create`). */
export function rowWindow(archive: ArchiveLevel, nowSec: number, startSec: number): RowWindow {
  const step = archive.step;
  const metaEnd = Math.floor(lastPdpTime(nowSec) / step) * step;
  const metaStart = Math.floor(startSec / step) * step + step;
  const times: number[] = [];
  for (let i = 0; i < archive.rows; i++) {
    const t = metaEnd - i * step;
    if (t < startSec) break;
    times.push(t);
  }
  return { metaStart, metaEnd, times };
}
