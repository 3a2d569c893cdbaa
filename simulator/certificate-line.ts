/**
 * The CLI's sentence about the hosts' TLS certificates, read from what the run actually serves (each host's
 * fingerprint and the Certificate records clients can read), so it stays true for every scenario and mode:
 * one host or many, `per-host` or `shared` certificates, demo pools or a loaded database.
 */
import type { Simulator } from './core';

export function describeCertificates(sim: Simulator): string {
  const hosts = sim.pools.flatMap((p) => p.hosts);
  const fingerprints = new Set(hosts.map((h) => h.fingerprint256));
  const published = hosts.filter((h) => {
    const db = h.pool.db;
    return (db.get('host', h.ref).certificates as string[]).some((ref) => {
      const cert = db.find('Certificate', ref);
      return cert?.type === 'host' && cert.host === h.ref && cert.fingerprint === h.fingerprint256;
    });
  }).length;
  const one = hosts.length === 1;
  if (fingerprints.size === hosts.length && published === hosts.length) {
    return `certificates: ${one ? "the host's own" : 'one per host'}, published as ${one ? 'a Certificate record' : 'Certificate records'} (type host); SHA-256 fingerprint${one ? '' : 's'} below`;
  }
  if (fingerprints.size === 1 && published === 0) {
    const [fp] = fingerprints;
    return one
      ? `certificates: one (SHA-256 fingerprint ${fp}), not published as a Certificate record (as on servers before XenServer 8.2)`
      : `certificates: one shared by every host (SHA-256 fingerprint ${fp}), no Certificate records (as on servers before XenServer 8.2)`;
  }
  return `certificates: ${fingerprints.size} different for ${hosts.length} hosts, ${published} published as Certificate records; SHA-256 fingerprints below`;
}
