/**
 * How a graph's numbers read: units on axes and in the legend. Sizes are binary (KiB, MiB, GiB), as XenCenter and
 * the host's own tools show memory; rates follow the same prefixes with "/s".
 */
export type GraphUnit = 'percent' | 'bytes' | 'bytesPerSec' | 'iops' | 'ms' | 'load';

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

function trim(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

function binary(v: number, suffix: string): string {
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < BINARY.length - 1) {
    x /= 1024;
    i++;
  }
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return `${v < 0 ? '-' : ''}${trim(x, i === 0 ? 0 : digits)} ${BINARY[i]}${suffix}`;
}

function plain(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${trim(v / 1e6, 2)} M`;
  if (a >= 1e4) return `${trim(v / 1e3, 1)} k`;
  return trim(v, a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

/** A value with its unit; `null` (no data) reads as an em dash. */
export function formatValue(v: number | null | undefined, unit: GraphUnit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'percent':
      return `${trim(v, Math.abs(v) >= 10 ? 0 : 1)} %`;
    case 'bytes':
      return binary(v, '');
    case 'bytesPerSec':
      return binary(v, '/s');
    case 'iops':
      return `${plain(v)} IOPS`.replace('  ', ' ');
    case 'ms':
      return `${trim(v, Math.abs(v) >= 10 ? 0 : 2)} ms`;
    case 'load':
      return trim(v, 2);
  }
}

/** The axis title of a unit. */
export function unitLabel(unit: GraphUnit): string {
  return { percent: '%', bytes: 'bytes', bytesPerSec: 'bytes/s', iops: 'IOPS', ms: 'ms', load: 'load' }[unit];
}

/** Axis ticks for binary units fall on powers of two (1 MiB, 512 KiB), not on decimal steps. */
export function isBinary(unit: GraphUnit): boolean {
  return unit === 'bytes' || unit === 'bytesPerSec';
}
