/**
 * Trust of every host of one connection's pool. On a real pool each host has its own certificate
 * (xapi-ssl.pem per host), so pinning the address the user added is not enough: the console of a VM
 * on a member, a member's performance graphs and the failover probes all meet other certificates.
 * As XenCenter and Xen Orchestra do, a member is trusted by the fingerprint the pool itself publishes
 * over the already-trusted master session (XAPI's `Certificate` class, in the client's mirror):
 *
 *  1. a peer presenting the certificate pinned for its own address (or a demo pool's) is trusted;
 *  2. a pool member (the address of a host record in the mirror) presenting the fingerprint of a
 *     `type: host` Certificate record of that host is trusted, without asking;
 *  3. a pool member presenting a certificate this connection already trusts for one of its pinned
 *     addresses holds the same key: trusted (servers before XenServer 8.2 have no Certificate class,
 *     and their pools often share one certificate);
 *  4. otherwise as before: unknown (the user is asked), or `changed` when the address is pinned to
 *     another certificate or the pool names another one for that host.
 *
 * The mirror is only ever filled over a session whose certificate passed these checks, so what it
 * says about the pool's hosts is as trusted as the master.
 */
import { siblingUrl } from '../../../shared/api-client/address';
import type { XapiObject } from '../../../shared/api-client/change-set';
import { certificateHostKeyOfUrl, type PeerCertificate, type TrustAnswer, type TrustPolicy } from './node-transport';
import { normaliseFingerprint, sameFingerprint, type PinnedTrust } from './pinned-trust';

/** What the trust needs of a connection's client: where the master is, and the mirror. */
export interface PoolMirror {
  /** Base URL of the master in use: members' addresses without a port take its scheme and port. */
  readonly masterUrl: string;
  readonly objects: { records(cls: string): Map<string, XapiObject> };
}

/**
 * The fingerprints the pool publishes for the host at `hostKey` (host:port as pins are keyed):
 * the `type: host` Certificate records of that host. Undefined when no host of the pool has that address.
 */
export function publishedFingerprints(pool: PoolMirror, hostKey: string): string[] | undefined {
  let found: string[] | undefined;
  let certificates: Map<string, XapiObject> | undefined;
  for (const [ref, host] of pool.objects.records('host')) {
    if (typeof host.address !== 'string' || !host.address || memberKey(pool.masterUrl, host.address) !== hostKey) continue;
    found ??= [];
    const listed = new Set(Array.isArray(host.certificates) ? host.certificates : []);
    // Servers without the Certificate class have none: the map is empty.
    certificates ??= pool.objects.records('Certificate');
    for (const [certRef, cert] of certificates) {
      if (!listed.has(certRef) && cert.host !== ref) continue;
      // `type` came with xapi 1.313; earlier Certificate records are all host certificates (its default).
      if ((cert.type ?? 'host') !== 'host' || typeof cert.fingerprint !== 'string' || !cert.fingerprint) continue;
      found.push(cert.fingerprint);
    }
  }
  return found;
}

function memberKey(masterUrl: string, address: string): string | undefined {
  try {
    return certificateHostKeyOfUrl(siblingUrl(masterUrl, address));
  } catch {
    return undefined; // an address we could not dial anyway
  }
}

export class PoolTrust implements TrustPolicy {
  /** Fingerprints accepted by a pin (or the demo pre-trust) on this connection: rule 3. */
  private readonly anchors = new Set<string>();

  constructor(
    private readonly pins: PinnedTrust,
    /** The connection's client once it exists (its mirror may still be empty). */
    private readonly pool: () => PoolMirror | undefined,
  ) {}

  verify(host: string, certificate: PeerCertificate): Promise<TrustAnswer> {
    return this.check(host, certificate.fingerprint256);
  }

  /** The decision for a fingerprint seen at `hostKey` (host:port), for callers that make their own TLS connections. */
  async check(hostKey: string, fingerprint256: string): Promise<TrustAnswer> {
    const pinned = await this.pins.check(hostKey, fingerprint256);
    if (pinned === 'trusted') {
      this.anchors.add(normaliseFingerprint(fingerprint256));
      return pinned;
    }
    const pool = this.pool();
    const published = pool && publishedFingerprints(pool, hostKey);
    if (!published) return pinned;
    if (published.some((fp) => sameFingerprint(fp, fingerprint256))) return 'trusted';
    if (this.anchors.has(normaliseFingerprint(fingerprint256))) return 'trusted';
    // The pool names another certificate for this host: as loud as a changed pin, never a quiet first use.
    if (pinned === 'unknown' && published.length) return { verdict: 'changed', pinnedFingerprint256: published[0] };
    return pinned;
  }

  /** The fingerprint `hostKey` is trusted with: its pin, else what the pool publishes for it, else the demo's. */
  async fingerprintOf(hostKey: string): Promise<string | undefined> {
    const pinned = await this.pins.pinnedFingerprint(hostKey);
    if (pinned) return pinned;
    const pool = this.pool();
    return (pool && publishedFingerprints(pool, hostKey)?.[0]) ?? this.pins.preTrustedFingerprint;
  }
}

/** A refusal in words, for the console tunnel and host HTTP requests (which have no prompt). */
export function describeRefusal(hostKey: string, fingerprint256: string, answer: TrustAnswer): string {
  const expected = typeof answer === 'string' ? undefined : answer.pinnedFingerprint256;
  return expected
    ? `The certificate of ${hostKey} (SHA-256 ${fingerprint256}) is not the one trusted for this host (${expected}): it may have been replaced, or someone is intercepting the connection`
    : `The certificate of ${hostKey} (SHA-256 ${fingerprint256}) is neither pinned nor published by the pool for this host`;
}

/** Why a host's certificate was refused: the params of a CERTIFICATE_MISMATCH error and the sentence. */
export interface CertificateRefusal {
  params: string[];
  message: string;
}

/**
 * The check of a host the app reaches over its own TLS connection (a console, performance data): the
 * certificate `seen` at `hostKey` is trusted when it is the connection's pin, else when `verifyPeer`
 * (the connection's trust: what the pool publishes for its members) says so. Undefined when trusted.
 */
export async function checkHostCertificate(
  hostKey: string,
  seen: string,
  pinnedFingerprint256: string,
  verifyPeer?: (hostKey: string, fingerprint256: string) => TrustAnswer | Promise<TrustAnswer>,
): Promise<CertificateRefusal | undefined> {
  if (seen !== '' && sameFingerprint(seen, pinnedFingerprint256)) return undefined;
  const answer: TrustAnswer = verifyPeer ? await verifyPeer(hostKey, seen) : { verdict: 'changed', pinnedFingerprint256 };
  if (answer === 'trusted') return undefined;
  const expected = typeof answer === 'string' ? undefined : answer.pinnedFingerprint256;
  return { params: [hostKey, seen, ...(expected ? [expected] : [])], message: describeRefusal(hostKey, seen, answer) };
}
