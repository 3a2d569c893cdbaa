/** connectVerified over real TLS sockets: pinned trust, and session resumption only for accepted peers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate, type ServerCertificate } from '../../../simulator/http/certificate';
import { connectVerified, type ResumableSession } from './verified-tls';

let dir: string;
let cert: ServerCertificate;
let server: tls.Server;
let port: number;
const resumed: boolean[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xendeck-tls-'));
  cert = await loadOrCreateCertificate(dir);
  server = tls.createServer({ cert: cert.cert, key: cert.key }, (socket) => {
    resumed.push(socket.isSessionReused());
    socket.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** One connection: what verify saw, and the session it handed out (if any). */
function connect(accept: boolean, resume?: ResumableSession): Promise<{ fingerprint: string; error?: Error; session?: ResumableSession }> {
  return new Promise((resolve) => {
    let fingerprint = '';
    let fresh: ResumableSession | undefined;
    connectVerified({ host: '127.0.0.1', port }, (error, socket) => {
      if (error) return resolve({ fingerprint, error });
      socket!.on('data', () => undefined);
      socket!.on('end', () => setImmediate(() => resolve({ fingerprint, session: fresh })));
    }, (peer) => {
      fingerprint = peer.fingerprint256;
      return accept ? null : new Error('not trusted');
    }, { resume, onSession: (s) => { fresh = s; } });
  });
}

describe('connectVerified', () => {
  it('resumes the session of an accepted peer, and still shows verify its certificate', async () => {
    resumed.length = 0;
    const first = await connect(true);
    expect(first.fingerprint).toBe(cert.fingerprint256);
    expect(first.session?.session).toBeInstanceOf(Buffer);
    const second = await connect(true, first.session);
    expect(second.fingerprint).toBe(cert.fingerprint256);
    expect(resumed).toEqual([false, true]);
  });

  it('hands out no session for a refused peer', async () => {
    const refused = await connect(false);
    expect(refused.error?.message).toBe('not trusted');
    expect(refused.session).toBeUndefined();
  });
});
