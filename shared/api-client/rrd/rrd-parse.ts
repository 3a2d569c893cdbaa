/**
 * Parser for XAPI's performance data: `/rrd_updates` replies in XML (rrdtool xport shape) and JSON, into
 * columns ready to plot.
 *
 * - Rows come out oldest first whatever the input order (xapi writes newest first, rrdtool oldest first).
 * - Values are Float64Array columns; NaN, Infinity and unparseable values become NaN, which means "no data"
 *   (a gap, never a zero). CLIENT-NOTES 16.
 * - JSON has three spellings of a value: strings (current xapi, `Utils.f_to_s`), bare numbers (older hosts)
 *   and bare NaN/Infinity (older hosts still: not valid JSON). Unquoted keys from very old hosts are accepted too
 *   (json5, last resort). rrdtool's own `xport --json` shape (rows as arrays) is read as well.
 * - XML is scanned without a DOM (this runs in Node and in workers alike); with or without `<t>` (rrdtool
 *   writes it only with --showtime, then times are start + i·step).
 *
 * Garbage gives an RrdParseError, never a crash or a hang.
 */
import JSON5 from 'json5';

export class RrdParseError extends Error {
  readonly code = 'RRD_PARSE_ERROR';
  constructor(message: string) {
    super(`rrd_updates: ${message}`);
    this.name = 'RrdParseError';
  }
}

/** One legend entry, `AVERAGE:vm:<uuid>:cpu0`, split. `owner` is `host` or `vm` (or whatever the server says). */
export interface RrdColumn {
  cf: string;
  owner: string;
  uuid: string;
  name: string;
  /** The legend entry as received. */
  legend: string;
}

export interface RrdData {
  start: number;
  step: number;
  end: number;
  columns: RrdColumn[];
  /** Row times in seconds, oldest first. */
  times: Float64Array;
  /** One array per column, aligned with `times`; NaN = no data. */
  values: Float64Array[];
}

/** Splits a legend entry. Entries that do not follow `CF:owner:uuid:name` keep the whole text as `name`. */
export function parseLegendEntry(entry: string): RrdColumn {
  const a = entry.indexOf(':');
  const b = a < 0 ? -1 : entry.indexOf(':', a + 1);
  const c = b < 0 ? -1 : entry.indexOf(':', b + 1);
  if (c < 0) return { cf: a < 0 ? '' : entry.slice(0, a), owner: '', uuid: '', name: a < 0 ? entry : entry.slice(a + 1), legend: entry };
  return { cf: entry.slice(0, a), owner: entry.slice(a + 1, b), uuid: entry.slice(b + 1, c), name: entry.slice(c + 1), legend: entry };
}

/** A value as a plottable number: finite, or NaN for a gap. */
function toValue(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : NaN;
}

function toInt(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n)) throw new RrdParseError(`bad ${what}`);
  return n;
}

/** Parses either format, told apart by the first significant character. */
export function parseRrdUpdates(body: string | Uint8Array): RrdData {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  const c = text[i];
  if (c === '{') return parseRrdJson(text);
  if (c === '<') return parseRrdXml(text);
  throw new RrdParseError(text.length ? 'neither XML nor JSON' : 'empty reply');
}

// ---------------------------------------------------------------- XML

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** Text of the first `<tag>…</tag>` in [from, to), or undefined. */
function elementText(text: string, tag: string, from: number, to: number): string | undefined {
  const open = text.indexOf(`<${tag}>`, from);
  if (open < 0 || open >= to) return undefined;
  const start = open + tag.length + 2;
  const close = text.indexOf(`</${tag}>`, start);
  if (close < 0 || close > to) throw new RrdParseError(`unterminated <${tag}>`);
  return text.slice(start, close);
}

export function parseRrdXml(text: string): RrdData {
  const metaAt = text.indexOf('<meta>');
  const metaEnd = text.indexOf('</meta>', metaAt);
  if (text.indexOf('<xport>') < 0 || metaAt < 0 || metaEnd < 0) throw new RrdParseError('no <xport><meta>');
  const meta = (tag: string) => {
    const v = elementText(text, tag, metaAt, metaEnd);
    if (v === undefined) throw new RrdParseError(`no <${tag}> in <meta>`);
    return toInt(v, tag);
  };
  const start = meta('start');
  const step = meta('step');
  const end = meta('end');

  const legend: string[] = [];
  const legendAt = text.indexOf('<legend>', metaAt);
  if (legendAt >= 0 && legendAt < metaEnd) {
    const legendEnd = text.indexOf('</legend>', legendAt);
    if (legendEnd < 0) throw new RrdParseError('unterminated <legend>');
    let p = legendAt;
    for (;;) {
      const open = text.indexOf('<entry>', p);
      if (open < 0 || open > legendEnd) break;
      const close = text.indexOf('</entry>', open);
      if (close < 0 || close > legendEnd) throw new RrdParseError('unterminated <entry>');
      legend.push(decodeEntities(text.slice(open + 7, close).trim()));
      p = close + 8;
    }
  }
  const ncol = legend.length;

  const dataAt = text.indexOf('<data', metaEnd);
  if (dataAt < 0) throw new RrdParseError('no <data>');
  const dataEnd = text.indexOf('</data>', dataAt);
  let limit: number;
  if (dataEnd >= 0) limit = dataEnd;
  else if (/^<data\s*\/>/.test(text.slice(dataAt, dataAt + 16))) limit = dataAt; // no rows: <data/>
  else throw new RrdParseError('unterminated <data>');

  const times: number[] = [];
  const cols: number[][] = Array.from({ length: ncol }, () => []);
  let hasTimes = true;
  let p = dataAt;
  for (;;) {
    const rowAt = text.indexOf('<row>', p);
    if (rowAt < 0 || rowAt >= limit) break;
    const rowEnd = text.indexOf('</row>', rowAt);
    if (rowEnd < 0 || rowEnd > limit) throw new RrdParseError('unterminated <row>');
    const t = elementText(text, 't', rowAt, rowEnd);
    if (t === undefined) hasTimes = false;
    else times.push(toInt(t, 'row time'));
    let q = rowAt + 5;
    let c = 0;
    for (;;) {
      const open = text.indexOf('<v>', q);
      if (open < 0 || open > rowEnd) break;
      const close = text.indexOf('</v>', open);
      if (close < 0 || close > rowEnd) throw new RrdParseError('unterminated <v>');
      if (c < ncol) cols[c].push(toValue(text.slice(open + 3, close)));
      c++;
      q = close + 4;
    }
    if (c !== ncol) throw new RrdParseError(`a row has ${c} values for ${ncol} columns`);
    p = rowEnd + 6;
  }
  const rows = cols.length ? cols[0].length : countRows(text, dataAt, limit);
  if (hasTimes && times.length !== rows) throw new RrdParseError('some rows have no <t>');
  // rrdtool without --showtime: rows run oldest first from the first step after start.
  const rowTimes = hasTimes ? times : Array.from({ length: rows }, (_, i) => start + i * step);
  return build(start, step, end, legend, rowTimes, cols);
}

