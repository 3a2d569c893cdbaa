/**
 * One guarded entry for every HTTP listener XenDeck runs (the browser-mode web host, the console tunnel, the
 * embedded simulator's hosts) and one for every WebSocket: hostile or broken input gets an HTTP status or a
 * WebSocket close code, never an exception out of a handler, which in the app's process would take the app
 * down with it.
 *
 * `guardHttpListener(server, handlers)` installs the server's `request`, `upgrade`, `connect` and
 * `clientError` listeners:
 * - the request target is parsed once (request-target.ts) and anything odd is a 400 before a handler runs;
 *   handlers get the parsed target. The request was well framed, so the connection stays usable (a client
 *   flooding odd requests then costs the listener a parse and a short reply each, not a connection each); a
 *   `Transfer-Encoding` that does not end in `chunked` leaves the body's end unknown, so that 400 closes the
 *   connection, as RFC 9112 asks;
 * - an upgrade or CONNECT socket gets an `error` listener before its handler sees it (Node drops its own
 *   when it hands the socket over), and a listener without such a handler answers 404 / 405 itself;
 * - a handler that throws, or whose promise rejects, is answered 500 (or its socket destroyed when its reply
 *   has begun) and logged;
 * - a request the HTTP parser refuses (a malformed request line, headers over the server's `maxHeaderSize`,
 *   a timeout) is answered 400 / 431 / 408 and the connection closed; when a reply is already on its way on
 *   that connection, the socket is destroyed instead, so no reply is ever cut into another;
 * - those refusals, and the refused upgrades and CONNECTs, cost a connection each: they are paced per listener
 *   (refusal-pacer.ts), so a flood of them takes a bounded share of the thread.
 *
 * `guardWebSocket(ws)` gives a WebSocket its `error` listener: the `ws` library then closes a violating client
 * with the code RFC 6455 names (1009 message too big for the server's `maxPayload`, 1007 invalid UTF-8, 1002
 * a protocol error) and the other clients go on; without the listener the error would be thrown.
 *
 * Platform-neutral code: the servers and sockets come in, typed by the little of them used here, so the
 * simulator (which imports only shared/) and the Electron backend share this one guard.
 */
import { RefusalPacer, type RefusalPacerOptions } from './refusal-pacer';
import { parseRequestTarget, type RequestTarget } from './request-target';

export type ParsedTarget = Extract<RequestTarget, { ok: true }>;

