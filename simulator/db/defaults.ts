/** Default records built from the datamodel's field defaults, so every record carries every field a real host returns. */
import { classInfo } from '../model';

export type XRecord = Record<string, unknown>;

const templates = new Map<string, [string, unknown][]>();

function template(cls: string): [string, unknown][] {
  let t = templates.get(cls);
  if (!t) {
    t = classInfo(cls).fields.map((f) => [f.name, f.default ?? null]);
    templates.set(cls, t);
  }
  return t;
}

function copyDefault(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? JSON.parse(JSON.stringify(v)) : [];
  if (v !== null && typeof v === 'object') return Object.keys(v).length ? JSON.parse(JSON.stringify(v)) : {};
  return v;
}

/** A full record of class `cls`: the datamodel defaults overlaid with `fields` (unknown fields are kept out). */
export function buildRecord(cls: string, fields: XRecord): XRecord {
  const rec: XRecord = {};
  for (const [name, def] of template(cls)) {
    rec[name] = name in fields && fields[name] !== undefined ? fields[name] : copyDefault(def);
  }
  return rec;
}
