/**
 * Browser mode's host over real sockets: the Bridge over the WebSocket works with the per-launch token
 * and the page's own Origin, and is refused without the token, with a wrong one, from another Origin or
 * through another Host name; the renderer is served with the CSP and nothing outside its folder is.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AppInfo, ConnectionInfo } from '../shared/bridge';
import type { ServerFrame } from '../shared/bridge-wire';
import { createBridgeHost, EventHub, type BridgeHandlers } from './backend/bridge-host';
import { contentSecurityPolicy } from './backend/renderer-assets';

/** The console tunnel port this host's CSP names (nothing listens there in these tests). */
const TUNNEL_PORT = 47123;
const CONTENT_SECURITY_POLICY = contentSecurityPolicy(TUNNEL_PORT);
import { startWebHost, type WebHost } from './web-host';

const info: AppInfo = { name: 'XenDeck', version: '1.2.3', mode: 'browser', platform: 'linux', secretStorage: 'user-file' };
const events = new EventHub();
const connects: unknown[] = [];
// The requests these tests make; any other name is still checked against the Bridge schemas first.
const handlers = {
  'app.info': async () => info,
  'connections.connect': async (a: { id: string }) => void connects.push(a),
} as unknown as BridgeHandlers;

let dir: string;
let host: WebHost;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-web-host-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>XenDeck</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  host = await startWebHost({ backend: createBridgeHost(handlers, events), rendererDir: join(dir, 'renderer'), consoleTunnelPort: TUNNEL_PORT });
});
afterAll(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the bridge socket; resolves with it once open, or with the HTTP status the upgrade was refused with. */
function openBridge(opts: { token?: string | null; origin?: string; hostHeader?: string; path?: string } = {}): Promise<{ ws?: WebSocket; refusedWith?: number }> {
  const url = new URL(opts.path ?? '/bridge', host.origin.replace('http:', 'ws:'));
  const token = opts.token === undefined ? host.token : opts.token;
  if (token !== null) url.searchParams.set('token', token);
  const headers: Record<string, string> = {};
  if (opts.hostHeader) headers.Host = opts.hostHeader;
  const ws = new WebSocket(url, { origin: opts.origin ?? host.origin, headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refusedWith: res.statusCode });
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

/** Sends one request frame and waits for its response frame. */
function ask(ws: WebSocket, id: number, name: string, args: unknown): Promise<ServerFrame> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.type === 'response' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'request', id, name, args }));
  });
}

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // A raw request path: URL parsing in a client would normalise `..` away before it reached the host.
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the bridge WebSocket', () => {
  it('listens on loopback only, and the URL it prints carries the token', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.url).toBe(`${host.origin}/?token=${encodeURIComponent(host.token)}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers a request made with the token from the page origin', async () => {
    const { ws } = await openBridge();
    expect(ws).toBeDefined();
    expect(await ask(ws!, 1, 'app.info', undefined)).toEqual({ type: 'response', id: 1, ok: true, result: info });
    expect(await ask(ws!, 2, 'connections.connect', { id: 'c1' })).toEqual({ type: 'response', id: 2, ok: true, result: null });
    expect(connects).toContainEqual({ id: 'c1' });
    ws!.close();
  });

  it('pushes backend events to the connected page', async () => {
    const { ws } = await openBridge();
    const next = new Promise<ServerFrame>((resolve) => ws!.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()) as ServerFrame)));
    const list: ConnectionInfo[] = [];
    events.emit('connections.changed', list);
    expect(await next).toEqual({ type: 'event', event: 'connections.changed', payload: [] });
    ws!.close();
  });

  it('refuses a socket without the token', async () => {
    expect(await openBridge({ token: null })).toEqual({ refusedWith: 401 });
  });

  it('refuses a socket with a wrong token, even one that shares its prefix', async () => {
    expect(await openBridge({ token: 'not-the-token' })).toEqual({ refusedWith: 401 });
    expect(await openBridge({ token: host.token.slice(0, -1) })).toEqual({ refusedWith: 401 });
    expect(await openBridge({ token: `${host.token}x` })).toEqual({ refusedWith: 401 });
  });

  it('refuses a socket from another Origin even with the token (a web page open in the same browser)', async () => {
    expect(await openBridge({ origin: 'https://evil.example' })).toEqual({ refusedWith: 403 });
    expect(await openBridge({ origin: `http://localhost:${host.port}` })).toEqual({ refusedWith: 403 });
    expect(await openBridge({ origin: 'null' })).toEqual({ refusedWith: 403 });
  });

  it('refuses a socket through another Host name (DNS rebinding)', async () => {
    expect(await openBridge({ hostHeader: `attacker.example:${host.port}`, origin: `http://attacker.example:${host.port}` })).toEqual({ refusedWith: 421 });
  });

  it('refuses sockets on other paths', async () => {
    expect(await openBridge({ path: '/console' })).toEqual({ refusedWith: 404 });
  });

  it('answers invalid arguments and unknown requests with the bridge error codes', async () => {
    const { ws } = await openBridge();
    expect(await ask(ws!, 1, 'connections.connect', { id: 42 })).toMatchObject({ ok: false, error: { code: 'BRIDGE_INVALID_ARGUMENTS' } });
    expect(await ask(ws!, 2, 'process.exit', undefined)).toMatchObject({ ok: false, error: { code: 'BRIDGE_UNKNOWN_REQUEST' } });
    ws!.close();
  });

  it('closes a socket that sends something other than a request frame', async () => {
    const { ws } = await openBridge();
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)));
    ws!.send('{"type":"hello"}');
    expect(await closed).toBe(1003);
  });
});

describe('the renderer files', () => {
  it('serves index.html at / with the CSP and security headers', async () => {
    const res = await get('/', { Host: `127.0.0.1:${host.port}` });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>XenDeck</title>');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    // WebSockets to this host (the bridge, 'self') and to the one console tunnel port, no other loopback port.
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${TUNNEL_PORT};`);
    expect(res.headers['content-security-policy']).not.toMatch(/:\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('serves bundle files with their MIME type and the CSP', async () => {
    const res = await get('/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses paths that leave the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/index.html%00.js']) {
      const res = await get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body, path).not.toContain('outside the renderer');
      expect(res.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('answers 404 for missing files and refuses other Host names and methods', async () => {
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/', { Host: 'attacker.example' })).status).toBe(421);
    const post = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(post).toBe(405);
  });

  it('will not bind to a non-loopback address', async () => {
    await expect(startWebHost({ backend: createBridgeHost(handlers, events), rendererDir: join(dir, 'renderer'), host: '0.0.0.0', consoleTunnelPort: TUNNEL_PORT })).rejects.toThrow(/loopback/);
  });
});
