/**
 * Host side of the console e2e harness: the demo simulator, the real console tunnel with its XAPI
 * opener (CONNECT /console, pinned TLS), and a small HTTP server for the page that implements the
 * Bridge requests the Console tab uses (console.open, console.close, xapi.callAsync).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ConsoleTunnelService } from '../electron/backend/console-tunnel/console-tunnel';
import { xapiConsoleOpener } from '../electron/backend/console-tunnel/xapi-console-opener';
import { startSimulator, type RunningSimulator } from '../simulator/index';

export interface ConsoleHarness {
  url: string;
  sim: RunningSimulator;
  stop(): Promise<void>;
}

export async function startConsoleHarness(): Promise<ConsoleHarness> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-e2e-console-'));
  const sim = await startSimulator({ scenario: 'demo', stateDir, seed: 7, timeScale: 10 });
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

  let origin = '';
  const tunnel = new ConsoleTunnelService({
    openConsoleSocket: xapiConsoleOpener({
      call: (_id, method, params) => call(method, params),
      endpoint: async () => ({ sessionId: session, pinnedFingerprint256: sim.hosts[0].fingerprint256, address: new URL(sim.url).host }),
    }),
    isOriginAllowed: (o) => o === origin,
  });
  await tunnel.start();

  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'console-harness-page.tsx')],
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>XenDeck console</title><style>body{margin:0;font-family:sans-serif}</style></head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>';

  const handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
    'console.open': (a) => tunnel.open(String(a.connectionId), String(a.vmRef)),
    'console.close': async (a) => tunnel.close(String(a.tunnelId)),
    'xapi.callAsync': (a) => call(`Async.${String(a.method)}`, a.params as unknown[]),
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    try {
      if (url.pathname === '/app.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
      if (url.pathname === '/vm') {
        const [ref] = await call<string[]>('VM.get_by_name_label', [url.searchParams.get('name')]);
        const rec = await call<{ name_label: string; power_state: string; consoles: string[] }>('VM.get_record', [ref]);
        let consoleLocation: string | undefined;
        for (const c of rec.consoles) {
          const cr = await call<{ protocol: string; location: string }>('console.get_record', [c]).catch(() => undefined);
          if (cr?.protocol === 'rfb') consoleLocation = cr.location;
        }
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ref, name: rec.name_label, powerState: rec.power_state, consoleLocation }));
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
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: origin,
    sim,
    async stop() {
      await tunnel.stop();
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
