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
    skeleton = JSON.stringify(value);
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
