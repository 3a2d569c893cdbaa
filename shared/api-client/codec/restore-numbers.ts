/**
 * XML-RPC carries int64 as decimal strings (and JSON-RPC carries numbers): restore numbers by the
 * datamodel so a record looks the same whatever the transport, and the generated record types
 * (`memory_static_max: number`) hold. Mutates the freshly decoded record in place: it is ours alone.
 */
import { XAPI_NUMERIC_FIELDS, type NumericShape } from '../../xapi/generated/wire';
import type { XapiClassName } from '../../xapi/generated/records';

export function restoreNumbers(cls: string, record: Record<string, unknown>): void {
  const numeric = XAPI_NUMERIC_FIELDS[cls as XapiClassName];
  if (!numeric) return;
  for (const field in numeric) {
    const value = record[field];
    if (value === undefined) continue;
    record[field] = restore(numeric[field], value);
  }
}

function restore(shape: NumericShape, value: unknown): unknown {
  switch (shape) {
    case 'int': case 'float': return toNumber(value);
    case 'int set': case 'float set': return Array.isArray(value) ? value.map(toNumber) : value;
    case 'int map': case 'float map': {
      if (typeof value !== 'object' || value === null) return value;
      const map = value as Record<string, unknown>;
      for (const key in map) map[key] = toNumber(map[key]);
      return map;
    }
  }
}

function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  return Number.isNaN(n) && value.trim().toLowerCase() !== 'nan' ? value : n;
}
