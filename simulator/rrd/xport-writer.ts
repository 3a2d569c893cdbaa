/**
 * Encoders for rrd_updates replies, byte for byte as xapi writes them (ocaml/libs/xapi-rrd/lib/rrd_updates.ml):
 * XML in rrdtool's xport shape (no whitespace, an XML declaration, rows newest first) and JSON with every value
 * as a string. Values go through xapi's `Utils.f_to_s`: C's `%0.5g`, `0.0` for zero, `NaN`, `Infinity`.
 */
import type { RrdUpdates } from './rrd-export';

/** C printf's `%0.5g` (and xapi's special cases), so clients meet the real spelling: `0.012346`, `1.2346e+06`. */
export function formatRrdFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return '0.0';
  const P = 5;
  const [mant, expStr] = v.toExponential(P - 1).split('e');
  const x = Number(expStr);
  if (x < -4 || x >= P) {
    const m = stripZeros(mant);
    const abs = Math.abs(x);
    return `${m}e${x < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(v.toFixed(P - 1 - x));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function updatesToXml(u: RrdUpdates): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?><xport><meta>'];
  parts.push(`<start>${u.start}</start><step>${u.step}</step><end>${u.end}</end><rows>${u.times.length}</rows><columns>${u.legend.length}</columns><legend>`);
  for (const l of u.legend) parts.push(`<entry>${xmlEscape(l)}</entry>`);
  parts.push('</legend></meta><data>');
  for (let i = 0; i < u.times.length; i++) {
    let row = `<row><t>${u.times[i]}</t>`;
    for (const col of u.columns) row += `<v>${formatRrdFloat(col[i])}</v>`;
    parts.push(row + '</row>');
  }
  parts.push('</data></xport>');
  return parts.join('');
}

/** How values are spelled in JSON: `string` as current xapi; `number` and `bare` as older hosts did (bare NaN is not JSON). */
export type JsonValueStyle = 'string' | 'number' | 'bare';

export function updatesToJson(u: RrdUpdates, style: JsonValueStyle = 'string'): string {
  const value = (v: number) => {
    const s = formatRrdFloat(v);
    if (style === 'string') return `"${s}"`;
    if (Number.isFinite(v)) return s;
    return style === 'bare' ? s : `"${s}"`;
  };
  const parts: string[] = [
    `{"meta":{"start":${u.start},"step":${u.step},"end":${u.end},"rows":${u.times.length},"columns":${u.legend.length},"legend":${JSON.stringify(u.legend)}},"data":[`,
  ];
  for (let i = 0; i < u.times.length; i++) {
    const vals = u.columns.map((c) => value(c[i])).join(',');
    parts.push(`${i ? ',' : ''}{"t":${u.times[i]},"values":[${vals}]}`);
  }
  parts.push(']}');
  return parts.join('');
}
