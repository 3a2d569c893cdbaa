/**
 * The one error type of the client: XAPI's failure code and parameters, plus the method that failed.
 * Server failures keep XAPI's code (`SESSION_INVALID`, `VM_BAD_POWER_STATE`…); failures that happen on
 * our side of the wire use the client codes below, so the UI can tell "the pool said no" from "we could
 * not talk to the pool" and still show one code.
 */
export const ClientErrorCode = {
  /** The socket failed: refused, reset, DNS, TLS handshake. params: [host, detail] */
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  /** No answer within the HTTP timeout. params: [host, timeoutMs] */
  TIMEOUT: 'TIMEOUT',
  /** The call was aborted by the caller (disconnect). params: [host] */
  ABORTED: 'ABORTED',
  /** HTTP status other than 200. params: [host, status] */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The reply is larger than the transport's cap. params: [host, limitBytes] */
  REPLY_TOO_LARGE: 'REPLY_TOO_LARGE',
  /** The body could not be decoded (truncated, not XML/JSON, wrong envelope, nested too deep). params: [method, detail] */
  MALFORMED_REPLY: 'MALFORMED_REPLY',
  /** The host does not speak this RPC flavour (content type). params: [host, contentType] */
  UNSUPPORTED_TRANSPORT: 'UNSUPPORTED_TRANSPORT',
  /** The certificate is not pinned yet (first contact). params: [host, fingerprint256] */
  CERTIFICATE_UNKNOWN: 'CERTIFICATE_UNKNOWN',
  /** The certificate differs from the pinned one. params: [host, fingerprint256, pinnedFingerprint256] */
  CERTIFICATE_CHANGED: 'CERTIFICATE_CHANGED',
  /** No pool member answered as master. params: [addresses tried…] */
  NO_MASTER_FOUND: 'NO_MASTER_FOUND',
  /** A task disappeared before reaching a final status. params: [taskRef] */
  TASK_DESTROYED: 'TASK_DESTROYED',
  /** The client was disconnected while the call was waiting. params: [] */
  DISCONNECTED: 'DISCONNECTED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class XapiError extends Error {
  override readonly name = 'XapiError';
  constructor(
    readonly code: string,
    readonly params: string[] = [],
    readonly method?: string,
    message?: string,
  ) {
    super(message ?? (params.length ? `${code}(${params.join(', ')})` : code) + (method ? ` in ${method}` : ''));
  }

  /** Same failure, attributed to `method` (transports do not know which method they carry). */
  withMethod(method: string): XapiError {
    if (this.method === method) return this;
    const copy = new XapiError(this.code, this.params, method, this.message);
    Object.assign(copy, extraProperties(this));
    return copy;
  }

  /** Plain shape for the bridge: survives structured clone and JSON. */
  toJSON(): { code: string; params: string[]; method?: string; message: string } {
    return { code: this.code, params: this.params, method: this.method, message: this.message };
  }
}

function extraProperties(err: XapiError): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(err)) if (!['code', 'params', 'method', 'name', 'message'].includes(key)) own[key] = (err as unknown as Record<string, unknown>)[key];
  return own;
}

/** XAPI's ErrorDescription (`[code, ...params]`) as a typed error. */
export function errorFromDescription(description: unknown, method?: string): XapiError {
  if (!Array.isArray(description) || description.length === 0) {
    return new XapiError(ClientErrorCode.MALFORMED_REPLY, [method ?? '', 'failure without ErrorDescription'], method);
  }
  const [code, ...params] = description.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
  return new XapiError(code, params, method);
}

export const isXapiError = (err: unknown, code?: string): err is XapiError =>
  err instanceof XapiError && (code === undefined || err.code === code);

/** Errors where the host itself is unreachable (try another pool member), as opposed to a refusal. */
export function isUnreachable(err: unknown): boolean {
  return err instanceof XapiError && (
    err.code === ClientErrorCode.CONNECTION_FAILED || err.code === ClientErrorCode.TIMEOUT || err.code === ClientErrorCode.HTTP_ERROR
    // A host that has lost its master answers HOST_OFFLINE-like failures only when it is alive; unreachable is a socket matter.
  );
}

/** Errors that mean "the credentials are wrong": never fail over, never retry. */
export const isAuthenticationError = (err: unknown): boolean =>
  err instanceof XapiError && (err.code === 'SESSION_AUTHENTICATION_FAILED' || err.code === 'SESSION_AUTHORIZATION_FAILED' || err.code === 'RBAC_PERMISSION_DENIED');
