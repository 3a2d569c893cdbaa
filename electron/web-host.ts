/**
 * Browser mode: the built renderer and the same backend, served to a plain browser on 127.0.0.1.
 *
 * One HTTP server on a loopback address and a free port serves dist/renderer with the app's CSP, and one
 * WebSocket (`/bridge`) carries the Bridge (shared/bridge-wire.ts frames). A WebSocket is only accepted
 * with the per-launch random token (compared in constant time) and with an Origin equal to the host's
 * own origin, so neither another local user's process without the token nor a web page open in the same
 * browser can drive the backend. The Host header is checked too, which defeats DNS rebinding.
 *
 * Plain Node: no `electron` import (the browser mode runs where Electron is not installed).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RequestFrame, ServerFrame } from '../shared/bridge-wire';
import { toBridgeError } from '../shared/bridge-wire';
import { stringifyWithRawRecords } from '../shared/api-client/raw-record';
import type { BridgeHost } from './backend/bridge-host';
import { mimeTypeOf, rendererSecurityHeaders, resolveRendererFile } from './backend/renderer-assets';

export interface WebHostOptions {
  backend: BridgeHost;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** Fixed token (tests); default 32 random bytes. */
  token?: string;
  /** The backend's console tunnel port: the page's CSP allows WebSockets to it (and to this host) only. */
  consoleTunnelPort: number;
}

export interface WebHost {
  /** The address to open, with the token: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  /** `http://127.0.0.1:PORT`: the only Origin the bridge accepts. */
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Largest request frame accepted from a page; requests are small (mirror data flows the other way). */
const MAX_REQUEST_BYTES = 1024 * 1024;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.\d+\.\d+\.\d+$/.test(host)) throw new Error(`The web host binds loopback addresses only, not ${host}`);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenDigest = sha256(token);
  let origin = '';
  let authority = '';

  const headers = rendererSecurityHeaders(options.consoleTunnelPort);
  const server = createServer((req, res) => {
    if (req.headers.host !== authority) return refuse(res, headers, 421, 'Wrong Host header');
    void serveRendererFile(options.rendererDir, headers, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const problem =
      req.headers.host !== authority ? [421, 'Wrong Host header'] as const
      : url.pathname !== '/bridge' ? [404, 'Not found'] as const
      : req.headers.origin !== origin ? [403, 'Origin not allowed'] as const
      : !tokenMatches(url.searchParams.get('token'), tokenDigest) ? [401, 'Missing or wrong token'] as const
      : undefined;
    if (problem) {
      socket.end(`HTTP/1.1 ${problem[0]} ${problem[1]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      attachBridge(ws, options.backend);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  authority = `${host}:${port}`;
  origin = `http://${authority}`;

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time: both sides are hashed to the same length first, so neither length nor prefix leaks. */
function tokenMatches(candidate: string | null, expectedDigest: Buffer): boolean {
  return candidate !== null && timingSafeEqual(sha256(candidate), expectedDigest);
}

/** One WebSocket is one page (one tab's document): what it started ends when the socket closes (tab closed, reload, dropped). */
function attachBridge(ws: WebSocket, backend: BridgeHost): void {
  const send = (frame: ServerFrame) => {
    // The mirror's records go out as the JSON text they were loaded as (see raw-record.ts).
    if (ws.readyState === ws.OPEN) ws.send(stringifyWithRawRecords(frame));
  };
  const caller = backend.openCaller();
  const unsubscribe = backend.subscribe((event, payload) => send({ type: 'event', event, payload } as ServerFrame));
  ws.on('close', () => {
    unsubscribe();
    caller.end();
  });
  ws.on('message', (data, isBinary) => {
    const frame = isBinary ? undefined : parseRequestFrame(data.toString());
    if (!frame) {
      ws.close(1003, 'Expected a JSON request frame');
      return;
    }
    backend.request(frame.name, frame.args, caller).then(
      (result) => send({ type: 'response', id: frame.id, ok: true, result: result ?? null }),
      (err: unknown) => send({ type: 'response', id: frame.id, ok: false, error: toBridgeError(err) }),
    );
  });
}

function parseRequestFrame(text: string): RequestFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const f = value as Partial<RequestFrame> | null;
  if (!f || f.type !== 'request' || !Number.isSafeInteger(f.id) || typeof f.name !== 'string') return undefined;
  return { type: 'request', id: f.id as number, name: f.name, args: f.args };
}

async function serveRendererFile(rendererDir: string, headers: Readonly<Record<string, string>>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, headers, 405, 'Method not allowed');
  const file = resolveRendererFile(rendererDir, new URL(req.url ?? '/', 'http://x').pathname);
  if (!file) return refuse(res, headers, 400, 'Bad path');
  try {
    if (!(await stat(file)).isFile()) return refuse(res, headers, 404, 'Not found');
    const body = await readFile(file);
    res.writeHead(200, {
      ...headers,
      'Content-Type': mimeTypeOf(file),
      'Content-Length': body.length,
      // Vite fingerprints assets; only index.html must be fetched fresh after a rebuild.
      'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    refuse(res, headers, 404, 'Not found');
  }
}

function refuse(res: ServerResponse, headers: Readonly<Record<string, string>>, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(message);
}
