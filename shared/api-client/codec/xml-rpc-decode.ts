/**
 * Incremental XML-RPC decoder: no DOM, no regex per node, feed it chunks as they arrive
 * (`write(chunk)` any number of times, then `end()`). A big `VM.get_all_records` reply is megabytes of
 * <struct>s; this walks it once with indexOf, building plain objects as it goes, and keeps at most one
 * incomplete tag or text run between chunks.
 *
 * It decodes <methodResponse> (one param, or a <fault>) and <methodCall> (methodName + params), so the
 * codec is usable in both directions. Anything that is not well-formed XML-RPC fails with a typed
 * MALFORMED_REPLY error, never a crash or a hang.
 */
import { ClientErrorCode, XapiError } from '../xapi-error';
import { MAX_VALUE_DEPTH, tooDeepError } from './depth-limit';

export interface XmlRpcMessage {
  methodName?: string;
  params: unknown[];
  fault?: { faultCode: unknown; faultString: unknown };
}

type Container = unknown[] | Record<string, unknown>;

const SCALARS = new Set(['string', 'int', 'i4', 'i8', 'double', 'boolean', 'dateTime.iso8601', 'base64', 'nil']);
const ENVELOPE = new Set(['methodResponse', 'methodCall', 'params', 'param', 'fault', 'methodName']);

export class XmlRpcDecoder {
  private buffer = '';
  /** Open element names, for balance checks. */
  private readonly tags: string[] = [];
  /** Containers being filled (arrays for <data>, objects for <struct>). */
  private readonly containers: Container[] = [];
  /** Pending member name per open struct. */
  private readonly memberNames: (string | undefined)[] = [];
  /** Per open <value>: whether a typed child (scalar tag, array, struct) was seen. */
  private readonly valueTyped: boolean[] = [];
  /** Per open <value>: the typed child's decoded value. */
  private readonly valueResult: unknown[] = [];
  private text = '';
  private scalar: string | undefined;
  private readonly message: XmlRpcMessage = { params: [] };
  private done = false;

  constructor(private readonly method = 'reply') {}

  write(chunk: string): void {
    if (this.done) throw this.fail('data after end');
    this.buffer = this.buffer.length ? this.buffer + chunk : chunk;
    this.parse();
  }

  end(): XmlRpcMessage {
    this.parse();
    this.done = true;
    if (this.buffer.trim() !== '') throw this.fail('truncated document');
    if (this.tags.length !== 0) throw this.fail(`unclosed <${this.tags[this.tags.length - 1]}>`);
    if (this.message.methodName === undefined && this.message.params.length === 0 && !this.message.fault) throw this.fail('no XML-RPC content');
    return this.message;
  }

