/**
 * Everything a host listener answers: XML-RPC (POST /, /RPC2, /xmlrpc), JSON-RPC (POST /jsonrpc),
 * OPTIONS, then the route registry (RRD, console, control endpoint, extensions).
 *
 * No CORS: xapi answers `Access-Control-Allow-Origin: *` (for browser clients served from elsewhere), but this
 * simulator runs inside the app on loopback, and no web page open in the user's browser may drive it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SimHost } from '../core';
import { decodeXmlRpcCall } from '../codec/xmlrpc-decode';
import { xmlFailure, xmlSuccess, xmlValue } from '../codec/xmlrpc-encode';
import { decodeJsonRpcCall, jsonFailure, jsonSuccessBytes } from '../codec/jsonrpc';
import { ProtocolError } from '../codec/protocol-error';
import { dispatch } from '../rpc/dispatch';
import { toXapiError } from '../xapi-error';
import { refuseSocket, type ParsedTarget } from '../../shared/listener-guard';
import type { ListenerHandlers } from './listener';
import { sendXapiHttpError, type RouteContext } from './routes';

const XML_PATHS = new Set(['/', '/RPC2', '/xmlrpc']);
const JSON_PATHS = new Set(['/jsonrpc', '/json']);
const MAX_BODY = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function routeContext(host: SimHost): RouteContext {
  const pool = host.pool;
  return { host, pool, db: pool.db, sessions: pool.sessions, clock: host.sim.clock, sim: host.sim };
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer[]): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    // Clients test these headers exactly (xen-api: `application/json`, `text/xml`).
    'Content-Type': contentType,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.reduce((n, b) => n + b.length, 0),
  });
  if (typeof body === 'string') res.end(body);
  else {
    for (const part of body) res.write(part);
    res.end();
  }
}

async function handleRpc(host: SimHost, req: IncomingMessage, res: ServerResponse, json: boolean): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    send(res, 413, 'text/plain', 'request body too large\n');
    return;
  }
  const faults = host.sim.faults;
  if (faults.malformed) {
    // Fault injection: a reply that is not what the content type promises.
    send(res, 200, json ? 'application/json' : 'text/xml', json ? '{"jsonrpc":"2.0","result":' : '<?xml version="1.0"?><methodResponse><params><param><value><struct>');
    return;
  }
  if (json) {
    let call;
    try {
      call = decodeJsonRpcCall(body);
    } catch (err) {
      const e = err as ProtocolError;
      send(res, 200, 'application/json', JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error', data: [e.message] }, id: null }));
      return;
    }
    try {
      const { value, type } = await dispatch(host, call.method, call.params);
      send(res, 200, 'application/json', jsonSuccessBytes(call, value, type));
    } catch (err) {
      send(res, 200, 'application/json', jsonFailure(call, toXapiError(err).description));
    }
    return;
  }
  let call;
  try {
    call = decodeXmlRpcCall(body);
  } catch (err) {
    const e = err instanceof ProtocolError ? err : new ProtocolError(String(err));
    send(res, 200, 'text/xml', xmlFailure(['XMLRPC_UNMARSHAL_FAILURE', e.expected, e.received.slice(0, 200)]));
    return;
  }
  try {
    const { value, type } = await dispatch(host, call.method, call.params);
    send(res, 200, 'text/xml', xmlSuccess(xmlValue(value, type)));
  } catch (err) {
    send(res, 200, 'text/xml', xmlFailure(toXapiError(err).description));
  }
}

export function hostHandlers(host: SimHost): ListenerHandlers {
  const request = async (req: IncomingMessage, res: ServerResponse, target: ParsedTarget) => {
    try {
      const delay = host.sim.faults.delayMs;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const path = target.pathname;
      const method = req.method ?? 'GET';
      if (method === 'OPTIONS' && (path === '/' || JSON_PATHS.has(path))) {
        // What the API paths take; without Access-Control-* headers a browser's cross-origin preflight fails (see above).
        res.writeHead(200, { Allow: 'POST, GET, OPTIONS', 'Content-Length': '0' });
        res.end();
        return;
      }
      if (method === 'POST') {
        const contentType = String(req.headers['content-type'] ?? '');
        if (JSON_PATHS.has(path) || (path === '/' && contentType.startsWith('application/json'))) return await handleRpc(host, req, res, true);
        if (XML_PATHS.has(path)) return await handleRpc(host, req, res, false);
      }
      const route = host.sim.routes.findHttp(method, path) ?? (method === 'HEAD' ? host.sim.routes.findHttp('GET', path) : undefined);
      if (route) return await route(req, res, routeContext(host));
      send(res, 404, 'text/plain', `no handler for ${method} ${path}\n`);
    } catch (err) {
      sendXapiHttpError(res, err);
    }
  };
  const socketRoute = (kind: 'connect' | 'upgrade') => async (req: IncomingMessage, socket: Duplex, head: Buffer, target: ParsedTarget) => {
    const handler = kind === 'connect' ? host.sim.routes.findConnect(target.pathname) : host.sim.routes.findUpgrade(target.pathname);
    if (!handler) return refuseSocket(socket, 404, `no handler for ${kind === 'connect' ? 'CONNECT' : 'upgrade of'} ${target.pathname}`);
    try {
      await handler(req, socket, head, routeContext(host));
    } catch (err) {
      const e = toXapiError(err);
      refuseSocket(socket, e.code === 'SESSION_INVALID' ? 401 : 500, e.description.join(' '));
    }
  };
  return { request, connect: socketRoute('connect'), upgrade: socketRoute('upgrade') };
}