function countRows(text: string, from: number, to: number): number {
  let n = 0;
  for (let p = text.indexOf('<row>', from); p >= 0 && p < to; p = text.indexOf('<row>', p + 5)) n++;
  return n;
}

// ---------------------------------------------------------------- JSON

/** Quotes bare NaN / Infinity / -Infinity outside strings (older xapi), so JSON.parse accepts the text. */
function quoteBareSpecials(text: string): string {
  const out: string[] = [];
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) {
      inString = true;
      continue;
    }
    let word = '';
    if (text.startsWith('NaN', i)) word = 'NaN';
    else if (text.startsWith('-Infinity', i)) word = '-Infinity';
    else if (text.startsWith('Infinity', i)) word = 'Infinity';
    else if (text.startsWith('nan', i)) word = 'nan';
    if (word) {
      out.push(text.slice(last, i), `"${word}"`);
      i += word.length - 1;
      last = i + 1;
    }
  }
  out.push(text.slice(last));
  return out.join('');
}

function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    /* an older host: try the repairs below */
  }
  try {
    return JSON.parse(quoteBareSpecials(text));
  } catch {
    /* unquoted keys or single quotes: json5 knows them */
  }
  try {
    return JSON5.parse(text);
  } catch (err) {
    throw new RrdParseError(`invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

export function parseRrdJson(text: string): RrdData {
  const doc = parseLenient(text) as { meta?: Record<string, unknown>; data?: unknown } | null;
  if (!doc || typeof doc !== 'object' || !doc.meta || typeof doc.meta !== 'object') throw new RrdParseError('no meta');
  const m = doc.meta;
  const start = toInt(m.start, 'start');
  const step = toInt(m.step, 'step');
  const end = toInt(m.end, 'end');
  if (!Array.isArray(m.legend)) throw new RrdParseError('no legend');
  const legend = m.legend.map(String);
  const ncol = legend.length;
  if (!Array.isArray(doc.data)) throw new RrdParseError('no data');
  const times: number[] = [];
  const cols: number[][] = Array.from({ length: ncol }, () => []);
  let hasTimes = true;
  for (const row of doc.data as unknown[]) {
    let vals: unknown[];
    if (Array.isArray(row)) {
      // rrdtool's own JSON: [t?, v1, v2…]
      if (row.length === ncol + 1) {
        times.push(toInt(row[0], 'row time'));
        vals = row.slice(1);
      } else {
        hasTimes = false;
        vals = row;
      }
    } else if (row && typeof row === 'object') {
      const r = row as { t?: unknown; values?: unknown };
      times.push(toInt(r.t, 'row time'));
      if (!Array.isArray(r.values)) throw new RrdParseError('a row has no values');
      vals = r.values;
    } else {
      throw new RrdParseError('a row is neither an object nor an array');
    }
    if (vals.length !== ncol) throw new RrdParseError(`a row has ${vals.length} values for ${ncol} columns`);
    for (let c = 0; c < ncol; c++) cols[c].push(toValue(vals[c]));
  }
  const rows = (doc.data as unknown[]).length;
  const rowTimes = hasTimes ? times : Array.from({ length: rows }, (_, i) => start + i * step);
  return build(start, step, end, legend, rowTimes, cols);
}

// ---------------------------------------------------------------- both

function build(start: number, step: number, end: number, legend: string[], times: number[], cols: number[][]): RrdData {
  const n = times.length;
  const reverse = n > 1 && times[0] > times[n - 1];
  const t = new Float64Array(n);
  const values = cols.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const src = reverse ? n - 1 - i : i;
    t[i] = times[src];
    for (let c = 0; c < cols.length; c++) values[c][i] = cols[c][src];
  }
  return { start, step, end, columns: legend.map(parseLegendEntry), times: t, values };
}
