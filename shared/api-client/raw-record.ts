/**
 * A record the mirror holds as the JSON text it arrived in (see codec/raw-json.ts for why): loaded
 * records stay text until something in this process reads them, and travel to the page as they are
 * (`stringifyWithRawRecords`, which the bridge's transports use).
 */
import type { XapiObject } from './change-set';

/** Where RawRecords write their text while stringifyWithRawRecords runs (JSON.stringify is synchronous). */
let sink: { texts: string[]; tag: string } | undefined;

/** One record as received: valid JSON text of an object (checked when the reply was read). */
export class RawRecord {
  constructor(readonly json: string) {}

  /** Plain JSON.stringify gets the record decoded; stringifyWithRawRecords gets a placeholder for its text. */
  toJSON(): XapiObject | string {
    if (!sink) return JSON.parse(this.json) as XapiObject;
    sink.texts.push(this.json);
    return `${sink.tag}${sink.texts.length - 1}`;
  }
}

/** A record as the mirror and its change sets carry it: decoded, or its JSON text not parsed yet. */
export type MirrorRecord = XapiObject | RawRecord;

/** The record as an object (parsing the text of a RawRecord; each call parses anew). */
export function recordValue(record: MirrorRecord): XapiObject {
  return record instanceof RawRecord ? (JSON.parse(record.json) as XapiObject) : record;
}

/**
 * JSON.stringify(value), except that each RawRecord is written as its own text, never parsed here:
 * a 5,000-VM load reaches the page as one JSON.parse there. Each RawRecord first writes a placeholder
 * string no real string holds (a random tag per call behind a control character, which JSON
 * escapes), then the placeholders are swapped for the texts.
 */
export function stringifyWithRawRecords(value: unknown): string {
  const own = { texts: [] as string[], tag: `\u0001raw${Math.random().toString(36).slice(2)}:` };
  sink = own;
  let skeleton: string;
  try {
    skeleton = stringifyAnyDepth(value);
  } finally {
    sink = undefined;
  }
  if (!own.texts.length) return skeleton;
  // In the output a placeholder reads "\u0001raw<tag>:<n>", quotes included.
  const quotedTag = JSON.stringify(own.tag).slice(0, -1);
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    const at = skeleton.indexOf(quotedTag, from);
    if (at < 0) break;
    const close = skeleton.indexOf('"', at + quotedTag.length);
    parts.push(skeleton.slice(from, at), own.texts[Number(skeleton.slice(at + quotedTag.length, close))]);
    from = close + 1;
  }
  parts.push(skeleton.slice(from));
  return parts.join('');
}

/**
 * JSON.stringify, which recurses: a value nested deeper than the stack (only a server's can be, and
 * the codecs refuse those, codec/depth-limit.ts) is written by a loop instead, so a frame to the page
 * never throws on its way out (a throw there would surface far from any handler).
 */
function stringifyAnyDepth(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return stringifyIteratively(value);
  }
}

type Frame = { items: unknown[]; i: number } | { object: Record<string, unknown>; keys: string[]; i: number; first: boolean };

/** The same text as JSON.stringify(value) (no indentation), with an explicit stack instead of recursion. */
export function stringifyIteratively(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  /** Writes a value (opening it if it is a container); false when JSON leaves it out (undefined, functions). */
  const write = (raw: unknown, key: string): boolean => {
    const value = typeof raw === 'object' && raw !== null && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(k: string): unknown }).toJSON(key) : raw;
    switch (typeof value) {
      case 'string': out.push(JSON.stringify(value)); return true;
      case 'number': out.push(Number.isFinite(value) ? String(value) : 'null'); return true;
      case 'boolean': out.push(String(value)); return true;
      case 'bigint': throw new TypeError('Do not know how to serialize a BigInt');
      case 'object':
        if (value === null) out.push('null');
        else if (Array.isArray(value)) {
          out.push('[');
          stack.push({ items: value, i: 0 });
        } else {
          out.push('{');
          stack.push({ object: value as Record<string, unknown>, keys: Object.keys(value), i: 0, first: true });
        }
        return true;
      default: return false;
    }
  };
  if (!write(root, '')) return undefined as unknown as string;
  while (stack.length) {
    const frame = stack[stack.length - 1];
    if ('items' in frame) {
      if (frame.i >= frame.items.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (frame.i > 0) out.push(',');
      const i = frame.i++;
      if (!write(frame.items[i], String(i))) out.push('null');
    } else {
      if (frame.i >= frame.keys.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      const key = frame.keys[frame.i++];
      const mark = out.length;
      out.push(`${frame.first ? '' : ','}${JSON.stringify(key)}:`);
      if (write(frame.object[key], key)) frame.first = false;
      else out.length = mark;
    }
  }
  return out.join('');
}