export interface RequestLike {
  url?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface ResponseLike {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(body?: string): unknown;
  destroy(): unknown;
}

export interface SocketLike {
  readonly writable: boolean;
  end(data?: string): unknown;
  destroy(): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** What is used of a Node http(s).Server or a ws WebSocket: its event registration. */
export interface EmitterLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/** `Head` is what the server hands over with an upgrade or CONNECT (Node: a Buffer). */
export interface GuardedHttpHandlers<Req extends RequestLike, Res extends ResponseLike, Sock extends SocketLike, Head extends Uint8Array = Uint8Array> {
  request(req: Req, res: Res, target: ParsedTarget): unknown;
  /** GET with `Upgrade:`; absent: 404. The handler owns the socket: it answers (101 or an error) and closes it. */
  upgrade?(req: Req, socket: Sock, head: Head, target: ParsedTarget): unknown;
  /** CONNECT with an origin-form target (xapi's `CONNECT /console?…`); absent: 405. */
  connect?(req: Req, socket: Sock, head: Head, target: ParsedTarget): unknown;
}

export interface GuardOptions {
  /** Where a handler's failure is reported (a refused request is the client's problem and is not). */
  log?: (line: string) => void;
  /** Headers the guard's own 400 and 500 replies carry besides the status (e.g. the renderer's security headers). */
  replyHeaders?: Readonly<Record<string, string>>;
  /** How the guard's own refusals are paced under a flood (refusal-pacer.ts); one pacer per listener. */
  pacing?: RefusalPacerOptions;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  421: 'Misdirected Request',
  426: 'Upgrade Required',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Error';
}

/** A complete HTTP/1.1 reply for a raw socket (upgrade, CONNECT, parser errors), closing the connection. */
export function rawHttpReply(status: number, message: string, headers: Record<string, string> = {}): string {
  const body = `${message}\n`;
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `HTTP/1.1 ${status} ${statusText(status)}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${byteLength(body)}\r\n${extra}\r\n${body}`;
}

/** Answers a raw socket and closes it; a socket that can no longer be written is destroyed. */
export function refuseSocket(socket: SocketLike, status: number, message: string, headers?: Record<string, string>): void {
  if (socket.writable) socket.end(rawHttpReply(status, message, headers));
  else socket.destroy();
}

/** Answers a request with a short plain-text status; the connection stays usable (the request was well framed). */
export function refuseRequest(res: ResponseLike, status: number, message: string, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': byteLength(body) });
  res.end(body);
}

/** Runs `fn`; a throw or a rejected promise goes to `onError`, never further. */
export function runGuarded(fn: () => unknown, onError: (err: unknown) => void): void {
  const failed = (err: unknown) => {
    try {
      onError(err);
    } catch {
      // The error path itself failed (a socket gone meanwhile): nothing left to answer.
    }
  };
  try {
    const result = fn();
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(undefined, failed);
  } catch (err) {
    failed(err);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function guardHttpListener<Req extends RequestLike, Res extends ResponseLike, Sock extends SocketLike, Head extends Uint8Array = Uint8Array>(
  server: EmitterLike,
  handlers: GuardedHttpHandlers<Req, Res, Sock, Head>,
  options: GuardOptions = {},
): void {
  // The guard's refusals that cost a connection each (unparseable requests, refused upgrades) are paced. A
  // well-framed request with an odd target is answered at once and keeps its connection (a parked answer would
  // also let the parser run on into the request's body while the reply waits).
  const pacer = new RefusalPacer(options.pacing);
  const failedIn = (what: string, req: Req, err: unknown) => options.log?.(`${what} ${req.method ?? '?'} ${String(req.url).slice(0, 200)} failed: ${describe(err)}`);

  // Only the Transfer-Encoding refusal closes the connection: that body's end is unknown (see above).
  const closing = { ...options.replyHeaders, Connection: 'close' };
  server.on('request', (req: Req, res: Res) => {
    const target = parseRequestTarget(req.url);
    if (!target.ok) return refuseRequest(res, 400, target.reason, options.replyHeaders);
    const codings = req.headers['transfer-encoding'];
    if (codings !== undefined && !/(^|,)[ \t]*chunked[ \t]*$/i.test(String(codings))) return refuseRequest(res, 400, 'Transfer-Encoding must end with chunked', closing);
    runGuarded(() => handlers.request(req, res, target), (err) => {
      failedIn('request', req, err);
      refuseRequest(res, 500, 'Internal error', options.replyHeaders);
    });
  });

  const socketEntry = (kind: 'upgrade' | 'connect') => (req: Req, socket: Sock, head: Head) => {
    socket.on('error', () => socket.destroy());
    const target = parseRequestTarget(req.url);
    const refuse = (status: number, message: string) => pacer.refuse(() => refuseSocket(socket, status, message), () => socket.destroy());
    if (!target.ok) return refuse(400, target.reason);
    const handler = handlers[kind];
    if (!handler) return kind === 'upgrade' ? refuse(404, 'Nothing to upgrade to here') : refuse(405, 'CONNECT is not served here');
    runGuarded(() => handler.call(handlers, req, socket, head, target), (err) => {
      failedIn(kind, req, err);
      refuseSocket(socket, 500, 'Internal error');
    });
  };
  server.on('upgrade', socketEntry('upgrade'));
  server.on('connect', socketEntry('connect'));

  server.on('clientError', (err: Error & { code?: string }, socket: SocketLike & { _httpMessage?: unknown }) => {
    // A reply in flight on this connection (pipelined requests): writing now would cut into it.
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    pacer.refuse(() => refuseSocket(socket, status, status === 431 ? 'Request headers too large' : status === 408 ? 'Request timed out' : 'Malformed request'), () => socket.destroy());
  });
}

/** Gives a WebSocket the `error` listener without which a protocol violation would be thrown (see above). */
export function guardWebSocket(ws: EmitterLike, log?: (line: string) => void): void {
  ws.on('error', (err: Error) => log?.(`a WebSocket client was closed: ${describe(err)}`));
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
