/** Validation of a VM's memory limits as XAPI enforces them, in words, before anything is sent. */
import { MiB } from '../format';

export interface MemoryLimits {
  staticMin: number;
  dynamicMin: number;
  dynamicMax: number;
  staticMax: number;
}

/** Parses a field in MiB; undefined for anything that is not a positive whole number. */
export function parseMiB(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n > 0 && Number.isSafeInteger(n * MiB) ? n * MiB : undefined;
}

/** Problems with the limits, one sentence each (empty when they are valid). */
export function memoryProblems(l: MemoryLimits): string[] {
  const out: string[] = [];
  if (l.dynamicMin < l.staticMin) out.push('Dynamic minimum must be at least the static minimum.');
  if (l.dynamicMax < l.dynamicMin) out.push('Dynamic maximum must be at least the dynamic minimum.');
  if (l.staticMax < l.dynamicMax) out.push('Static maximum must be at least the dynamic maximum.');
  if (l.staticMin < 16 * MiB) out.push('A VM needs at least 16 MiB.');
  return out;
}
