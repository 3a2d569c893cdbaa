/**
 * Host side of the Performance e2e harness, used until the app shell mounts object tabs: the demo simulator, the
 * real MetricsService (pinned HTTPS to the hosts, shared feeds) and a small HTTP server for the page: Bridge
 * requests as POST /bridge/<name>, `metrics.update` events as server-sent events, and a mirror snapshot of the
 * classes the tab reads (VM, host, SR, message).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { MetricsService } from '../electron/backend/metrics/metrics-service';
import type { MetricsUpdate } from '../shared/bridge';
import { startSimulator } from '../simulator/index';

export async function startPerformanceHarness(): Promise<{ url: string; stop(): Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-e2e-perf-'));
  const sim = await startSimulator({ scenario: 'demo', stateDir, seed: 7 });
  const rpc = async <T>(method: string, params: unknown[]): Promise<T> => {
    const res = await fetch(`${sim.hosts[0].httpUrl}/jsonrpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string; data: string[] } };
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.message, params: body.error.data ?? [] });
    return body.result as T;
  };
  const session = await rpc<string>('session.login_with_password', ['root', sim.password, '1.0', 'xendeck-e2e']);
  const call = <T>(method: string, params: unknown[]) => rpc<T>(method, [session, ...params]);

  const streams = new Set<ServerResponse>();
  const metrics = new MetricsService({
    connections: {
      call: (_id, method, params) => call(method, params),
      endpoint: async () => ({ sessionId: session, pinnedFingerprint256: sim.hosts[0].fingerprint256, address: new URL(sim.url).host }),
    },
    emit: (u: MetricsUpdate) => {
      for (const res of streams) res.write(`data: ${JSON.stringify(u)}\n\n`);
    },
  });

  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'performance-harness-page.tsx')],
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    write: false,
    outdir: '/out',
    loader: { '.css': 'css' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const file = (ext: string) => bundle.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  const script = file('.js');
  const css = file('.css');
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>XenDeck performance</title><link rel="stylesheet" href="/app.css"></head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>';

  const classes = ['VM', 'host', 'SR', 'message'];
  const handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
    'metrics.subscribe': async (a) => metrics.subscribe(a as never),
    'metrics.setVisible': async (a) => metrics.setVisible(String(a.subscriptionId), Boolean(a.visible)),
    'metrics.unsubscribe': async (a) => metrics.unsubscribe(String(a.subscriptionId)),
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    try {
      if (url.pathname === '/app.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
      if (url.pathname === '/app.css') return void res.writeHead(200, { 'Content-Type': 'text/css' }).end(css);
      if (url.pathname === '/events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.write(': open\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (url.pathname === '/mirror') {
        const added: Record<string, Record<string, unknown>> = {};
        for (const cls of classes) added[cls] = await call<Record<string, unknown>>(`${cls}.get_all_records`, []);
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ connectionId: 'demo', reset: true, added, modified: {}, removed: {} }));
      }
      const m = /^\/bridge\/([\w.]+)$/.exec(url.pathname);
      if (m && req.method === 'POST') {
        const handler = handlers[m[1]];
        const args = JSON.parse((await body(req)) || 'null') as Record<string, unknown>;
        try {
          if (!handler) throw Object.assign(new Error(`Unknown request ${m[1]}`), { code: 'BRIDGE_UNKNOWN_REQUEST', params: [m[1]] });
          const result = await handler(args);
          return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ result: result ?? null }));
        } catch (err) {
          const e = err as { code?: string; params?: string[]; message: string };
          return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: e.code ?? 'INTERNAL_ERROR', params: e.params ?? [], message: e.message } }));
        }
      }
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async stop() {
      for (const s of streams) s.end();
      await metrics.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (data += d));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
