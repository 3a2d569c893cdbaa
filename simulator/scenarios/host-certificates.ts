/**
 * Publishes each host's TLS certificate the way xapi ≥ 1.290 (XenServer 8.2, XCP-ng 8.2) does: one
 * `Certificate` record of type `host` per host (its SHA-256 `fingerprint`, validity and `host`), listed in
 * `host.certificates`. Clients trust pool members by these records over the master's session (XenCenter,
 * Xen Orchestra). Run after the listeners have their certificates; a host's older record is replaced.
 */
import type { PoolSim } from '../core';
import { xapiDateTime } from '../datetime';

export function publishHostCertificates(pool: PoolSim): void {
  const db = pool.db;
  for (const host of pool.hosts) {
    const cert = host.certificate;
    if (!cert) continue;
    // host.certificates is kept here: the simulator's relation table does not link Certificate.host.
    const previous = (db.get('host', host.ref).certificates as string[]).filter((ref) => db.has('Certificate', ref) && db.get('Certificate', ref).type === 'host');
    for (const ref of previous) db.destroy('Certificate', ref);
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
}
