/**
 * Record maps kept as JSON text. A `get_all_records` reply over JSON-RPC is checked against the JSON
 * grammar and cut into one text per record (V8 keeps each as a slice of the reply, no copy), instead
 * of being turned into objects with JSON.parse. The main process reads few records itself (pools,
 * hosts, tasks) and forwards the rest to the renderer, which must parse them anyway: on a 5,000-VM
 * pool, parsing 40 MB into objects and collecting them was most of the load (see `npm run bench --
 * client`). The texts travel to the page as they are (raw-record.ts) and are parsed once, there.
 * A slice keeps its whole reply alive until every record of it was replaced by events: at most the
 * size of the replies (40 MB for 5,000 VMs), far less than the objects they would make.
 *
 * The check is exact: the scanner accepts what JSON.parse accepts and nothing else, so a record's
 * text always parses later, and a malformed reply fails at once as MALFORMED_REPLY, as before. It is
 * one loop over the tokens with an explicit stack; string contents are skipped with indexOf.
 */
import { RawRecord } from '../raw-record';
import { MAX_VALUE_DEPTH } from './depth-limit';

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

/** Valid JSON nested deeper than MAX_VALUE_DEPTH (depth-limit.ts says why that is refused). */
export class JsonNestingError extends JsonSyntaxError {}

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c, COLON = 0x3a, MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e, ZERO = 0x30, NINE = 0x39;
const IN_OBJECT = 1, IN_ARRAY = 2;

function fail(what: string, text: string, at: number): never {
  throw new JsonSyntaxError(`${what} ${at < text.length ? `at position ${at}` : 'at the end'}`);
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) => (c >= ZERO && c <= NINE) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

function skipSpace(t: string, i: number): number {
  while (isSpace(t.charCodeAt(i))) i++;
  return i;
}

/**
 * Where the next backslash is, searched once per scan rather than once per string (the texts of a
 * pool hold few escapes): slot 0 is its position, Infinity when none is left.
 */
type BackslashCursor = Float64Array;

/**
 * The position after the string whose opening quote is at `i`. Finds the closing quote with indexOf
 * (most of a reply is string contents); escapes before it are checked one by one. Control characters,
 * which no string may hold, are ruled out by the callers (checkControls, forEachMember's names).
 */
function skipString(t: string, i: number, bs: BackslashCursor): number {
  let from = i + 1;
  for (;;) {
    const quote = t.indexOf('"', from);
    if (quote < 0) fail('unterminated string', t, t.length);
    if (bs[0] < from) {
      const b = t.indexOf('\\', from);
      bs[0] = b < 0 ? Infinity : b;
    }
    const b = bs[0];
    if (b > quote) return quote + 1;
    // An escape before the quote: check it and go on after it (the quote may be the escaped one).
    const e = t.charCodeAt(b + 1);
    if (e === 0x75 /* u */) {
      if (!(isHex(t.charCodeAt(b + 2)) && isHex(t.charCodeAt(b + 3)) && isHex(t.charCodeAt(b + 4)) && isHex(t.charCodeAt(b + 5)))) fail('bad \\u escape', t, b);
      from = b + 6;
    } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) from = b + 2;
    else fail('bad escape', t, b);
  }
}

function skipNumber(t: string, i: number): number {
  if (t.charCodeAt(i) === MINUS) i++;
  let c = t.charCodeAt(i);
  if (c === ZERO) i++;
  else if (c > ZERO && c <= NINE) while (isDigit(t.charCodeAt(++i)));
  else fail('bad number', t, i);
  if (t.charCodeAt(i) === DOT) {
    if (!isDigit(t.charCodeAt(++i))) fail('bad number', t, i);
    while (isDigit(t.charCodeAt(++i)));
  }
  c = t.charCodeAt(i);
  if (c === 0x65 || c === 0x45) {
    c = t.charCodeAt(++i);
    if (c === PLUS || c === MINUS) i++;
    if (!isDigit(t.charCodeAt(i))) fail('bad number', t, i);
    while (isDigit(t.charCodeAt(++i)));
  }
  return i;
}

