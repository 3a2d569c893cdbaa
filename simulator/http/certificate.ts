/**
 * The simulator's TLS certificate: self-signed, generated on first run into <stateDir>/tls/ and reused,
 * like a XenServer host's /etc/xensource/xapi-ssl.pem. One certificate serves every simulated host.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface ServerCertificate { cert: string; key: string; fingerprint256: string }

/** Loopback addresses written into the certificate (per-host loopback IPs start at 127.0.0.1). */
function altNames(): { type: 2 | 7; value?: string; ip?: string }[] {
  const names: { type: 2 | 7; value?: string; ip?: string }[] = [{ type: 2, value: 'localhost' }];
  for (let i = 1; i <= 64; i++) names.push({ type: 7, ip: `127.0.0.${i}` });
  names.push({ type: 7, ip: '::1' });
  return names;
}

export async function loadOrCreateCertificate(stateDir: string): Promise<ServerCertificate> {
  const dir = join(stateDir, 'tls');
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256 };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = await generate([{ name: 'commonName', value: 'xendeck-simulator' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: altNames() },
    ],
  });
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}
