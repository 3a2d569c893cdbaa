/** The host listener as a client meets it: HTTP and HTTPS on one port, garbage bodies, routes, control endpoint. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import fc from 'fast-check';
import { startTestSimulator } from '../contract/harness';
import { login, rpc } from '../contract/json-rpc-client';
import { sessionFromRequest } from './routes';

let sim: Awaited<ReturnType<typeof startTestSimulator>>;

beforeAll(async () => {
  sim = await startTestSimulator({
    extensions: [(s) => s.routes.http('GET', '/whoami', (req, res, ctx) => {
      try {
        const session = sessionFromRequest(req, ctx);
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`${session.user}@${ctx.host.name}`);
      } catch (err) {
        res.writeHead(401).end(String((err as Error).message));
      }
    })],
  });
});
afterAll(() => sim.cleanup());

function httpsGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false, headers }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerX509Certificate() as X509Certificate;
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint: cert.fingerprint256 }));
    }).on('error', reject);
  });
}

describe('host listener', () => {
  it('gives every host its own address, HTTP and HTTPS on the same port, with the announced certificate', async () => {
    expect(new Set(sim.hosts.map((h) => h.address)).size).toBe(sim.hosts.length);
    const s = await login(sim.hosts[0].httpUrl);
    const res = await httpsGet(`${sim.hosts[1].url}/whoami?session_id=${s}`);
    expect(res).toMatchObject({ status: 200, body: 'root@xcp-prod-02', fingerprint: sim.hosts[1].fingerprint256 });
  });

  it('accepts the session from a session_id cookie on HTTP routes and refuses a dead one', async () => {
    const s = await login(sim.hosts[0].httpUrl);
    const ok = await fetch(`${sim.hosts[0].httpUrl}/whoami`, { headers: { cookie: `session_id=${s}` } });
    expect(await ok.text()).toBe('root@xcp-prod-01');
    const bad = await fetch(`${sim.hosts[0].httpUrl}/whoami`, { headers: { cookie: 'session_id=OpaqueRef:dead' } });
    expect(bad.status).toBe(401);
  });

  it('answers garbage bodies with a clean protocol error and keeps serving', async () => {
    const base = sim.hosts[0].httpUrl;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('/', '/jsonrpc', '/RPC2'), async (body, path) => {
        const res = await fetch(base + path, { method: 'POST', body, headers: { 'Content-Type': path === '/jsonrpc' ? 'application/json' : 'text/xml' } });
        expect(res.status).toBe(200);
        const text = await res.text();
        if (path === '/jsonrpc') expect(JSON.parse(text)).toHaveProperty('error');
        else expect(text).toContain('<name>Status</name><value>Failure</value>');
      }),
      { numRuns: 60 },
    );
    expect(await rpc(base, 'system.listMethods')).toContain('VM.get_all_records');
  });

  it('answers CORS preflights on / and /jsonrpc', async () => {
    const res = await fetch(`${sim.hosts[0].httpUrl}/jsonrpc`, { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('applies faults from the localhost control endpoint', async () => {
    const base = sim.hosts[0].httpUrl;
    const state = (await (await fetch(`${base}/sim/control/state`)).json()) as { hosts: { name: string; alive: boolean }[] };
    expect(state.hosts.map((h) => h.name)).toContain('xcp-lab-02');
    await fetch(`${base}/sim/control/malformed`, { method: 'POST', body: '{"on":true}' });
    const res = await fetch(`${base}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"system.listMethods","params":[],"id":1}' });
    await expect(res.json()).rejects.toThrow();
    await fetch(`${base}/sim/control/reset`, { method: 'POST' });
    const s = await login(base);
    await fetch(`${base}/sim/control/invalidate-sessions`, { method: 'POST' });
    await expect(rpc(base, 'VM.get_all', s)).rejects.toMatchObject({ code: 'SESSION_INVALID', params: [s] });
  });
});
