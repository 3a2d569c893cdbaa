/**
 * Turns decoded call arguments into datamodel-typed values. XML-RPC clients send int64 as strings
 * (xen-api stringifies every integer; XO Lite passes String(n)), floats sometimes as ints, and datetimes as
 * <dateTime.iso8601>; JSON-RPC sends numbers. A value that fits no reading is FIELD_TYPE_ERROR [name].
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import { classes, enums } from '../model';
import { parseXapiDateTime, xapiDateTime } from '../datetime';
import { XapiError } from '../xapi-error';

export function coerceArgument(v: unknown, t: XapiType, name: string): unknown {
  const bad = () => new XapiError('FIELD_TYPE_ERROR', [name]);
  switch (t.k) {
    case 'string': case 'ref':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && t.k === 'string') return String(v);
      throw bad();
    case 'enum': {
      if (typeof v !== 'string') throw bad();
      const values = enums[t.name];
      if (values && !values.includes(v)) {
        // xapi answers an unknown enum value with ENUM ... mismatch; the closest listed code is FIELD_TYPE_ERROR.
        const lower = values.find((x) => x.toLowerCase() === v.toLowerCase());
        if (lower) return lower;
        throw bad();
      }
      return v;
    }
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
      throw bad();
    case 'float':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      throw bad();
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw bad();
    case 'datetime': {
      if (typeof v !== 'string') throw bad();
      const ms = parseXapiDateTime(v);
      if (ms === undefined) throw bad();
      return xapiDateTime(ms);
    }
    case 'void':
      return undefined;
    case 'option':
      return v === null || v === undefined || v === '' ? v : coerceArgument(v, t.of, name);
    case 'set':
      if (!Array.isArray(v)) throw bad();
      return v.map((x) => coerceArgument(x, t.of, name));
    case 'map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad();
      // fromEntries defines own properties: a "__proto__" key stays a key and never reaches the prototype.
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => {
        coerceArgument(k, t.key.k === 'int' || t.key.k === 'float' ? { k: 'string' } : t.key, name);
        return [k, coerceArgument(x, t.value, name)];
      }));
    }
    case 'record': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad();
      const info = classes.get(t.cls);
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => {
        const f = info?.fieldByName.get(k);
        return [k, f ? coerceArgument(x, f.type, k) : x];
      }));
    }
  }
}
