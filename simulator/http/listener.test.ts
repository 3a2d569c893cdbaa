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

  it('lets no other web origin read its answers: no CORS headers, on preflights or on calls', async () => {
    const base = sim.hosts[0].httpUrl;
    const preflight = await fetch(`${base}/jsonrpc`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('allow')).toContain('POST');
    expect([...preflight.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const call = await fetch(`${base}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: '{"jsonrpc":"2.0","method":"system.listMethods","params":[],"id":1}' });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('applies faults from the localhost control endpoint, with its bearer token', async () => {
    const base = sim.hosts[0].httpUrl;
    const control = (path: string, init: RequestInit = {}) => fetch(`${base}/sim/control/${path}`, { ...init, headers: { Authorization: `Bearer ${sim.controlToken}` } });
    const state = (await (await control('state')).json()) as { hosts: { name: string; alive: boolean }[] };
    expect(state.hosts.map((h) => h.name)).toContain('xcp-lab-02');
    await control('malformed', { method: 'POST', body: '{"on":true}' });
    const res = await fetch(`${base}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"system.listMethods","params":[],"id":1}' });
    await expect(res.json()).rejects.toThrow();
    await control('reset', { method: 'POST' });
    const s = await login(base);
    await control('invalidate-sessions', { method: 'POST' });
    await expect(rpc(base, 'VM.get_all', s)).rejects.toMatchObject({ code: 'SESSION_INVALID', params: [s] });
  });

  it('refuses the control endpoint without the token, or with another one, and changes nothing', async () => {
    const base = sim.hosts[0].httpUrl;
    const s = await login(base);
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${sim.controlToken}`, `Bearer ${sim.controlToken.slice(0, -1)}`]) {
      const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
      const res = await fetch(`${base}/sim/control/invalidate-sessions`, { method: 'POST', headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(`${base}/sim/control/state`, { headers })).status).toBe(401);
    }
    expect(await rpc(base, 'VM.get_all', s)).not.toHaveLength(0);
    expect(sim.controlToken).toMatch(/^[\w-]{32}$/);
  });
});
