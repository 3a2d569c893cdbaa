/**
 * Publishes each host's TLS certificate the way xapi ≥ 1.290 (XenServer 8.2, XCP-ng 8.2) does: one
 * `Certificate` record of type `host` per host (its SHA-256 `fingerprint`, validity and `host`), listed in
 * `host.certificates`. Clients trust pool members by these records over the master's session (XenCenter,
 * Xen Orchestra). Run after the listeners have their certificates; a host's older record is replaced.
 */
import type { PoolSim } from '../core';
import { xapiDateTime } from '../datetime';

/** Returns the host certificate records it replaced (a loaded database's, for instance). */
export function publishHostCertificates(pool: PoolSim): string[] {
  const db = pool.db;
  const replaced: string[] = [];
  for (const host of pool.hosts) {
    const cert = host.certificate;
    if (!cert) continue;
    // host.certificates is kept here: the simulator's relation table does not link Certificate.host.
    const previous = (db.get('host', host.ref).certificates as string[]).filter((ref) => db.has('Certificate', ref) && db.get('Certificate', ref).type === 'host');
    for (const ref of previous) db.destroy('Certificate', ref);
    replaced.push(...previous);
    const ref = db.create('Certificate', {
      name: '',
      type: 'host',
      host: host.ref,
      not_before: xapiDateTime(cert.notBefore.getTime()),
      not_after: xapiDateTime(cert.notAfter.getTime()),
      fingerprint: cert.fingerprint256,
    });
    const kept = (db.get('host', host.ref).certificates as string[]).filter((r) => !previous.includes(r) && db.has('Certificate', r));
    db.update('host', host.ref, { certificates: [...kept, ref] });
  }
  return replaced;
}

/**
 * With one certificate shared by every host, no host publishes one: host certificate records a loaded
 * database brings (its hosts' real certificates, not what the simulator serves) are withdrawn, so a client
 * never checks a host against a fingerprint it does not serve. Returns the records removed.
 */
export function withdrawHostCertificates(pool: PoolSim): string[] {
  const db = pool.db;
  const removed: string[] = [];
  for (const host of pool.hosts) {
    const certs = db.get('host', host.ref).certificates as string[];
    const stale = certs.filter((ref) => db.find('Certificate', ref)?.type === 'host' && db.get('Certificate', ref).fingerprint !== host.fingerprint256);
    if (!stale.length) continue;
    for (const ref of stale) db.destroy('Certificate', ref);
    db.update('host', host.ref, { certificates: certs.filter((r) => !stale.includes(r)) });
    removed.push(...stale);
  }
  return removed;
}
