/**
 * Writes a XAPI database file the way xapi's Db_xml.To does (attributes protected by Xml_spaces, `.`-nested
 * names as `__`), for tests that need a database with a particular quirk. Values are given as xapi stores
 * them: scalars as text, sets and maps as S-expression text (formatSExpr writes them as xapi does).
 */
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
