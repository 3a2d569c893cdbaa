/**
 * HTTP route registry shared by every host listener: plain handlers (GET /rrd_updates…), CONNECT tunnels
 * (CONNECT /console?…) and WebSocket upgrades (GET /console with Upgrade: websocket).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Simulator, PoolSim, SimHost } from '../core';
import type { ObjectDb } from '../db/object-db';
import type { Sessions, Session } from '../sessions';
import type { SimClock } from '../clock';
import { parseRequestTarget } from '../../shared/request-target';
import { XapiError, toXapiError } from '../xapi-error';

export interface RouteContext {
  host: SimHost;
  pool: PoolSim;
  db: ObjectDb;
  sessions: Sessions;
  clock: SimClock;
  sim: Simulator;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => void | Promise<void>;
export type SocketHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RouteContext) => void | Promise<void>;

export class RouteRegistry {
  private httpRoutes = new Map<string, HttpHandler>();
  private connectRoutes = new Map<string, SocketHandler>();
  private upgradeRoutes = new Map<string, SocketHandler>();

  http(method: string, path: string, handler: HttpHandler): void {
    this.httpRoutes.set(`${method.toUpperCase()} ${path}`, handler);
  }
  connect(path: string, handler: SocketHandler): void {
    this.connectRoutes.set(path, handler);
  }
  upgrade(path: string, handler: SocketHandler): void {
    this.upgradeRoutes.set(path, handler);
  }

  findHttp(method: string, path: string): HttpHandler | undefined {
    return this.httpRoutes.get(`${method.toUpperCase()} ${path}`);
  }
  findConnect(path: string): SocketHandler | undefined {
    return this.connectRoutes.get(path);
  }
  findUpgrade(path: string): SocketHandler | undefined {
    return this.upgradeRoutes.get(path);
  }
}

/**
 * The request URL, path and query (CONNECT sends a path too: `CONNECT /console?uuid=… HTTP/1.0`). The listener's
 * guard has refused every target this cannot read, so the throw is for a handler called some other way.
 */
export function requestUrl(req: IncomingMessage): URL {
  const target = parseRequestTarget(req.url);
  if (!target.ok) throw new XapiError('INTERNAL_ERROR', [`bad request target: ${target.reason}`]);
  return target.url;
}

/** The session of an HTTP request: `?session_id=` first, then the `session_id` cookie, as xapi accepts both. */
export function sessionFromRequest(req: IncomingMessage, ctx: RouteContext): Session {
  const fromQuery = requestUrl(req).searchParams.get('session_id');
  let id = fromQuery ?? undefined;
  if (!id) {
    const cookie = req.headers.cookie ?? '';
    const m = /(?:^|;\s*)session_id=([^;]+)/.exec(cookie);
    if (m) id = decodeURIComponent(m[1]);
  }
  return ctx.sessions.check(id);
}

/** Answers an HTTP request that failed with an XAPI error (xapi's HTTP handlers answer 401/403/404/500). */
export function sendXapiHttpError(res: ServerResponse, err: unknown): void {
  const e = toXapiError(err);
  const status = e.code === 'SESSION_INVALID' || e.code === 'SESSION_AUTHENTICATION_FAILED' ? 401
    : e.code === 'HANDLE_INVALID' || e.code === 'UUID_INVALID' ? 404 : 500;
  if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(`${e.description.join(' ')}\n`);
}

export { XapiError };
