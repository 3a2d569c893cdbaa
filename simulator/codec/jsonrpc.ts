/**
 * JSON-RPC 1.0 and 2.0 server codec (POST /jsonrpc). Values inside the simulator are already JSON-shaped
 * (int64 as numbers, datetimes as XAPI strings), so encoding is JSON.stringify plus a cache of serialized
 * records, which keeps VM.get_all_records on 5,000 VMs cheap.
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import { ProtocolError } from './protocol-error';

export interface JsonCall { method: string; params: unknown[]; id: unknown; version: '1.0' | '2.0' }

export function decodeJsonRpcCall(body: string): JsonCall {
  let msg: unknown;
  try {
    msg = JSON.parse(body);
  } catch (err) {
    throw new ProtocolError(`invalid JSON: ${(err as Error).message}`, 'JSON', 'malformed JSON');
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw new ProtocolError('request is not an object', 'object', typeof msg);
  const m = msg as Record<string, unknown>;
  if (typeof m.method !== 'string' || m.method === '') throw new ProtocolError('missing method', 'method', typeof m.method);
  const params = m.params === undefined ? [] : m.params;
  if (!Array.isArray(params)) throw new ProtocolError('params must be an array', 'array', typeof params);
  return { method: m.method, params, id: m.id ?? null, version: m.jsonrpc === '2.0' ? '2.0' : '1.0' };
}

const recordCache = new WeakMap<object, string>();
/**
 * Encoded ref-keyed maps of records, as UTF-8 bytes ready for the socket: get_all_records hands out
 * the same map object until its class changes, so a 17 MB VM map is built and encoded once, not
 * once per client load.
 */
const recordMapCache = new WeakMap<object, Buffer>();

function jsonRecord(rec: object): string {
  let s = recordCache.get(rec);
  if (s === undefined) {
    s = JSON.stringify(rec);
    recordCache.set(rec, s);
  }
  return s;
}

/** Serializes a result; records (alone or as the values of a ref-keyed map) come from the cache. */
export function jsonValue(v: unknown, t: XapiType | undefined): string {
  if (v === undefined) return '""';
  if (t?.k === 'record' && v !== null && typeof v === 'object') return jsonRecord(v);
  if (isRecordMap(v, t)) return encodedRecordMap(v).toString('utf8');
  if (t?.k === 'void') return '""';
  return JSON.stringify(v);
}

function isRecordMap(v: unknown, t: XapiType | undefined): v is object {
  return t?.k === 'map' && t.value.k === 'record' && v !== null && typeof v === 'object';
}

function encodedRecordMap(v: object): Buffer {
  let bytes = recordMapCache.get(v);
  if (bytes === undefined) {
    const parts: string[] = [];
    for (const [k, r] of Object.entries(v as Record<string, object>)) parts.push(`${JSON.stringify(k)}:${jsonRecord(r)}`);
    bytes = Buffer.from(`{${parts.join(',')}}`, 'utf8');
    recordMapCache.set(v, bytes);
  }
  return bytes;
}

/** A success reply as the bytes to send: a record map goes out as its cached bytes, between the envelope's. */
export function jsonSuccessBytes(call: Pick<JsonCall, 'id' | 'version'>, value: unknown, t: XapiType | undefined): Buffer[] {
  const [head, tail] = envelope(call);
  const body = isRecordMap(value, t) ? encodedRecordMap(value) : Buffer.from(jsonValue(value, t), 'utf8');
  return [Buffer.from(head, 'utf8'), body, Buffer.from(tail, 'utf8')];
}

function envelope(call: Pick<JsonCall, 'id' | 'version'>): [string, string] {
  const id = JSON.stringify(call.id ?? null);
  return call.version === '2.0' ? ['{"jsonrpc":"2.0","result":', `,"id":${id}}`] : ['{"result":', `,"error":null,"id":${id}}`];
}

/** 2.0: {code, message: XAPI code, data: params}; 1.0: error is the ErrorDescription list, as xapi's rpc-light writes it. */
export function jsonFailure(call: Pick<JsonCall, 'id' | 'version'>, description: readonly string[], code = 1): string {
  const [message, ...data] = description;
  if (call.version === '2.0') return JSON.stringify({ jsonrpc: '2.0', error: { code, message, data }, id: call.id ?? null });
  return JSON.stringify({ result: null, error: description, id: call.id ?? null });
}
