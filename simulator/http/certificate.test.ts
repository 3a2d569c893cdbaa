/** Host certificates as a client meets them: each host its own, published as Certificate records, kept across runs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../index';
import { login, rpc } from '../contract/json-rpc-client';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xendeck-sim-certs-'));
  dirs.push(dir);
  return dir;
}

/** The SHA-256 fingerprint the host at `url` presents in its TLS handshake. */
function presented(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

type Rec = Record<string, unknown>;

describe('host certificates', () => {
  it('gives every host its own certificate, publishes it as a Certificate record of type host, and keeps it for the next run', async () => {
    const stateDir = newDir();
    const sim = await startSimulator({ scenario: 'demo', seed: 3, stateDir });
    const first = sim.hosts.map((h) => h.fingerprint256);
    try {
      expect(new Set(first).size).toBe(sim.hosts.length);
      for (const h of sim.hosts) expect(await presented(h.url)).toBe(h.fingerprint256);
      for (const pool of sim.pools) {
        const base = pool.pool.master.httpUrl;
        const session = await login(base);
        const certificates = (await rpc(base, 'Certificate.get_all_records', session)) as Record<string, Rec>;
        const hosts = (await rpc(base, 'host.get_all_records', session)) as Record<string, Rec>;
        expect(Object.keys(certificates)).toHaveLength(Object.keys(hosts).length);
        for (const [ref, host] of Object.entries(hosts)) {
          const mine = Object.entries(certificates).filter(([, c]) => c.host === ref);
          expect(mine).toHaveLength(1);
          const [certRef, cert] = mine[0];
          expect(host.certificates).toEqual([certRef]);
          const simHost = sim.hosts.find((h) => h.uuid === host.uuid)!;
          expect(cert).toMatchObject({ type: 'host', fingerprint: simHost.fingerprint256 });
          expect(String(cert.not_after) > String(cert.not_before)).toBe(true);
        }
      }
    } finally {
      await sim.stop();
    }
    const again = await startSimulator({ scenario: 'demo', seed: 3, stateDir });
    try {
      expect(again.hosts.map((h) => h.fingerprint256)).toEqual(first);
    } finally {
      await again.stop();
    }
  });

  it('serves one certificate for every host and publishes none in the shared mode (servers before XenServer 8.2)', async () => {
    const sim = await startSimulator({ scenario: 'demo', seed: 3, stateDir: newDir(), certificates: 'shared' });
    try {
      expect(new Set(sim.hosts.map((h) => h.fingerprint256)).size).toBe(1);
      expect(await presented(sim.hosts[1].url)).toBe(sim.hosts[0].fingerprint256);
      const base = sim.hosts[0].httpUrl;
      expect(await rpc(base, 'Certificate.get_all_records', await login(base))).toEqual({});
    } finally {
      await sim.stop();
    }
  });
});
