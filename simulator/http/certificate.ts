/**
 * The simulated hosts' TLS certificates: self-signed, generated on first run into <stateDir>/tls/ and reused,
 * like a XenServer host's /etc/xensource/xapi-ssl.pem. As on a real pool, every host has its own
 * (`tls/hosts/<host uuid>.crt`), published to clients as a `Certificate` record of type `host`
 * (scenarios/host-certificates.ts). `loadOrCreateCertificate` is the one certificate every host of a run
 * shares in the `shared` mode (servers from before the Certificate class, the `dump` scenario).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface ServerCertificate {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, `AB:CD:…` (what xapi puts in Certificate.fingerprint). */
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
}

/** Loopback addresses written into the certificate (per-host loopback IPs start at 127.0.0.1). */
function altNames(): { type: 2 | 7; value?: string; ip?: string }[] {
  const names: { type: 2 | 7; value?: string; ip?: string }[] = [{ type: 2, value: 'localhost' }];
  for (let i = 1; i <= 64; i++) names.push({ type: 7, ip: `127.0.0.${i}` });
  names.push({ type: 7, ip: '::1' });
  return names;
}

function describe(cert: string, key: string): ServerCertificate {
  const x509 = new X509Certificate(cert);
  return { cert, key, fingerprint256: x509.fingerprint256, notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) };
}

async function loadOrCreate(dir: string, name: string, commonName: string, keyType: 'rsa' | 'ec'): Promise<ServerCertificate> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  if (existsSync(certFile) && existsSync(keyFile)) return describe(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType,
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: keyType === 'rsa' },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: altNames() },
    ],
  });
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return describe(pems.cert, pems.private);
}

/** The certificate every host shares in the `shared` mode (`tls/server.crt`, as earlier runs made it). */
export function loadOrCreateCertificate(stateDir: string): Promise<ServerCertificate> {
  return loadOrCreate(join(stateDir, 'tls'), 'server', 'xendeck-simulator', 'rsa');
}

/**
 * One host's own certificate, `tls/hosts/<uuid>.crt`, its common name the host's name as xapi writes it.
 * An EC P-256 key rather than xapi's RSA 2048: tests start simulators in fresh state folders all the time,
 * and an RSA key costs ~0.3 s per host to generate where an EC key costs ~20 ms. Clients see no difference
 * (trust is by fingerprint).
 */
export function loadOrCreateHostCertificate(stateDir: string, host: { uuid: string; name: string }): Promise<ServerCertificate> {
  const file = host.uuid.replace(/[^A-Za-z0-9-]/g, '_');
  return loadOrCreate(join(stateDir, 'tls', 'hosts'), file, host.name || host.uuid, 'ec');
}
