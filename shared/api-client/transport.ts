/**
 * What the client needs from the platform: post a body to a URL and get the status, content type
 * and body back. The Node implementation (electron/backend/connections/node-transport.ts) adds
 * keep-alive agents and certificate pinning; tests may wrap it to inject faults.
 *
 * Contract for implementations: network failures reject with an XapiError carrying a client code
 * (CONNECTION_FAILED, TIMEOUT, ABORTED, CERTIFICATE_UNKNOWN, CERTIFICATE_CHANGED; see xapi-error.ts);
 * any HTTP status resolves (the channel decides what a 404 or 500 means).
 */
export interface TransportRequest {
  /** Full URL, path included (`https://10.0.0.1/jsonrpc`). */
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Give up after this long; the transport rejects with TIMEOUT. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * `events` marks the event.from long poll: implementations keep it on its own socket so a
   * 30-second poll never queues ordinary calls behind it.
   */
  lane?: 'call' | 'events';
  /** Safe to send twice (reads, login, event calls): lets a transport retry on a stale keep-alive socket. */
  idempotent?: boolean;
}

export interface TransportResponse {
  status: number;
  /** The Content-Type header as sent ('' when absent). */
  contentType: string;
  /** Raw bytes, or text when the platform already has it decoded. */
  body: Uint8Array | string;
}

export interface Transport {
  post(request: TransportRequest): Promise<TransportResponse>;
}

const utf8 = new TextDecoder('utf-8');
export function bodyText(body: Uint8Array | string): string {
  return typeof body === 'string' ? body : utf8.decode(body);
}
