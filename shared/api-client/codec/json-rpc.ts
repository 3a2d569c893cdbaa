/**
 * JSON-RPC codec for XAPI's `POST /jsonrpc`. Requests are JSON-RPC 2.0; replies may be 2.0
 * (`{jsonrpc, result | error:{code, message: XAPI_CODE, data: params}, id}`) or 1.0 (`result` and
 * `error`, one of them null). Decoding goes straight through JSON.parse, except for get_all_records
 * replies the mirror loads: those are checked and cut into per-record texts (raw-json.ts), which is
 * cheaper than any parse into objects.
 */
import { ClientErrorCode, XapiError, errorFromDescription } from '../xapi-error';
import { checkDepth, tooDeepError } from './depth-limit';
import { JsonNestingError, readRecordMapReply } from './raw-json';

export function encodeJsonRpcRequest(method: string, params: readonly unknown[], id: number | string): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params, id });
}

/** The server side of the same protocol: used by round-trip tests and by anyone embedding a fake. */
export function encodeJsonRpcResponse(id: number | string, outcome: { result: unknown } | { error: { code: string; params: string[] } }): string {
  if ('result' in outcome) return JSON.stringify({ jsonrpc: '2.0', result: outcome.result, id });
  return JSON.stringify({ jsonrpc: '2.0', error: { code: 1, message: outcome.error.code, data: outcome.error.params }, id });
}

export function decodeJsonRpcRequest(text: string): { method: string; params: unknown[]; id: number | string } {
  const parsed = parseJson(text, 'request');
  if (!isObject(parsed) || typeof parsed.method !== 'string' || !Array.isArray(parsed.params)) {
    throw new XapiError(ClientErrorCode.MALFORMED_REPLY, ['request', 'not a JSON-RPC request']);
  }
  return { method: parsed.method, params: parsed.params, id: parsed.id as number | string };
}

/** Decodes a reply: the result, or throws the XAPI failure (typed) or MALFORMED_REPLY (also for values nested too deep). */
export function decodeJsonRpcResponse(text: string, method: string): unknown {
  const reply = parseJson(text, method);
  checkDepth(reply, method);
  return resultOf(reply, method);
}

/**
 * Decodes a `get_all_records` reply keeping each record as JSON text (RawRecord): the same checks
 * and errors as decodeJsonRpcResponse, without building 40 MB of objects nobody in this process reads.
 */
export function decodeJsonRpcRecordMapResponse(text: string, method: string): unknown {
  let reply: unknown;
  try {
    reply = readRecordMapReply(text);
  } catch (err) {
    if (err instanceof JsonNestingError) throw tooDeepError(method);
    throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, `invalid JSON: ${(err as Error).message}`], method);
  }
  return resultOf(reply, method);
}

function resultOf(reply: unknown, method: string): unknown {
  if (!isObject(reply)) throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, 'reply is not an object'], method);
  const error = reply.error;
  if (error !== undefined && error !== null) throw errorFromJsonRpc(error, method);
  if (!('result' in reply)) throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, 'reply has neither result nor error'], method);
  return reply.result;
}

function errorFromJsonRpc(error: unknown, method: string): XapiError {
  // 2.0: {code, message: "SESSION_INVALID", data: [params]}
  if (isObject(error) && typeof error.message === 'string') {
    const data = Array.isArray(error.data) ? error.data : error.data === undefined || error.data === null ? [] : [error.data];
    return errorFromDescription([error.message, ...data], method);
  }
  // 1.0 servers put the ErrorDescription list itself in `error`.
  if (Array.isArray(error)) return errorFromDescription(error, method);
  if (typeof error === 'string') return errorFromDescription([error], method);
  return new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, 'unrecognised error member'], method);
}

function parseJson(text: string, method: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, `invalid JSON: ${(err as Error).message}`], method);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
