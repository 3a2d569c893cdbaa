/**
 * A dump column's text as the value of its datamodel type, as xapi's String_to_DM reads it, and lenient where
 * older writers differed: `OpaqueRef:NULL`, `''` and clients' `Ref:` all mean no reference; enums match without
 * regard to case; datetimes are read in any ISO 8601 spelling and served in xapi's; a set or map cut off in the
 * middle keeps its complete items. Every value not taken as written says why (`repaired`), and a value that
 * cannot be read at all says why it is left out (`dropped`: the record keeps the datamodel default).
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import { enums } from '../model';
import { parseXapiDateTime, xapiDateTime } from '../datetime';
import { NULL_REF } from '../db/object-db';
import { parseSExpr, SExprError, type SExpr } from './sexpr';

export interface Converted { value?: unknown; repaired?: string; dropped?: string }

export function convertColumn(raw: string, type: XapiType): Converted {
  switch (type.k) {
    case 'set': case 'map': return convertCollection(raw, type);
    case 'option': return raw === '' ? { value: null } : convertColumn(raw, type.of);
    default: {
      const notes: string[] = [];
      const value = scalar(raw, type, notes);
      if (value === undefined) return { dropped: notes.join('; ') };
      return notes.length ? { value, repaired: notes.join('; ') } : { value };
    }
  }
}

/** A scalar, or undefined (with the reason in `notes`) when it cannot be read; a correction also adds a note. */
function scalar(raw: string, type: XapiType, notes: string[]): unknown {
  switch (type.k) {
    case 'string': return raw;
    case 'int': {
      // OCaml's Int64.of_string: decimal or 0x/0o/0b, underscores allowed.
      const s = raw.trim().replace(/_/g, '');
      const m = /^([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i.exec(s);
      if (!m) return fail(notes, `'${clip(raw)}' is not an integer`);
      const digits = m[2].toLowerCase();
      const n = digits.startsWith('0o') ? parseInt(digits.slice(2), 8) : digits.startsWith('0b') ? parseInt(digits.slice(2), 2) : Number(digits);
      return m[1] === '-' ? -n : n;
    }
    case 'float': {
      const s = raw.trim().replace(/_/g, '');
      const n = Number(s.endsWith('.') ? `${s}0` : s);
      if (Number.isFinite(n) && s !== '') return n;
      if (/^[+-]?(nan|inf(inity)?)$/i.test(s)) {
        notes.push(`'${raw}' has no JSON form: served as 0`);
        return 0;
      }
      return fail(notes, `'${clip(raw)}' is not a number`);
    }
    case 'bool': {
      const s = raw.trim().toLowerCase();
      if (s === 'true' || s === 'false') {
        if (s !== raw) notes.push(`'${raw}' read as ${s}`);
        return s === 'true';
      }
      return fail(notes, `'${clip(raw)}' is not true or false`);
    }
    case 'datetime': {
      if (/^\d{8}T\d\d:\d\d:\d\dZ$/.test(raw)) return raw;
      const ms = parseXapiDateTime(raw);
      if (ms === undefined || !Number.isFinite(ms)) return fail(notes, `'${clip(raw)}' is not a date and time`);
      notes.push(`'${raw}' written as ${xapiDateTime(ms)}`);
      return xapiDateTime(ms);
    }
    case 'ref': {
      if (raw.startsWith('OpaqueRef:')) return raw;
      // Clients read '' and the `Ref:` prefix as "no reference" (xen-api's _Ref.mjs); so does xapi's is_valid_ref.
      if (raw !== '') notes.push(`'${clip(raw)}' is not a reference: read as OpaqueRef:NULL`);
      return NULL_REF;
    }
    case 'enum': {
      const values = enums[type.name] ?? [];
      if (values.includes(raw)) return raw;
      const match = values.find((v) => v.toLowerCase() === raw.toLowerCase());
      if (match) {
        notes.push(`'${raw}' read as ${match}`);
        return match;
      }
      return fail(notes, `'${clip(raw)}' is not a value of enum ${type.name}`);
    }
    default: return raw;
  }
}

function convertCollection(raw: string, type: Extract<XapiType, { k: 'set' | 'map' }>): Converted {
  const notes: string[] = [];
  let tree: SExpr;
  if (raw.trim() === '') tree = [];
  else {
    try {
      tree = parseSExpr(raw);
    } catch (err) {
      if (!(err instanceof SExprError)) throw err;
      if (err.salvage === undefined || typeof err.salvage === 'string') return { dropped: `cannot be read: ${err.message}` };
      tree = err.salvage;
      notes.push(err.problem === 'trailing-text' ? `${err.message}: ignored` : `${err.message}: kept the ${err.salvage.length} complete item${err.salvage.length === 1 ? '' : 's'}`);
    }
  }
  if (typeof tree === 'string') return { dropped: `'${clip(raw)}' is not a list` };
  const value = type.k === 'set' ? setItems(tree, type.of, notes) : mapEntries(tree, type.key, type.value, notes);
  return notes.length ? { value, repaired: notes.join('; ') } : { value };
}

function setItems(items: SExpr[], of: XapiType, notes: string[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  for (const item of items) {
    if (typeof item !== 'string') {
      notes.push('left out an item that is a list, not a string');
      continue;
    }
    const itemNotes: string[] = [];
    const v = scalar(item, of, itemNotes);
    if (v === undefined) {
      notes.push(`left out item: ${itemNotes.join('; ')}`);
      continue;
    }
    notes.push(...itemNotes);
    if (of.k === 'ref' && v === NULL_REF) continue;
    if (seen.has(v)) continue; // a set: xapi's add_to_set keeps one of each
    seen.add(v);
    out.push(v);
  }
  return out;
}

function mapEntries(pairs: SExpr[], keyType: XapiType, valueType: XapiType, notes: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      notes.push('left out an entry that is not a (key value) pair');
      continue;
    }
    const entryNotes: string[] = [];
    const k = scalar(pair[0], keyType, entryNotes);
    const v = scalar(pair[1], valueType, entryNotes);
    if (k === undefined || v === undefined) {
      notes.push(`left out entry '${clip(pair[0])}': ${entryNotes.join('; ')}`);
      continue;
    }
    notes.push(...entryNotes);
    const key = String(k);
    if (Object.hasOwn(out, key)) {
      // xapi reads the first of duplicate keys (List.assoc); its upgrade removes the others (CA-18974).
      notes.push(`duplicate key '${clip(key)}': kept the first`);
      continue;
    }
    // defineProperty: a key such as `__proto__` is data here, not the object's prototype.
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function fail(notes: string[], why: string): undefined {
  notes.push(why);
  return undefined;
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
