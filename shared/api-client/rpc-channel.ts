/**
 * One RPC flavour over an injected transport: JSON-RPC on `/jsonrpc`, XML-RPC on `/`.
 * In `auto` mode the first call tries JSON-RPC and falls back to XML-RPC for good when the host
 * answers anything but JSON (XenServer 6.x / XCP 1.x answer text/xml or 404 there). Unlike xen-api,
 * `application/json; charset=utf-8` counts as JSON.
 */
import { decodeJsonRpcRecordMapResponse, decodeJsonRpcResponse, encodeJsonRpcRequest } from './codec/json-rpc';
import { encodeXmlRpcCall } from './codec/xml-rpc-encode';
import { decodeXapiXmlRpcResponse } from './codec/xapi-envelope';
import { XAPI_FLOAT_PARAMS } from '../xapi/generated/wire';
import { bodyText, type Transport, type TransportResponse } from './transport';
import { ClientErrorCode, XapiError } from './xapi-error';

export type RpcProtocol = 'json-rpc' | 'xml-rpc';

export interface RpcCallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  lane?: 'call' | 'events';
  /** A get_all_records map: over JSON-RPC its records stay JSON text (codec/raw-json.ts). XML-RPC decodes as usual. */
  recordsAsText?: boolean;
}

export class RpcChannel {
  private nextId = 1;
  private detected: RpcProtocol | undefined;

  constructor(
    private readonly transport: Transport,
    readonly mode: 'auto' | RpcProtocol = 'auto',
  ) {
    if (mode !== 'auto') this.detected = mode;
  }

  /** The protocol in use, once known. */
  get protocol(): RpcProtocol | undefined {
    return this.detected;
  }

  async call(baseUrl: string, method: string, params: readonly unknown[], options: RpcCallOptions): Promise<unknown> {
    if (this.detected === 'xml-rpc') return this.callXml(baseUrl, method, params, options);
    const reply = await this.post(baseUrl, '/jsonrpc', 'application/json', encodeJsonRpcRequest(method, params, this.nextId++), method, options);
    const type = mediaType(reply.contentType);
    if (type === 'application/json') {
      this.detected = 'json-rpc';
      const text = bodyText(reply.body);
      return options.recordsAsText ? decodeJsonRpcRecordMapResponse(text, method) : decodeJsonRpcResponse(text, method);
    }
    if (this.detected === undefined && (type === 'text/xml' || type === 'application/xml' || reply.status === 404 || reply.status === 405 || reply.status === 501)) {
      const result = await this.callXml(baseUrl, method, params, options);
      this.detected = 'xml-rpc';
      return result;
    }
    throw replyError(reply, baseUrl, method, 'application/json');
  }

  private async callXml(baseUrl: string, method: string, params: readonly unknown[], options: RpcCallOptions): Promise<unknown> {
    const body = encodeXmlRpcCall(method, params, XAPI_FLOAT_PARAMS[method.replace(/^Async\./, '')]);
    const reply = await this.post(baseUrl, '/', 'text/xml', body, method, options);
    const type = mediaType(reply.contentType);
    if (type !== 'text/xml' && type !== 'application/xml') throw replyError(reply, baseUrl, method, 'text/xml');
    return decodeXapiXmlRpcResponse(bodyText(reply.body), method);
  }

  private async post(baseUrl: string, path: string, contentType: string, body: string, method: string, options: RpcCallOptions): Promise<TransportResponse> {
    try {
      return await this.transport.post({
        url: baseUrl + path,
        headers: { 'Content-Type': contentType, Accept: contentType },
        body,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        lane: options.lane,
        idempotent: IDEMPOTENT.test(method),
      });
    } catch (err) {
      if (err instanceof XapiError) throw err.withMethod(method);
      throw new XapiError(ClientErrorCode.CONNECTION_FAILED, [baseUrl, String((err as Error)?.message ?? err)], method);
    }
  }
}

/** Calls that change nothing (or only open a session / read events) may be sent again after a stale socket. */
const IDEMPOTENT = /^(system\.|session\.login|event\.(from|next|inject)$|[A-Za-z_]+\.get_)/;

const mediaType = (contentType: string): string => contentType.split(';')[0].trim().toLowerCase();

function replyError(reply: TransportResponse, baseUrl: string, method: string, expected: string): XapiError {
  if (reply.status !== 200) return new XapiError(ClientErrorCode.HTTP_ERROR, [baseUrl, String(reply.status)], method);
  return new XapiError(ClientErrorCode.UNSUPPORTED_TRANSPORT, [baseUrl, reply.contentType || '(none)', expected], method);
}
