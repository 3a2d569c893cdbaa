/**
 * Reads a XAPI database file into its raw parts, as xapi's Db_xml.From does: `<database>` holding a
 * `<manifest>` of `<pair key value>` and one `<table name>` per class with a `<row>` per object, whose
 * attributes are the object's columns (strings, still protected and unparsed). Accepts the file plain or
 * gzip-compressed (xapi's `compress` option in db.conf); says so plainly when it is neither.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { DumpError, type DumpPlace } from './report';

export interface RawRow {
  /** The row's `ref` attribute (xapi's key), or `_ref` when only that is there; undefined when neither is. */
  ref: string | undefined;
  /** Every other attribute, as written. */
  columns: Record<string, string>;
  line: number;
}
export interface RawTable { name: string; rows: RawRow[]; line: number }
export interface RawDump { manifest: Record<string, string>; tables: RawTable[] }

/** Columns of a row that are bookkeeping, not fields: the ref (twice) and xapi's generation counts. */
export const ROW_META = new Set(['ref', '_ref', '__ctime', '__mtime']);

/** The file's text: decompressed when gzip'd; an SQLite database (xapi's pre-2009 backend) is refused with advice. */
export function readDumpText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new DumpError({ file }, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new DumpError({ file }, `a gzip file that does not decompress (${(err as Error).message})`);
    }
  }
  if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000') {
    throw new DumpError({ file }, 'an SQLite database (xapi\'s old SQL backend), not the XML format; on that host, `xe pool-dump-database file-name=db.xml` writes the XML');
  }
  return bytes.toString('utf8');
}

/** The ref and last column of the `<row` tag the parser stopped in (a file cut off or broken inside a row). */
function unfinishedRow(text: string, position: number): { ref?: string; field?: string } | undefined {
  const start = text.lastIndexOf('<', Math.min(position - 1, text.length - 1));
  if (start < 0 || !text.startsWith('<row', start)) return undefined;
  // The parser may stand just after the tag's end (e.g. a duplicate attribute is found when the tag closes).
  const tag = text.slice(start, position).replace(/\/?>$/, '');
  if (tag.includes('>')) return undefined;
  const ref = /\sref="([^"]*)"/.exec(tag)?.[1];
  const columns = [...tag.matchAll(/\s([\w.:-]+)=/g)].map((m) => m[1]);
  return { ref, field: columns.at(-1) };
}

export function parseDumpXml(text: string, file: string): RawDump {
  if (!text.trim()) throw new DumpError({ file }, 'the file is empty');
  const parser = new SaxesParser({ xmlns: false, position: true });
  const dump: RawDump = { manifest: {}, tables: [] };
  const open: string[] = [];
  let table: RawTable | undefined;
  let row: RawRow | undefined;
  const place = (problem = ''): DumpPlace => {
    const cut = unfinishedRow(text, parser.position);
    // saxes finds a repeated attribute when the tag is complete: that attribute, not the last one, is the field.
    const repeated = /duplicate attribute: ([^\s]+?)\.?$/.exec(problem)?.[1];
    const last = table?.rows.at(-1)?.ref;
    return {
      file, line: parser.line, column: parser.column, table: table?.name,
      // A row whose tag is cut off or broken is named from its text; else the last complete row of the table.
      row: row?.ref ?? cut?.ref ?? (last ? `after ${last}` : undefined),
      field: repeated ?? cut?.field,
    };
  };
  const fail = (problem: string): never => {
    throw new DumpError(place(problem), problem);
  };

  parser.on('opentag', (tag) => {
    const parent = open[open.length - 1];
    const attrs = tag.attributes as Record<string, string>;
    const expected: Record<string, string | undefined> = { database: undefined, manifest: 'database', pair: 'manifest', table: 'database', row: 'table' };
    if (!(tag.name in expected)) fail(parent === undefined ? `not a XAPI database: the document is <${tag.name}>, not <database>` : `unexpected element <${tag.name}> in <${parent}>`);
    if (expected[tag.name] !== parent) fail(`<${tag.name}> ${parent ? `inside <${parent}>` : 'at the top'}; xapi writes it ${expected[tag.name] ? `inside <${expected[tag.name]}>` : 'at the top'}`);
    open.push(tag.name);
    if (tag.name === 'pair') {
      if (attrs.key === undefined) fail('manifest <pair> without a key');
      dump.manifest[attrs.key] = attrs.value ?? '';
    } else if (tag.name === 'table') {
      if (attrs.name === undefined) fail('<table> without a name');
      table = { name: attrs.name, rows: [], line: parser.line };
      dump.tables.push(table);
    } else if (tag.name === 'row') {
      const columns: Record<string, string> = {};
      for (const [k, v] of Object.entries(attrs)) if (k !== 'ref' && k !== '_ref') columns[k] = v;
      row = { ref: attrs.ref ?? attrs._ref, columns, line: parser.line };
      table!.rows.push(row);
    }
  });
  parser.on('closetag', (tag) => {
    open.pop();
    if (tag.name === 'table') table = undefined;
    if (tag.name === 'row') row = undefined;
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof DumpError) throw err;
    // saxes prefixes its messages with "line:column: "; our place says where.
    fail(`not well-formed XML: ${(err as Error).message.replace(/^\d+:\d+:\s*/, '')}`);
  }
  if (!dump.tables.length && !Object.keys(dump.manifest).length) throw new DumpError({ file }, 'not a XAPI database: no <manifest> and no <table>');
  return dump;
}
