/**
 * XML-RPC request decoder (methodCall → method name + untyped params), streaming with saxes: no DOM,
 * bounded depth, and any malformed input becomes a ProtocolError.
 * Untyped decoding: <int>/<i4>/<i8> → number, bare text and <string> → string, <double> → number,
 * <boolean> → boolean, <dateTime.iso8601> → its text (XAPI datetimes are strings inside the simulator).
 * Argument types are applied afterwards from the datamodel (rpc/argument-types.ts).
 */
import { SaxesParser } from 'saxes';
import { ProtocolError } from './protocol-error';

export interface DecodedCall { method: string; params: unknown[] }

const MAX_DEPTH = 64;

type Frame =
  | { kind: 'value'; value: unknown; hasTyped: boolean; text: string }
  | { kind: 'array'; items: unknown[] }
  | { kind: 'struct'; obj: Record<string, unknown> }
  | { kind: 'member'; name: string | undefined; value: unknown; has: boolean }
  | { kind: 'scalar'; tag: string; text: string }
  | { kind: 'other'; tag: string; text: string };

function scalar(tag: string, text: string): unknown {
  switch (tag) {
    case 'string': return text;
    case 'int': case 'i4': case 'i8': {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t)) throw new ProtocolError(`bad ${tag}`, tag, t);
      const n = Number(t);
      return Number.isSafeInteger(n) ? n : t;
    }
    case 'double': {
      const t = text.trim();
      const n = Number(t);
      if (t === '' || (Number.isNaN(n) && t.toLowerCase() !== 'nan')) throw new ProtocolError('bad double', 'double', t);
      return n;
    }
    case 'boolean': {
      const t = text.trim();
      if (t === '1' || t === 'true') return true;
      if (t === '0' || t === 'false') return false;
      throw new ProtocolError('bad boolean', 'boolean', t);
    }
    case 'dateTime.iso8601': return text.trim();
    case 'base64': return Buffer.from(text.trim(), 'base64').toString('utf8');
    case 'nil': return null;
    default: throw new ProtocolError(`unknown value type <${tag}>`, 'value type', tag);
  }
}

export function decodeXmlRpcCall(body: string): DecodedCall {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const stack: Frame[] = [];
  const path: string[] = [];
  let method: string | undefined;
  let methodText = '';
  const params: unknown[] = [];
  let inParam = false;

  const deliver = (v: unknown) => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (!inParam) throw new ProtocolError('value outside <param>', 'param', 'value');
      params.push(v);
      return;
    }
    if (top.kind === 'array') top.items.push(v);
    else if (top.kind === 'member') { top.value = v; top.has = true; }
    else throw new ProtocolError('misplaced <value>', 'value', top.kind);
  };

  parser.on('opentag', (tag) => {
    const name = tag.name;
    path.push(name);
    if (path.length > MAX_DEPTH) throw new ProtocolError('nesting too deep', 'shallower XML', 'deep');
    if (path.length === 1 && name !== 'methodCall') throw new ProtocolError('not a methodCall', 'methodCall', name);
    const top = stack[stack.length - 1];
    switch (name) {
      case 'value': stack.push({ kind: 'value', value: undefined, hasTyped: false, text: '' }); break;
      case 'array': stack.push({ kind: 'array', items: [] }); break;
      case 'struct': stack.push({ kind: 'struct', obj: Object.create(null) as Record<string, unknown> }); break;
      case 'member':
        if (top?.kind !== 'struct') throw new ProtocolError('<member> outside <struct>', 'struct', top?.kind ?? 'none');
        stack.push({ kind: 'member', name: undefined, value: undefined, has: false });
        break;
      case 'data':
        if (top?.kind !== 'array') throw new ProtocolError('<data> outside <array>', 'array', top?.kind ?? 'none');
        break;
      case 'param': inParam = true; break;
      case 'methodCall': case 'methodName': case 'params': break;
      case 'name':
        if (top?.kind !== 'member') throw new ProtocolError('<name> outside <member>', 'member', top?.kind ?? 'none');
        stack.push({ kind: 'other', tag: 'name', text: '' });
        break;
      default:
        if (top?.kind !== 'value') throw new ProtocolError(`unexpected <${name}>`, 'value', name);
        stack.push({ kind: 'scalar', tag: name, text: '' });
    }
  });

  parser.on('text', (text) => {
    const top = stack[stack.length - 1];
    if (path[path.length - 1] === 'methodName') methodText += text;
    else if (top && (top.kind === 'scalar' || top.kind === 'other')) top.text += text;
    else if (top?.kind === 'value') top.text += text;
  });
  parser.on('cdata', (text) => {
    const top = stack[stack.length - 1];
    if (top && (top.kind === 'scalar' || top.kind === 'other' || top.kind === 'value')) top.text += text;
  });

  parser.on('closetag', (tag) => {
    const name = tag.name;
    path.pop();
    if (name === 'methodName') { method = methodText.trim(); return; }
    if (name === 'param') { inParam = false; return; }
    if (['methodCall', 'params', 'data'].includes(name)) return;
    const frame = stack.pop();
    if (!frame) throw new ProtocolError(`unbalanced </${name}>`, 'element', name);
    const top = stack[stack.length - 1];
    switch (frame.kind) {
      case 'scalar':
        if (top?.kind !== 'value') throw new ProtocolError('scalar outside value', 'value', name);
        top.value = scalar(frame.tag, frame.text);
        top.hasTyped = true;
        break;
      case 'array': case 'struct': {
        if (top?.kind !== 'value') throw new ProtocolError(`<${name}> outside value`, 'value', name);
        top.value = frame.kind === 'array' ? frame.items : { ...frame.obj };
        top.hasTyped = true;
        break;
      }
      case 'other':
        if (top?.kind === 'member') top.name = frame.text;
        break;
      case 'member':
        if (top?.kind !== 'struct' || frame.name === undefined || !frame.has) throw new ProtocolError('incomplete <member>', 'name and value', 'member');
        top.obj[frame.name] = frame.value;
        break;
      case 'value':
        // XML-RPC: a <value> with no type element is a string.
        deliver(frame.hasTyped ? frame.value : frame.text);
        break;
    }
  });

  try {
    parser.write(body).close();
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError(err instanceof Error ? err.message : String(err), 'well-formed XML', 'malformed XML');
  }
  if (method === undefined || method === '') throw new ProtocolError('missing methodName', 'methodName', 'nothing');
  return { method, params };
}
