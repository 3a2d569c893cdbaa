/**
 * The four time ranges of the Performance tab, one per XAPI archive (xcp-rrdd keeps 5 s × 120, 60 s × 120,
 * 3600 s × 168, 86400 s × 366 rows). Shared by the main process (what to ask a host, how often) and the renderer
 * (axis spans, labels).
 */
export type MetricsRange = 'live' | 'hours' | 'week' | 'year';

export interface MetricsRangeSpec {
  label: string;
  /** Seconds of history shown. */
  windowSec: number;
  /** The archive's step, asked as `interval`. */
  step: number;
  /** How often to poll: a new row appears every `step`; no need to ask more often than that (nor than every 5 min). */
  pollMs: number;
}

export const METRICS_RANGES: Record<MetricsRange, MetricsRangeSpec> = {
  live: { label: 'Last 10 minutes', windowSec: 600, step: 5, pollMs: 5_000 },
  hours: { label: 'Last 2 hours', windowSec: 7_200, step: 60, pollMs: 60_000 },
  week: { label: 'Last week', windowSec: 7 * 86_400, step: 3_600, pollMs: 300_000 },
  year: { label: 'Last year', windowSec: 366 * 86_400, step: 86_400, pollMs: 3_600_000 },
};

export const METRICS_RANGE_NAMES = Object.keys(METRICS_RANGES) as MetricsRange[];

/**
 * The `start` to ask for: one step less than the window, from the host's clock (CLIENT-NOTES 15), so the
 * request falls inside the archive that has this step rather than spilling into the next coarser one.
 */
export function rrdStartFor(range: MetricsRange, hostNowSec: number): number {
  const r = METRICS_RANGES[range];
  return Math.floor(hostNowSec - r.windowSec + r.step);
}
