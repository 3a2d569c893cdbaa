/**
 * XAPI calls from the console spec to a demo pool, for what the app has no button for yet (live
 * migration): JSON-RPC over HTTPS to the pool master, its certificate checked against the pinned
 * fingerprint the demo pool publishes, as the app itself does.
 */
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { DemoPool } from '../electron/backend/demo-pools';

function rpc<T>(pool: DemoPool, method: string, params: unknown[]): Promise<T> {
  const url = new URL('/jsonrpc', pool.url);
  const body = JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 });
  const pin = pool.fingerprint256.replace(/:/g, '').toLowerCase();
  return new Promise<T>((resolve, reject) => {
    // The demo certificate is self-signed: it is trusted by its pinned fingerprint (checked before
    // anything is sent), not by a CA.
    const req = request(url, { method: 'POST', agent: false, rejectUnauthorized: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const reply = JSON.parse(text) as { result?: T; error?: { message: string; data?: unknown[] } };
        if (reply.error) reject(new Error(`${method}: ${reply.error.message} ${JSON.stringify(reply.error.data ?? [])}`));
        else resolve(reply.result as T);
      });
    });
    req.on('error', reject);
    req.on('socket', (socket) =>
      socket.once('secureConnect', () => {
        const seen = ((socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '').replace(/:/g, '').toLowerCase();
        if (seen === pin) req.end(body);
        else req.destroy(new Error(`${pool.url} presented a certificate other than the pinned one`));
      }),
    );
  });
}

export interface PoolSession {
  call<T>(method: string, ...params: unknown[]): Promise<T>;
  logout(): Promise<void>;
}

export async function loginToPool(pool: DemoPool): Promise<PoolSession> {
  const session = await rpc<string>(pool, 'session.login_with_password', [pool.user, pool.password, '1.0', 'xendeck-e2e-console']);
  return {
    call: (method, ...params) => rpc(pool, method, [session, ...params]),
    logout: () => rpc<void>(pool, 'session.logout', [session]),
  };
}
