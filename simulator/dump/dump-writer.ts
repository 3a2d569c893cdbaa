/**
 * Writes a XAPI database file the way xapi's Db_xml.To does (attributes protected by Xml_spaces, `.`-nested
 * names as `__`), for tests that need a database with a particular quirk. Values are given as xapi stores
 * them: scalars as text, sets and maps as S-expression text (formatSExpr writes them as xapi does).
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import type { ObjectDb } from '../db/object-db';
import { classes } from '../model';
import { formatSExpr } from './sexpr';
import { protectSpaces } from './xml-spaces';

export type DumpRow = Record<string, string>;

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function writeDumpXml(tables: Record<string, DumpRow[]>, manifest: Record<string, string> = { schema_major_vsn: '5', schema_minor_vsn: '57', generation_count: '1' }): string {
  const out = ['<?xml version="1.0"?>', '<database>', '<manifest>'];
  for (const [k, v] of Object.entries(manifest)) out.push(`<pair key="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
  out.push('</manifest>');
  for (const [name, rows] of Object.entries(tables)) {
    out.push(`<table name="${escapeXml(name)}">`);
    for (const row of rows) {
      const attrs = Object.entries(row).map(([k, v]) => ` ${k}="${escapeXml(protectSpaces(v))}"`).join('');
      out.push(`<row${attrs}/>`);
    }
    out.push('</table>');
  }
  out.push('</database>');
  return out.join('\n');
}

/** A column's text for a value of the datamodel type, as xapi's DM_to_String writes it. */
function columnText(v: unknown, t: XapiType): string {
  if (t.k === 'set') return formatSExpr((v as unknown[]).map((x) => columnText(x, t.of)));
  if (t.k === 'map') return formatSExpr(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, columnText(x, t.value)]));
  if (t.k === 'float') return Number.isInteger(v) ? `${v}.` : String(v); // OCaml's string_of_float: 1.
  return String(v);
}

/** The whole database as xapi would write it (every class with rows, every field), for round-trip tests. */
export function dumpOfDb(db: ObjectDb, manifest?: Record<string, string>): string {
  const tables: Record<string, DumpRow[]> = {};
  for (const cls of classes.values()) {
    const rows: DumpRow[] = [];
    for (const [ref, rec] of db.all(cls.name)) {
      const row: DumpRow = { ref, _ref: ref };
      for (const f of cls.fields) if (rec[f.name] !== undefined && rec[f.name] !== null) row[f.name] = columnText(rec[f.name], f.type);
      rows.push(row);
    }
    if (rows.length) tables[cls.name] = rows;
  }
  return writeDumpXml(tables, manifest);
}
