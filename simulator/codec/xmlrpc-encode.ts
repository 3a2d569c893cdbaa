/**
 * XML-RPC response encoder, directed by the datamodel type of the result: int64 goes out as a string
 * (XAPI's XML-RPC has no 64-bit integer), float as <double>, datetime as <dateTime.iso8601>, records as
 * structs of every field. Serialized records are cached per record object (records are immutable).
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import { classes, classesByLowerName } from '../model';

const recordCache = new WeakMap<object, string>();

export function escapeXml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than producing an unparsable reply.
  // \r is written as a character reference: XML parsers turn a literal CR (LF) into LF.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;')).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}

/** Encodes a value with no type information (unknown record classes, extension results). */
export function xmlUntyped(v: unknown): string {
  if (v === null || v === undefined) return '<value></value>';
  switch (typeof v) {
    case 'string': return `<value>${escapeXml(v)}</value>`;
    case 'boolean': return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
    case 'number': return Number.isInteger(v) ? `<value>${v}</value>` : `<value><double>${formatDouble(v)}</double></value>`;
    case 'object':
      if (Array.isArray(v)) return `<value><array><data>${v.map(xmlUntyped).join('')}</data></array></value>`;
      return `<value><struct>${Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `<member><name>${escapeXml(k)}</name>${xmlUntyped(x)}</member>`)
        .join('')}</struct></value>`;
    default: return `<value>${escapeXml(String(v))}</value>`;
  }
}

export function xmlRecord(cls: string, rec: Record<string, unknown>): string {
  const cached = recordCache.get(rec);
  if (cached !== undefined) return cached;
  const info = classes.get(cls);
  let out: string;
  if (!info) out = xmlUntyped(rec);
  else {
    let s = '<value><struct>';
    for (const f of info.fields) {
      if (!(f.name in rec)) continue;
      s += `<member><name>${f.name}</name>${xmlValue(rec[f.name], f.type)}</member>`;
    }
    out = s + '</struct></value>';
  }
  recordCache.set(rec, out);
  return out;
}

export function xmlValue(v: unknown, t: XapiType | undefined): string {
  if (!t) return xmlUntyped(v);
  switch (t.k) {
    case 'string': case 'ref': case 'enum':
      return `<value>${escapeXml(v === null || v === undefined ? '' : String(v))}</value>`;
    case 'int':
      // XAPI int64 travels as a string of digits in XML-RPC.
      return `<value>${typeof v === 'number' ? String(Math.trunc(v)) : escapeXml(String(v ?? 0))}</value>`;
    case 'float':
      return `<value><double>${formatDouble(Number(v))}</double></value>`;
    case 'bool':
      return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
    case 'datetime':
      return `<value><dateTime.iso8601>${escapeXml(String(v ?? ''))}</dateTime.iso8601></value>`;
    case 'void':
      return '<value></value>';
    case 'option':
      return v === null || v === undefined ? '<value></value>' : xmlValue(v, t.of);
    case 'set': {
      const items = Array.isArray(v) ? v : [];
      let s = '<value><array><data>';
      for (const x of items) s += xmlValue(x, t.of);
      return s + '</data></array></value>';
    }
    case 'map': {
      const obj = (v ?? {}) as Record<string, unknown>;
      let s = '<value><struct>';
      for (const k of Object.keys(obj)) s += `<member><name>${escapeXml(k)}</name>${xmlValue(obj[k], t.value)}</member>`;
      return s + '</struct></value>';
    }
    case 'record':
      if (v === null || typeof v !== 'object') return xmlUntyped(v);
      if (t.cls === 'event') return xmlEvent(v as Record<string, unknown>);
      if (t.cls === 'event_batch') return xmlEventBatch(v as Record<string, unknown>);
      return xmlRecord(t.cls, v as Record<string, unknown>);
  }
}

/** An event: its snapshot is a record of the class the event names (lower-case in `class`). */
function xmlEvent(e: Record<string, unknown>): string {
  const cls = classesByLowerName.get(String(e.class))?.name ?? String(e.class);
  let s = '<value><struct>';
  for (const [k, v] of Object.entries(e)) {
    const enc = k === 'snapshot' ? xmlRecord(cls, v as Record<string, unknown>)
      : k === 'id' ? xmlValue(v, { k: 'int' })
      : k === 'timestamp' ? xmlValue(v, { k: 'datetime' })
      : xmlValue(v, { k: 'string' });
    s += `<member><name>${k}</name>${enc}</member>`;
  }
  return s + '</struct></value>';
}

/** event.from's result: {events, valid_ref_counts, token}. */
function xmlEventBatch(b: Record<string, unknown>): string {
  const events = (b.events as Record<string, unknown>[]).map(xmlEvent).join('');
  return `<value><struct><member><name>events</name><value><array><data>${events}</data></array></value></member>`
    + `<member><name>valid_ref_counts</name>${xmlValue(b.valid_ref_counts, { k: 'map', key: { k: 'string' }, value: { k: 'int' } })}</member>`
    + `<member><name>token</name>${xmlValue(b.token, { k: 'string' })}</member></struct></value>`;
}

const HEAD = '<?xml version="1.0"?><methodResponse><params><param><value><struct>';
const TAIL = '</struct></value></param></params></methodResponse>';

/** `{Status: "Success", Value}`: XAPI wraps every result in this struct, never a <fault>. */
export function xmlSuccess(encodedValue: string): string {
  return `${HEAD}<member><name>Status</name><value>Success</value></member><member><name>Value</name>${encodedValue}</member>${TAIL}`;
}

export function xmlFailure(description: readonly string[]): string {
  const items = description.map((d) => `<value>${escapeXml(d)}</value>`).join('');
  return `${HEAD}<member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name><value><array><data>${items}</data></array></value></member>${TAIL}`;
}