  private parse(): void {
    const buf = this.buffer;
    let pos = 0;
    const length = buf.length;
    while (pos < length) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) break; // a text run not yet terminated: keep it for the next chunk
      if (lt > pos) this.onText(buf, pos, lt);
      // Comments, CDATA and processing instructions may contain '>' so they need their own terminators.
      if (buf.startsWith('<!--', lt)) {
        const close = buf.indexOf('-->', lt + 4);
        if (close < 0) { pos = lt; break; }
        pos = close + 3;
        continue;
      }
      if (buf.startsWith('<![CDATA[', lt)) {
        const close = buf.indexOf(']]>', lt + 9);
        if (close < 0) { pos = lt; break; }
        this.text += buf.slice(lt + 9, close);
        pos = close + 3;
        continue;
      }
      const gt = buf.indexOf('>', lt + 1);
      if (gt < 0) { pos = lt; break; }
      const c1 = buf.charCodeAt(lt + 1);
      if (c1 === 63 /* ? */ || c1 === 33 /* ! */) { pos = gt + 1; continue; } // <?xml …?>, <!DOCTYPE …>
      if (c1 === 47 /* / */) this.onClose(tagName(buf, lt + 2, gt));
      else {
        const selfClosing = buf.charCodeAt(gt - 1) === 47;
        const name = tagName(buf, lt + 1, selfClosing ? gt - 1 : gt);
        this.onOpen(name);
        if (selfClosing) this.onClose(name);
      }
      pos = gt + 1;
    }
    this.buffer = pos >= length ? '' : buf.slice(pos);
  }

  private onText(buf: string, from: number, to: number): void {
    const raw = buf.slice(from, to);
    this.text += raw.includes('&') ? decodeEntities(raw, this) : raw;
  }

  private onOpen(name: string): void {
    if (name === '') throw this.fail('empty tag name');
    const parent = this.tags.length ? this.tags[this.tags.length - 1] : undefined;
    this.tags.push(name);
    if (this.scalar !== undefined) throw this.fail(`<${name}> inside <${this.scalar}>`);
    switch (name) {
      case 'value':
        if (parent !== 'param' && parent !== 'data' && parent !== 'member' && parent !== 'fault') throw this.fail(`<value> inside <${parent ?? 'nothing'}>`);
        // Refused while reading, before a deep value exists (depth-limit.ts).
        if (this.valueTyped.length >= MAX_VALUE_DEPTH) {
          this.done = true;
          throw tooDeepError(this.method);
        }
        this.valueTyped.push(false);
        this.valueResult.push(undefined);
        this.text = '';
        return;
      case 'array': case 'struct':
        this.markTyped(name);
        if (name === 'struct') { this.containers.push({}); this.memberNames.push(undefined); }
        return;
      case 'data':
        if (parent !== 'array') throw this.fail('<data> outside <array>');
        this.containers.push([]);
        return;
      case 'member':
        if (parent !== 'struct') throw this.fail('<member> outside <struct>');
        this.memberNames[this.memberNames.length - 1] = undefined;
        return;
      case 'name':
        if (parent !== 'member') throw this.fail('<name> outside <member>');
        this.text = '';
        return;
      default:
        if (SCALARS.has(name)) {
          this.markTyped(name);
          this.scalar = name;
          this.text = '';
          return;
        }
        if (ENVELOPE.has(name)) {
          if (name === 'methodName') this.text = '';
          return;
        }
        throw this.fail(`unexpected <${name}>`);
    }
  }

  private markTyped(name: string): void {
    const depth = this.valueTyped.length;
    if (depth === 0 || this.tags[this.tags.length - 2] !== 'value') throw this.fail(`<${name}> outside <value>`);
    if (this.valueTyped[depth - 1]) throw this.fail(`two types in one <value>`);
    this.valueTyped[depth - 1] = true;
  }

  private onClose(name: string): void {
    const open = this.tags.pop();
    if (open !== name) throw this.fail(`</${name}> closes <${open ?? 'nothing'}>`);
    switch (name) {
      case 'value': {
        const typed = this.valueTyped.pop();
        const result = this.valueResult.pop();
        const text = this.text;
        this.text = '';
        this.emit(typed ? result : text); // bare text is a string
        return;
      }
      case 'data': {
        const items = this.containers.pop();
        this.pendingArray = items as unknown[];
        return;
      }
      case 'array': {
        const items = this.pendingArray ?? [];
        this.pendingArray = undefined;
        this.emit(items);
        return;
      }
      case 'struct':
        this.memberNames.pop();
        this.emit(this.containers.pop());
        return;
      case 'name':
        this.memberNames[this.memberNames.length - 1] = this.text;
        this.text = '';
        return;
      case 'member':
        return;
      case 'methodName':
        this.message.methodName = this.text.trim();
        this.text = '';
        return;
      default:
        if (this.scalar === name) {
          const text = this.text;
          this.scalar = undefined;
          this.text = '';
          this.emit(convertScalar(name, text, this));
        }
    }
  }

  private pendingArray: unknown[] | undefined;

  /** A finished value goes to whatever holds it: the enclosing <value>, an array, a member, a param. */
  private emit(value: unknown): void {
    const parent = this.tags.length ? this.tags[this.tags.length - 1] : undefined;
    switch (parent) {
      case 'value':
        this.valueResult[this.valueResult.length - 1] = value;
        return;
      case 'data':
        (this.containers[this.containers.length - 1] as unknown[]).push(value);
        return;
      case 'member': {
        const key = this.memberNames[this.memberNames.length - 1];
        if (key === undefined) throw this.fail('<member> value before its <name>');
        (this.containers[this.containers.length - 1] as Record<string, unknown>)[key] = value;
        return;
      }
      case 'param':
        this.message.params.push(value);
        return;
      case 'fault': {
        const fault = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
        this.message.fault = { faultCode: fault.faultCode, faultString: fault.faultString };
        return;
      }
      default:
        throw this.fail('value outside params');
    }
  }

  fail(detail: string): XapiError {
    this.done = true;
    return new XapiError(ClientErrorCode.MALFORMED_REPLY, [this.method, `XML-RPC: ${detail}`], this.method);
  }
}

function tagName(buf: string, from: number, to: number): string {
  let end = from;
  while (end < to) {
    const c = buf.charCodeAt(end);
    if (c === 32 || c === 9 || c === 10 || c === 13) break;
    end++;
  }
  return buf.slice(from, end);
}

function convertScalar(type: string, text: string, decoder: XmlRpcDecoder): unknown {
  switch (type) {
    case 'string': case 'base64': return text;
    case 'dateTime.iso8601': return text.trim();
    case 'nil': return null;
    case 'boolean': {
      const t = text.trim();
      if (t === '1' || t === 'true') return true;
      if (t === '0' || t === 'false') return false;
      throw decoder.fail(`bad boolean ${JSON.stringify(t.slice(0, 20))}`);
    }
    case 'double': {
      const t = text.trim().toLowerCase();
      // OCaml prints non-finite floats as nan / inf / -inf.
      if (t === 'nan' || t === '-nan') return NaN;
      if (t === 'inf' || t === 'infinity') return Infinity;
      if (t === '-inf' || t === '-infinity') return -Infinity;
      const n = t === '' ? NaN : Number(t);
      if (Number.isNaN(n)) throw decoder.fail(`bad double ${JSON.stringify(t.slice(0, 20))}`);
      return n;
    }
    default: { // int, i4, i8
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t)) throw decoder.fail(`bad integer ${JSON.stringify(t.slice(0, 20))}`);
      return Number(t);
    }
  }
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decodeEntities(raw: string, decoder: XmlRpcDecoder): string {
  return raw.replace(/&([^;&<]{0,10});?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw decoder.fail('unterminated entity');
    if (name in NAMED) return NAMED[name];
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (Number.isFinite(code) && code >= 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    }
    throw decoder.fail(`unknown entity &${name};`);
  });
}

/** One-shot decode of a whole document. */
export function decodeXmlRpc(text: string, method?: string): XmlRpcMessage {
  const decoder = new XmlRpcDecoder(method);
  decoder.write(text);
  return decoder.end();
}
