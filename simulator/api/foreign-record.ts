/**
 * A record of one pool rewritten for another, as xapi's metadata import does with an exported VM: every
 * reference the import knows (the objects it creates, the SRs and networks it was mapped to) is translated,
 * every other reference becomes OpaqueRef:NULL (hosts, appliances, schedules of the old pool mean nothing
 * there), and the reverse sets start empty (the database fills them as the children arrive).
 */
import { classInfo } from '../model';
import type { XapiType } from '../../shared/xapi/type-tree';
import { NULL_REF, type XRecord } from '../db/object-db';
import { relations } from '../db/relations';

export type RefLookup = (cls: string, ref: string) => string | undefined;

const reverseSets = new Set(relations.map((r) => `${r.parent}.${r.parentField}`));

function translate(type: XapiType, value: unknown, lookup: RefLookup): unknown {
  switch (type.k) {
    case 'ref':
      return typeof value === 'string' && value !== NULL_REF ? (lookup(type.cls, value) ?? NULL_REF) : NULL_REF;
    case 'set':
      if (!Array.isArray(value)) return [];
      if (type.of.k !== 'ref') return [...value];
      return value.map((v) => translate(type.of, v, lookup)).filter((v) => v !== NULL_REF);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        const key = type.key.k === 'ref' ? translate(type.key, k, lookup) : k;
        if (key === NULL_REF) continue;
        out[String(key)] = translate(type.value, v, lookup);
      }
      return out;
    }
    default:
      return value;
  }
}

export function translateRecord(cls: string, rec: XRecord, lookup: RefLookup): XRecord {
  const out: XRecord = {};
  for (const field of classInfo(cls).fields) {
    if (!(field.name in rec)) continue;
    out[field.name] = reverseSets.has(`${cls}.${field.name}`) ? [] : translate(field.type, rec[field.name], lookup);
  }
  return out;
}
