/**
 * Trust-on-first-use for one connection, on top of the CertificateStore (host:port → SHA-256 pin):
 * a pinned host must present exactly its pin ('changed' otherwise, with the old pin for the warning);
 * an unpinned host is 'unknown' (the manager asks the user) unless its certificate is the one a
 * demo connection was created with (the embedded simulator: pre-trusted, never written to the
 * store because its ports change on every start).
 * Pool members with certificates of their own are trusted on top of this by PoolTrust (pool-trust.ts).
 */
import type { CertificateStore } from '../ports';
import type { PeerCertificate, TrustAnswer, TrustPolicy } from './node-transport';

export class PinnedTrust implements TrustPolicy {
  constructor(
    private readonly store: CertificateStore,
    private readonly preTrusted?: string,
  ) {}

  verify(host: string, certificate: PeerCertificate): Promise<TrustAnswer> {
    return this.check(host, certificate.fingerprint256);
  }

  async check(host: string, fingerprint256: string): Promise<TrustAnswer> {
    const pinned = await this.store.get(host);
    if (pinned !== undefined) {
      return sameFingerprint(pinned, fingerprint256) ? 'trusted' : { verdict: 'changed', pinnedFingerprint256: pinned };
    }
    if (this.preTrusted && sameFingerprint(this.preTrusted, fingerprint256)) return 'trusted';
    return 'unknown';
  }

  /** The fingerprint a host is trusted with (for the console tunnel, which checks it again). */
  async fingerprintOf(host: string): Promise<string | undefined> {
    return (await this.store.get(host)) ?? this.preTrusted;
  }

  /** The pin of `host` alone (no demo pre-trust). */
  pinnedFingerprint(host: string): Promise<string | undefined> {
    return this.store.get(host);
  }

  get preTrustedFingerprint(): string | undefined {
    return this.preTrusted;
  }
}

/** A SHA-256 fingerprint as compared: hex digits in upper case, no colons ("AA:bb…" and "AABB…" are one). */
export const normaliseFingerprint = (fp: string): string => fp.replace(/:/g, '').toUpperCase();

export const sameFingerprint = (a: string, b: string): boolean => normaliseFingerprint(a) === normaliseFingerprint(b);
