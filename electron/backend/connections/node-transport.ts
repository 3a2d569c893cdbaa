/**
 * The client's Transport on Node: node:http / node:https with keep-alive agents, one pair for calls
 * and one for the event.from long poll (so a 30 s poll never holds a call socket), and certificate
 * trust decided by an injected policy from the SHA-256 fingerprint (pools use self-signed
 * certificates: trust comes from the pin, trust-on-first-use, not from a CA chain).
 *
 * The request is written only after the policy has accepted the peer: the agent's createConnection
 * hands the socket to http only once the check passes.
 *
 * Replies are bounded: one larger than `maxReplyBytes` (256 MB by default, about six times the
 * get_all_records replies of a 5,000-VM pool) fails as REPLY_TOO_LARGE as soon as its size is known
 * (Content-Length) or its bytes pass the limit, and nothing past the limit is kept; a reply that does
 * not end within the call's timeout fails as TIMEOUT like one that never started.
 */
import { isAscii } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import { setMaxListeners } from 'node:events';
import type tls from 'node:tls';
import type { Transport, TransportRequest, TransportResponse } from '../../../shared/api-client/transport';
import { ClientErrorCode, XapiError } from '../../../shared/api-client/xapi-error';
import { collectBoundedBody } from './bounded-body';
import { connectVerified, type ConnectCallback, type ResumableSession } from './verified-tls';