/** After a member name's opening quote position `i`: past the name, the colon and the space after it. */
function skipMemberName(t: string, i: number, bs: BackslashCursor): number {
  if (t.charCodeAt(i) !== QUOTE) fail('expected a member name', t, i);
  i = skipSpace(t, skipString(t, i, bs));
  if (t.charCodeAt(i) !== COLON) fail('expected :', t, i);
  return skipSpace(t, i + 1);
}

/** The position after the JSON value starting at `i` (no space before it), checking all of it. */
function skipValue(t: string, i: number, stack: Uint8Array, bs: BackslashCursor): number {
  let depth = 0;
  for (;;) {
    // A value starts at i.
    const c = t.charCodeAt(i);
    if (c === QUOTE) i = skipString(t, i, bs);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      i = skipSpace(t, i + 1);
      if (t.charCodeAt(i) === close) i++;
      else {
        if (depth === stack.length) throw new JsonNestingError(`nesting deeper than ${stack.length + 1} levels at position ${i}`);
        stack[depth++] = c === OPEN_BRACE ? IN_OBJECT : IN_ARRAY;
        i = c === OPEN_BRACE ? skipMemberName(t, i, bs) : i;
        continue;
      }
    } else if (c === MINUS || isDigit(c)) i = skipNumber(t, i);
    else if (c === 0x74 && t.startsWith('true', i)) i += 4;
    else if (c === 0x66 && t.startsWith('false', i)) i += 5;
    else if (c === 0x6e && t.startsWith('null', i)) i += 4;
    else fail('expected a value', t, i);
    // After a value: close containers, or go on to the next member / item.
    for (;;) {
      if (depth === 0) return i;
      i = skipSpace(t, i);
      const d = t.charCodeAt(i);
      const inObject = stack[depth - 1] === IN_OBJECT;
      if (d === COMMA) {
        i = skipSpace(t, i + 1);
        if (inObject) i = skipMemberName(t, i, bs);
        break;
      }
      if (d === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        depth--;
        i++;
        continue;
      }
      fail(inObject ? 'expected , or }' : 'expected , or ]', t, i);
    }
  }
}

/**
 * Walks the object at `i` (no space before it): calls `onMember(name, valueStart, nameStart)` for each
 * member, which returns where that value ends. Returns the position after the object. Names are
 * checked here for control characters (skipString does not look at string contents).
 */
function forEachMember(t: string, i: number, bs: BackslashCursor, onMember: (name: string, valueStart: number, nameStart: number) => number): number {
  if (t.charCodeAt(i) !== OPEN_BRACE) fail('expected {', t, i);
  i = skipSpace(t, i + 1);
  if (t.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (t.charCodeAt(i) !== QUOTE) fail('expected a member name', t, i);
    const nameStart = i;
    const nameEnd = skipString(t, i, bs);
    const raw = t.slice(i + 1, nameEnd - 1);
    if (CONTROL.test(raw)) fail('control character in a string', t, i);
    const name = raw.includes('\\') ? (JSON.parse(t.slice(i, nameEnd)) as string) : raw;
    i = skipSpace(t, nameEnd);
    if (t.charCodeAt(i) !== COLON) fail('expected :', t, i);
    i = skipSpace(t, onMember(name, skipSpace(t, i + 1), nameStart));
    const c = t.charCodeAt(i);
    if (c === CLOSE_BRACE) return i + 1;
    if (c !== COMMA) fail('expected , or }', t, i);
    i = skipSpace(t, i + 1);
  }
}

/** `o[key] = value`, also for "__proto__", which JSON.parse makes an own member too. */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

function checkEnd(t: string, i: number): void {
  i = skipSpace(t, i);
  if (i !== t.length) fail('unexpected text after the value', t, i);
}

// Any control character: legal only as space between tokens, never inside a string.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;

/**
 * Rules out control characters inside strings for a text the token loop checked (it skips string
 * contents with indexOf). One regular-expression pass instead of a test per character; space is
 * rare (xapi writes none) and legal between tokens, so on a hit JSON.parse judges the text, exactly.
 */
