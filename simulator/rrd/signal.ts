/**
 * Deterministic load signals with a daily and weekly rhythm, computed on demand for any archive row.
 *
 * Nothing is stored: a row of any archive is a pure function of (seed, level, slot), so a year of history
 * exists from the first second and 5000 VMs cost no memory. Consolidation stays honest: the signal is a sum of
 * a smooth part (sinusoids, averaged analytically over the row) and one noise term per archive level. Each
 * level's noise sums to zero inside its parent row (slot j is paired with the slot half a parent away, and the
 * pair contributes +x and -x), so a 1-minute row is exactly the AVERAGE of its twelve 5-second rows, an hour of
 * its sixty minutes, a day of its twenty-four hours.
 */
import { ARCHIVE_LEVELS } from './archives';

const DAY = 86400;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

/** FNV-1a over a string: stable seeds from uuids and data source names. */
export function seedOf(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2f;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser over (seed, level, slot): a uniform value in [0, 1). */
export function hash01(seed: number, level: number, slot: number): number {
  let h = (seed ^ Math.imul(level + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (slot >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ Math.floor(slot / 4294967296), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/** Number of child slots of level k inside one slot of level k+1 (12, 60, 24). */
const FANOUT = ARCHIVE_LEVELS.slice(0, -1).map((a, k) => ARCHIVE_LEVELS[k + 1].step / a.step);

/** Noise of `level` at `slot`, in [-1, 1]; sums to zero over every parent slot (except the top level). */
export function levelNoise(seed: number, level: number, slot: number): number {
  if (level >= FANOUT.length) return 2 * hash01(seed, level, slot) - 1;
  const n = FANOUT[level];
  const pos = ((slot % n) + n) % n;
  const half = n / 2;
  const partner = slot - pos + ((pos + half) % n);
  const x = hash01(seed, level, Math.min(slot, partner)) - 0.5;
  return pos < half ? 2 * x : -2 * x;
}

/** Mean of sin(2π(t - phase)/period) over [a, b]. */
function sinAverage(a: number, b: number, period: number, phase: number): number {
  const w = (2 * Math.PI) / period;
  if (b - a < 1e-9) return Math.sin(w * (a - phase));
  return (Math.cos(w * (a - phase)) - Math.cos(w * (b - phase))) / (w * (b - a));
}

/** How an object's activity moves: a mean, a daily and weekly swing, and noise per archive level. */
export interface ActivityProfile {
  seed: number;
  mean: number;
  daily: number;
  /** Seconds after midnight UTC of the daily peak, minus a quarter day (sin's peak). */
  dailyPhase: number;
  weekly: number;
  weeklyPhase: number;
  /** A slow swing over the year (busy seasons), so the year archive has a shape of its own. */
  seasonal: number;
  seasonalPhase: number;
  /** Noise amplitude per archive level (5 s, 1 min, 1 h, 1 day). */
  noise: readonly number[];
}

/**
 * A profile with mean `mean`. The swings add up to at most 0.93 × mean, so the activity stays strictly
 * positive and, for a mean up to 0.4 (every profile made here), below 0.8: no clamping, so averages stay exact.
 */
export function makeProfile(seed: number, mean: number): ActivityProfile {
  const r = (k: number) => hash01(seed, 9, k);
  const peakHour = 9 + 8 * r(1); // busiest between 09:00 and 17:00
  return {
    seed,
    mean,
    daily: mean * (0.2 + 0.15 * r(2)),
    dailyPhase: (peakHour - 6) * 3600,
    weekly: mean * 0.08,
    weeklyPhase: r(3) * WEEK,
    seasonal: mean * (0.08 + 0.1 * r(4)),
    seasonalPhase: r(5) * YEAR,
    noise: [0.15 * mean, 0.08 * mean, 0.06 * mean, 0.03 * mean],
  };
}

/** The smooth part's mean over [a, b] (seconds). */
export function smoothAverage(p: ActivityProfile, a: number, b: number): number {
  return p.mean + p.daily * sinAverage(a, b, DAY, p.dailyPhase) + p.weekly * sinAverage(a, b, WEEK, p.weeklyPhase) + p.seasonal * sinAverage(a, b, YEAR, p.seasonalPhase);
}

/** Sum of the noise terms of levels >= `level` for the row `slot` of that level. */
export function noiseFrom(p: ActivityProfile, level: number, slot: number): number {
  let sum = 0;
  let s = slot;
  for (let k = level; k < ARCHIVE_LEVELS.length; k++) {
    if (k > level) s = Math.floor(s / FANOUT[k - 1]);
    sum += p.noise[k] * levelNoise(p.seed, k, s);
  }
  return sum;
}

/**
 * The AVERAGE of the activity over the row `slot` of `level` (the row covering [slot·step, (slot+1)·step)),
 * optionally restricted to the part [a, b] of it (for rows a VM ran only part of).
 */
export function activityAverage(p: ActivityProfile, level: number, slot: number, a?: number, b?: number): number {
  const step = ARCHIVE_LEVELS[level].step;
  const from = a ?? slot * step;
  const to = b ?? (slot + 1) * step;
  return smoothAverage(p, from, to) + noiseFrom(p, level, slot);
}

/** The noise of a single data source around its object's activity: 5-second level only, zero per minute. */
export function sourceJitter(seed: number, level: number, slot: number): number {
  return level === 0 ? levelNoise(seed, 0, slot) : 0;
}

/** Mean of e^{-(t - s)/tau} over [a, b] with a >= s (boot transients and ramps). */
export function expDecayAverage(a: number, b: number, s: number, tau: number): number {
  if (b - a < 1e-9) return Math.exp(-(a - s) / tau);
  return (tau * (Math.exp(-(a - s) / tau) - Math.exp(-(b - s) / tau))) / (b - a);
}
