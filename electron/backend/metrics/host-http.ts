/**
 * GETs on a pool member over HTTPS, trusted by the pool's pinned certificate fingerprint (pools use self-signed
 * certificates: the pin is the trust, not a CA chain) or, for a member with a certificate of its own, by
 * `verifyPeer` (the connection manager: the fingerprint the pool publishes for that host). Keep-alive sockets
 * per fingerprint, so a chart polling every 5 s reuses its TLS connection. The request is written only once
 * the peer's certificate was accepted. Bodies are bounded (maxBodyBytes): a host streaming without end gets
 * REPLY_TOO_LARGE, never the whole process's memory.
 */
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import { siblingUrl, baseUrlOf } from '../../../shared/api-client/address';
import { certificateHostKey, type TrustAnswer } from '../connections/node-transport';
import { checkHostCertificate } from '../connections/pool-trust';
import { collectBoundedBody } from '../connections/bounded-body';
import { normaliseFingerprint } from '../connections/pinned-trust';
import { connectVerified, type ConnectCallback } from '../connections/verified-tls';

/**
 * Whether the connection whose master is trusted with `pinnedFingerprint256` trusts `fingerprint256` at
 * `hostKey` (host:port). ConnectionManager.verifyPoolPeer.
 */
export type VerifyPoolPeer = (pinnedFingerprint256: string, hostKey: string, fingerprint256: string) => TrustAnswer | Promise<TrustAnswer>;

export interface HostHttpOptions {
  /** Asked when a host shows another certificate than the pin; without it only the pin is accepted. */
  verifyPeer?: VerifyPoolPeer;
  /** Largest body accepted (default 64 MB: a year of a busy host's RRD is a few MB). */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_HOST_BODY_BYTES = 64 * 1024 * 1024;

export class HostHttpError extends Error {
  constructor(
    readonly code: string,
    readonly params: string[],
    message: string,
    /** The HTTP status, when the host answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Base URL of a pool member: its `host.address`, keeping the scheme and (when it names none) the port of the connection's address. */
export function memberBaseUrl(connectionAddress: string, hostAddress: string): string {
  return siblingUrl(baseUrlOf(connectionAddress), hostAddress);
}

class PinnedAgent extends https.Agent {
  constructor(private readonly pinned: string, private readonly verifyPeer?: VerifyPoolPeer) {
    super({ keepAlive: true, maxSockets: 4 });
  }

  override createConnection(options: tls.ConnectionOptions & { host?: string; port?: number }, callback: ConnectCallback): undefined {
    const verifyPeer = this.verifyPeer;
    connectVerified(options, callback, async (peer, hostname) => {
      const hostKey = certificateHostKey(hostname, options.port ?? 443);
      const refusal = await checkHostCertificate(hostKey, peer.fingerprint256 ?? '', this.pinned, verifyPeer && ((key, seen) => verifyPeer(this.pinned, key, seen)));
      return refusal ? new HostHttpError('CERTIFICATE_MISMATCH', refusal.params, refusal.message) : null;
    });
    return undefined;
  }
}

export class HostHttp {
  private readonly agents = new Map<string, PinnedAgent>();
  private readonly plain = new http.Agent({ keepAlive: true, maxSockets: 4 });

  constructor(private readonly options: HostHttpOptions = {}) {}

  /** GET `url` and resolve with the body of a 200 answer; anything else is a HostHttpError. */
  get(url: string, pinnedFingerprint256: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const pin = normaliseFingerprint(pinnedFingerprint256);
    let agent: http.Agent = this.plain;
    if (secure) {
      let a = this.agents.get(pin);
      if (!a) this.agents.set(pin, (a = new PinnedAgent(pinnedFingerprint256, this.options.verifyPeer)));
      agent = a;
    }
    const host = target.host;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        req.destroy();
        reject(err);
      };
      const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_HOST_BODY_BYTES;
      const tooLarge = () => new HostHttpError('REPLY_TOO_LARGE', [host, String(limit)], `The answer of ${host} is larger than the ${Math.round(limit / 1048576)} MB limit; it was refused`);
      const req = (secure ? https : http).request(target, { method: 'GET', agent }, (res) => {
        const received = collectBoundedBody(res, limit, () => fail(tooLarge()));
        if (settled) return;
        res.on('error', (err) => fail(new HostHttpError('CONNECTION_FAILED', [host, err.message], `Cannot talk to ${host}: ${err.message}`)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          cleanup();
          const body = received.take().toString('utf8');
          const status = res.statusCode ?? 0;
          if (status === 200) return resolve(body);
          // xapi answers HTTP handlers' failures with a status and, for a XAPI error, its code in the body.
          const code = /SESSION_INVALID/.test(body) || status === 401 || status === 403 ? 'SESSION_INVALID'
            : /No_RRA_Available/.test(body) || status === 404 ? 'RRD_NOT_AVAILABLE'
            : 'HTTP_ERROR';
          reject(new HostHttpError(code, [host, String(status)], `${host} answered ${status}: ${body.slice(0, 200).trim()}`, status));
        });
      });
      req.on('error', (err) => fail(err instanceof HostHttpError ? err : new HostHttpError('CONNECTION_FAILED', [host, err.message], `Cannot talk to ${host}: ${err.message}`)));
      const timer = setTimeout(() => fail(new HostHttpError('TIMEOUT', [host, String(timeoutMs)], `No answer from ${host} within ${timeoutMs} ms`)), timeoutMs);
      const onAbort = () => fail(new HostHttpError('ABORTED', [host], `Request to ${host} aborted`));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end();
    });
  }

  destroy(): void {
    for (const a of this.agents.values()) a.destroy();
    this.plain.destroy();
  }
}