function checkControls(text: string): void {
  if (!CONTROL.test(text)) return;
  try {
    JSON.parse(text);
  } catch (err) {
    throw new JsonSyntaxError((err as Error).message);
  }
}

/** Throws JsonSyntaxError unless `text` is one JSON document (the same judgement as JSON.parse). */
export function checkJson(text: string): void {
  checkControls(text);
  checkEnd(text, skipValue(text, skipSpace(text, 0), new Uint8Array(MAX_VALUE_DEPTH - 1), new Float64Array([-1])));
}

/*
 * The fast path: one regular expression for "ref":{record} as xapi writes it (no space, fields at
 * most two levels deep: sets, maps, maps of sets). It accepts only valid JSON (strings without
 * control characters or bad escapes, numbers as JSON writes them), and V8 runs it as native code,
 * about six times faster than JSON.parse on the same text. Anything it does not match (space, deeper
 * nesting, and every error) goes to the token loop above, which judges exactly.
 */
const STRING = String.raw`"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"`;
const NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const SCALAR = `(?:${STRING}|${NUMBER}|true|false|null)`;
const listOf = (item: string) => `(?:${item}(?:,${item})*)?`;
const arrayOf = (item: string) => String.raw`\[${listOf(item)}\]`;
const objectOf = (item: string) => String.raw`\{${listOf(`${STRING}:${item}`)}\}`;
const NESTED = `(?:${SCALAR}|${arrayOf(SCALAR)}|${objectOf(SCALAR)})`;
const FIELD = `(?:${SCALAR}|${arrayOf(NESTED)}|${objectOf(NESTED)})`;
const RECORD_ENTRY = new RegExp(`${STRING}:${objectOf(FIELD)}`, 'y');

interface RecordMap {
  records: Record<string, RawRecord>;
  /** False when some value is not an object (then this is not a map of records). */
  allObjects: boolean;
  end: number;
}

/** The map of records at `i` (its `{`), each record's text kept as a slice of `t`. */
function readRecordMap(t: string, i: number, stack: Uint8Array, bs: BackslashCursor): RecordMap {
  const records: Record<string, RawRecord> = {};
  let allObjects = true;
  const end = forEachMember(t, i, bs, (ref, at, refStart) => {
    // The fast path matches from the ref; a match has no space in it, so the record starts at `at`.
    RECORD_ENTRY.lastIndex = refStart;
    let recordEnd: number;
    if (RECORD_ENTRY.test(t)) recordEnd = RECORD_ENTRY.lastIndex;
    else {
      if (t.charCodeAt(at) !== OPEN_BRACE) allObjects = false;
      recordEnd = skipValue(t, at, stack, bs);
      checkControls(t.slice(at, recordEnd));
    }
    setOwn(records, ref, new RawRecord(t.slice(at, recordEnd)));
    return recordEnd;
  });
  return { records, allObjects, end };
}

/**
 * Reads a JSON-RPC reply whose `result` is expected to be a map of records, keeping the records as
 * text. Returns the members of the envelope decoded (`error`, `id`, …), with `result` a map of
 * RawRecord when it is an object whose values are all objects, else decoded as usual.
 */
export function readRecordMapReply(text: string): Record<string, unknown> {
  const stack = new Uint8Array(MAX_VALUE_DEPTH - 1);
  const bs: BackslashCursor = new Float64Array([-1]);
  const envelope: Record<string, unknown> = {};
  const end = forEachMember(text, skipSpace(text, 0), bs, (name, start) => {
    if (name === 'result' && text.charCodeAt(start) === OPEN_BRACE) {
      const map = readRecordMap(text, start, stack, bs);
      setOwn(envelope, name, map.allObjects ? map.records : JSON.parse(text.slice(start, map.end)));
      return map.end;
    }
    // Small members (id, error, jsonrpc): JSON.parse checks them exactly.
    const valueEnd = skipValue(text, start, stack, bs);
    setOwn(envelope, name, JSON.parse(text.slice(start, valueEnd)));
    return valueEnd;
  });
  checkEnd(text, end);
  return envelope;
}
