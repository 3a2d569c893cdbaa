/**
 * Opens a VM console the XAPI way: TLS to the host named in `console.location`, verified against
 * the pool's pinned certificate or, for a pool member with its own certificate, by the connection's
 * trust (the fingerprint the pool publishes for that host, connections/pool-trust.ts), then `CONNECT /console?uuid=…&session_id=… HTTP/1.0`. After the
 * host's `HTTP/1.1 200 OK` and a blank line, the same socket carries raw RFB
 * (../shared/xapi/PROTOCOL.md "Consoles"; xo-server's proxy-console.mjs does the same).
 */
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { certificateHostKey, type TrustAnswer } from '../connections/node-transport';
import { checkHostCertificate } from '../connections/pool-trust';

export interface XapiConsoleEndpoint {
  /** `console.location`, e.g. `https://10.0.0.2/console?uuid=…`. */
  location: string;
  /** The XAPI session ref; it never leaves the main process. */
  sessionId: string;
  /** SHA-256 fingerprint pinned for the pool (`AB:CD:…`, case and colons ignored). */
  pinnedFingerprint256: string;
  /**
   * Asked when the host shows another certificate than the pin: `hostKey` is host:port as pins are
   * keyed. Pool members have certificates of their own; the connection trusts them by what the pool
   * publishes. Without it, only the pin is accepted.
   */
  verifyPeer?: (hostKey: string, fingerprint256: string) => TrustAnswer | Promise<TrustAnswer>;
  /**
   * The address the connection uses (`host`, `host:port`, `[v6]:port`). Supplies the hostname when
   * the location has none (CLIENT-NOTES 19) and the port when the location names none: the
   * simulator serves every host on one non-443 port, the way HOST_IS_SLAVE redirects keep the port.
   */
  connectionAddress: string;
}

/** A console failure with a code the UI can map, like XAPI errors travel. */
export class ConsoleConnectError extends Error {
  constructor(
    readonly code: string,
    readonly params: string[],
    message: string,
  ) {
    super(message);
  }
}

const HEADER_LIMIT = 16 * 1024;

/** Where to dial for a console location: hostname and port, with the fallbacks explained above. */
export function consoleTarget(endpoint: Pick<XapiConsoleEndpoint, 'location' | 'connectionAddress'>): { host: string; port: number; path: string } {
  // `https:///console?…` (empty hostname) would parse as host "console": look at the authority first.
  const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(endpoint.location)?.[1] ?? '';
  const fallback = new URL(`https://${endpoint.connectionAddress.replace(/^https?:\/\//, '').replace(/\/.*$/, '')}`);
  const location = authority ? new URL(endpoint.location) : new URL(endpoint.location.replace(/^([a-z]+:\/\/)/i, `$1${fallback.host}`));
  const host = location.hostname.replace(/^\[|\]$/g, '');
  const port = Number(location.port || fallback.port || 443);
  return { host, port, path: `${location.pathname}${location.search}` };
}

/** Opens the tunnel; resolves with the socket positioned at the first RFB byte. */
export function connectXapiConsole(endpoint: XapiConsoleEndpoint, timeoutMs = 15_000): Promise<Duplex> {
  const { host, port, path } = consoleTarget(endpoint);
  const url = new URL(path, 'https://console.invalid');
  url.searchParams.set('session_id', endpoint.sessionId);
  const requestPath = `${url.pathname}${url.search}`;

  return new Promise<Duplex>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    // The pool's certificate is self-signed: trust comes from the pin, not from a CA chain.
    const socket: TLSSocket = tlsConnect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false });
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(new ConsoleConnectError('CONSOLE_TIMEOUT', [host], `No answer from ${host} for the console`)), timeoutMs);
    const onError = (err: Error) => fail(new ConsoleConnectError('CONSOLE_CONNECT_FAILED', [host, err.message], `Cannot reach ${host}: ${err.message}`));
    const onClose = () => fail(new ConsoleConnectError('CONSOLE_CLOSED', [host], `${host} closed the console connection`));
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once('secureConnect', () => {
      const seen = socket.getPeerCertificate().fingerprint256 ?? '';
      const hostKey = certificateHostKey(host, port);
      checkHostCertificate(hostKey, seen, endpoint.pinnedFingerprint256, endpoint.verifyPeer).then((refusal) => {
        if (settled) return;
        if (refusal) {
          fail(new ConsoleConnectError('CERTIFICATE_MISMATCH', refusal.params, refusal.message));
          return;
        }
        // The session also goes as a cookie, as xo-server sends it; xapi accepts either.
        socket.write(`CONNECT ${requestPath} HTTP/1.0\r\nHost: ${host}\r\nCookie: session_id=${endpoint.sessionId}\r\n\r\n`);
      }, (err: unknown) => fail(new ConsoleConnectError('CERTIFICATE_MISMATCH', [hostKey, seen], `The certificate of ${hostKey} could not be checked: ${err instanceof Error ? err.message : String(err)}`)));
    });
    let header = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      header = Buffer.concat([header, chunk]);
      const end = header.indexOf('\r\n\r\n');
      if (end < 0) {
        if (header.length > HEADER_LIMIT) fail(new ConsoleConnectError('CONSOLE_BAD_RESPONSE', [host], 'Console answer header too long'));
        return;
      }
      socket.off('data', onData);
      const statusLine = header.subarray(0, header.indexOf('\r\n')).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      if (status !== 200) {
        const code = status === 401 || status === 403 ? 'SESSION_INVALID' : status === 404 ? 'CONSOLE_NOT_FOUND' : 'CONSOLE_BAD_RESPONSE';
        fail(new ConsoleConnectError(code, [host, statusLine], `The host refused the console: ${statusLine}`));
        return;
      }
      clearTimeout(timer);
      settled = true;
      socket.off('close', onClose);
      socket.off('error', onError);
      socket.pause();
      const rest = header.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
