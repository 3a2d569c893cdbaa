/**
 * Browser mode: the built renderer and the same backend, served to a plain browser on 127.0.0.1.
 *
 * One HTTP server on a loopback address and a free port serves dist/renderer with the app's CSP, and one
 * WebSocket (`/bridge`) carries the Bridge (shared/bridge-wire.ts frames). A WebSocket is only accepted
 * with the per-launch random token (compared in constant time) and with an Origin equal to the host's
 * own origin, so neither another local user's process without the token nor a web page open in the same
 * browser can drive the backend. The Host header is checked too, which defeats DNS rebinding.
 *
 * Hostile input: every request and upgrade enters through shared/listener-guard.ts (odd request targets
 * are a 400 before anything here runs, a failing handler a 500, never an exception out of the process), the
 * bridge socket has an explicit `maxPayload`, and what the host queues for a page that stops reading is
 * bounded (bridge-socket.ts).
 *
 * Plain Node: no `electron` import (the browser mode runs where Electron is not installed).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { guardHttpListener, refuseRequest, refuseSocket, type ParsedTarget } from '../shared/listener-guard';
import type { BridgeHost } from './backend/bridge-host';
import { mimeTypeOf, rendererSecurityHeaders, resolveRendererFile } from './backend/renderer-assets';
import { attachBridgeSocket } from './bridge-socket';

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
  /** Where a failing handler is reported (a refused request is not). */
  log?: (line: string) => void;
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
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Largest request head (request line and headers): a page's are well under 4 KiB. Above: 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** The built renderer is a few MB and does not change while the host runs (a rebuild is served from the next start): its files are read once. */
const FILE_CACHE_BYTES = 64 * 1024 * 1024;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.\d+\.\d+\.\d+$/.test(host)) throw new Error(`The web host binds loopback addresses only, not ${host}`);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenDigest = sha256(token);
  let origin = '';
  let authority = '';

  const headers = rendererSecurityHeaders(options.consoleTunnelPort);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  const files = new RendererFiles(options.rendererDir);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  guardHttpListener<IncomingMessage, ServerResponse, Duplex, Buffer>(server, {
    request(req, res, target) {
      if (req.headers.host !== authority) return refuseRequest(res, 421, 'Wrong Host header', headers);
      return serveRendererFile(files, headers, req, res, target);
    },
    upgrade(req, socket, head, target) {
      const problem =
        req.headers.host !== authority ? [421, 'Wrong Host header'] as const
        : target.pathname !== '/bridge' ? [404, 'Not found'] as const
        : req.headers.origin !== origin ? [403, 'Origin not allowed'] as const
        : !tokenMatches(target.searchParams.get('token'), tokenDigest) ? [401, 'Missing or wrong token'] as const
        : undefined;
      if (problem) return refuseSocket(socket, problem[0], problem[1]);
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        attachBridgeSocket(ws, options.backend, options.log);
      });
    },
  }, { log: options.log, replyHeaders: headers });

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

/**
 * The renderer's files, read from disk once each and then served from memory (up to FILE_CACHE_BYTES): a file
 * request costs no file-system round trip, so a page loads as fast under a flood of other requests as without.
 * Only files that exist are kept, so requests for made-up paths cannot fill the cache.
 */
class RendererFiles {
  private readonly cache = new Map<string, Buffer>();
  private cachedBytes = 0;

  constructor(private readonly dir: string) {}

  /** The file's bytes, or undefined when there is no such file. */
  async read(file: string): Promise<Buffer | undefined> {
    const kept = this.cache.get(file);
    if (kept) return kept;
    try {
      if (!(await stat(file)).isFile()) return undefined;
      const body = await readFile(file);
      if (this.cachedBytes + body.length <= FILE_CACHE_BYTES) {
        this.cache.set(file, body);
        this.cachedBytes += body.length;
      }
      return body;
    } catch {
      return undefined;
    }
  }

  resolve(urlPathname: string): string | undefined {
    return resolveRendererFile(this.dir, urlPathname);
  }
}

async function serveRendererFile(files: RendererFiles, headers: Readonly<Record<string, string>>, req: IncomingMessage, res: ServerResponse, target: ParsedTarget): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, headers, 405, 'Method not allowed');
  const file = files.resolve(target.pathname);
  if (!file) return refuse(res, headers, 400, 'Bad path');
  const body = await files.read(file);
  if (!body) return refuse(res, headers, 404, 'Not found');
  res.writeHead(200, {
    ...headers,
    'Content-Type': mimeTypeOf(file),
    'Content-Length': body.length,
    // Vite fingerprints assets; only index.html must be fetched fresh after a rebuild.
    'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'max-age=31536000, immutable',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function refuse(res: ServerResponse, headers: Readonly<Record<string, string>>, status: number, message: string): void {
  refuseRequest(res, status, message, headers);
}