export interface PeerCertificate {
  /** host:port the certificate was presented by (IPv6 in brackets), the key pins are stored under. */
  host: string;
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

export type TrustVerdict = 'trusted' | 'unknown' | 'changed';
/** A verdict, optionally with the fingerprint pinned before (so a `changed` error can show old and new). */
export type TrustAnswer = TrustVerdict | { verdict: TrustVerdict; pinnedFingerprint256?: string };

export interface TrustPolicy {
  verify(host: string, certificate: PeerCertificate): TrustAnswer | Promise<TrustAnswer>;
}

/** The error a refused certificate produces; `certificate` feeds the trust-on-first-use prompt. */
export type CertificateError = XapiError & { certificate: PeerCertificate; pinnedFingerprint256?: string };

export function isCertificateError(err: unknown): err is CertificateError {
  return err instanceof XapiError && (err.code === ClientErrorCode.CERTIFICATE_UNKNOWN || err.code === ClientErrorCode.CERTIFICATE_CHANGED) && 'certificate' in err;
}

/** host:port as pins are keyed (port always present, IPv6 bracketed). */
export function certificateHostKey(hostname: string, port: number | string): string {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return `${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

export function certificateHostKeyOfUrl(url: string): string {
  const u = new URL(url);
  return certificateHostKey(u.hostname, u.port || (u.protocol === 'https:' ? 443 : 80));
}

export interface NodeTransportOptions {
  trust: TrustPolicy;
  /** Sockets per host for calls (default 20, the client's call concurrency). */
  maxSockets?: number;
  /** Largest reply body accepted, in bytes (default DEFAULT_MAX_REPLY_BYTES, at most MAX_REPLY_BYTES_LIMIT). */
  maxReplyBytes?: number;
}

export const MEGABYTE = 1024 * 1024;
/** The default reply cap: generous for a 5,000-VM pool (its biggest reply, VM.get_all_records, is about 40 MB). */
export const DEFAULT_MAX_REPLY_BYTES = 256 * MEGABYTE;
/** A reply is decoded into one string, and V8 strings stop a little above 512 MB. */
export const MAX_REPLY_BYTES_LIMIT = 512 * MEGABYTE;

class PinnedHttpsAgent extends https.Agent {
  /** The last TLS session of each accepted host:port, to resume on the next socket there. */
  private readonly sessions = new Map<string, ResumableSession>();

  constructor(private readonly trust: TrustPolicy, options: https.AgentOptions) {
    super(options);
  }

  override createConnection(options: tls.ConnectionOptions & { host?: string; port?: number }, callback: ConnectCallback): undefined {
    const key = certificateHostKey(options.host ?? 'localhost', options.port ?? 443);
    const done: ConnectCallback = (err, socket) => {
      // A refused or failed peer leaves no session to resume: the next socket shows its certificate again.
      if (err) this.sessions.delete(key);
      callback(err, socket);
    };
    connectVerified(options, done, (raw, hostname) => {
      const certificate: PeerCertificate = {
        host: certificateHostKey(hostname, options.port ?? 443),
        fingerprint256: raw.fingerprint256 ?? '',
        subject: describeName(raw.subject),
        issuer: describeName(raw.issuer),
        validFrom: raw.valid_from ?? '',
        validTo: raw.valid_to ?? '',
      };
      return Promise.resolve(this.trust.verify(certificate.host, certificate)).then((answer) => {
        const { verdict, pinnedFingerprint256 } = typeof answer === 'string' ? { verdict: answer, pinnedFingerprint256: undefined } : answer;
        if (verdict === 'trusted') return null;
        const code = verdict === 'changed' ? ClientErrorCode.CERTIFICATE_CHANGED : ClientErrorCode.CERTIFICATE_UNKNOWN;
        const message = verdict === 'changed'
          ? `The certificate of ${certificate.host} changed (now ${certificate.fingerprint256}${pinnedFingerprint256 ? `, pinned ${pinnedFingerprint256}` : ''})`
          : `The certificate of ${certificate.host} is not trusted yet (${certificate.fingerprint256})`;
        const params = [certificate.host, certificate.fingerprint256, ...(pinnedFingerprint256 ? [pinnedFingerprint256] : [])];
        return Object.assign(new XapiError(code, params, undefined, message), { certificate, pinnedFingerprint256 });
      });
    }, { resume: this.sessions.get(key), onSession: (fresh) => this.sessions.set(key, fresh) });
    return undefined;
  }
}

function describeName(name: unknown): string {
  if (!name || typeof name !== 'object') return '';
  return Object.entries(name as Record<string, unknown>).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}

export class NodeTransport implements Transport {
  private readonly maxSockets: number;
  readonly maxReplyBytes: number;
  private readonly agents: { call: { http: http.Agent; https: https.Agent }; events: { http: http.Agent; https: https.Agent } };

  constructor(options: NodeTransportOptions) {
    const pair = (maxSockets: number) => ({
      http: new http.Agent({ keepAlive: true, maxSockets }),
      https: new PinnedHttpsAgent(options.trust, { keepAlive: true, maxSockets }),
    });
    this.maxSockets = options.maxSockets ?? 20;
    this.maxReplyBytes = Math.min(options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES, MAX_REPLY_BYTES_LIMIT);
    this.agents = { call: pair(this.maxSockets), events: pair(4) };
  }

  async post(request: TransportRequest): Promise<TransportResponse> {
    // A keep-alive socket the server closed while idle fails on reuse before anything was read:
    // send again, but only requests that are safe to repeat. Each attempt uses up one dead pooled
    // socket, so a dropped pool costs at most one retry per socket.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(request);
      } catch (err) {
        if (!(err instanceof StaleSocketError)) throw err;
        if (!request.idempotent || attempt >= this.maxSockets) throw err.cause;
      }
    }
  }

  private once(request: TransportRequest): Promise<TransportResponse> {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const lane = this.agents[request.lane ?? 'call'];
    const send = secure ? https.request : http.request;
    const host = url.host;
    return new Promise<TransportResponse>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        req.destroy();
        reject(err);
      };
      const body = Buffer.from(request.body, 'utf8');
      const req = send(url, {
        method: 'POST',
        agent: secure ? lane.https : lane.http,
        headers: { ...request.headers, 'Content-Length': String(body.length) },
      }, (res) => {
        answered = true;
        const limit = this.maxReplyBytes;
        const tooLarge = () => new XapiError(ClientErrorCode.REPLY_TOO_LARGE, [host, String(limit)], undefined,
          `The reply from ${host} is larger than the ${formatMegabytes(limit)} limit on replies; it was refused`);
        // Kept as bytes and decoded once: XAPI replies are nearly always plain ASCII, which decodes as
        // Latin-1 at memory speed (checked first with isAscii); anything else goes through UTF-8.
        const reply = collectBoundedBody(res, limit, () => fail(tooLarge()));
        if (settled) return;
        res.on('error', (err) => fail(connectionError(host, err)));
        res.on('aborted', () => fail(new XapiError(ClientErrorCode.CONNECTION_FAILED, [host, 'connection closed mid-reply'])));
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) return fail(new XapiError(ClientErrorCode.CONNECTION_FAILED, [host, 'connection closed mid-reply']));
          let text: string;
          try {
            const bytes = reply.take();
            text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
          } catch {
            // Only a limit raised past what a string can hold gets here: refuse the reply, never the process.
            return fail(tooLarge());
          }
          settled = true;
          cleanup();
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text });
        });
      });
      req.on('error', (err) => {
        if (err instanceof XapiError) return fail(err);
        const wrapped = connectionError(host, err);
        fail(req.reusedSocket && !answered ? new StaleSocketError(wrapped) : wrapped);
      });
      const timer = setTimeout(() => fail(new XapiError(ClientErrorCode.TIMEOUT, [host, String(request.timeoutMs)], undefined, answered
        ? `The reply from ${host} did not end within ${request.timeoutMs} ms`
        : `No answer from ${host} within ${request.timeoutMs} ms`)), request.timeoutMs);
      const onAbort = () => fail(new XapiError(ClientErrorCode.ABORTED, [host], undefined, `Call to ${host} aborted`));
      const cleanup = () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
      };
      if (request.signal) {
        // One session signal is shared by every call in flight (bulk loads run 20 at once).
        setMaxListeners(0, request.signal);
        if (request.signal.aborted) return onAbort();
        request.signal.addEventListener('abort', onAbort, { once: true });
      }
      req.end(body);
    });
  }

  /** Closes idle keep-alive sockets (on dispose). */
  destroy(): void {
    for (const lane of Object.values(this.agents)) {
      lane.http.destroy();
      lane.https.destroy();
    }
  }
}

class StaleSocketError extends Error {
  constructor(override readonly cause: XapiError) {
    super(cause.message);
  }
}

function formatMegabytes(bytes: number): string {
  return bytes % MEGABYTE === 0 ? `${bytes / MEGABYTE} MB` : `${(bytes / MEGABYTE).toFixed(1)} MB`;
}

function connectionError(host: string, err: Error & { code?: string }): XapiError {
  return new XapiError(ClientErrorCode.CONNECTION_FAILED, [host, err.code ?? err.message], undefined, `Cannot talk to ${host}: ${err.message}`);
}
