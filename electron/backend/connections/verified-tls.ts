/**
 * The TLS connect of an https.Agent whose trust is a pinned certificate, not a CA chain (pools use
 * self-signed certificates): the chain check is off, and the socket goes to http only once `verify`
 * has accepted the peer's certificate, so no request is ever written to an unverified host.
 */
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export type ConnectCallback = (err: Error | null, socket?: Duplex) => void;

/** null accepts the peer; an Error refuses it (and is what the request fails with). */
export type PeerCheck = (peer: tls.PeerCertificate, hostname: string) => Error | null | Promise<Error | null>;

/** For an Agent's createConnection (Node accepts an asynchronous one: callback, undefined return). */
export function connectVerified(options: tls.ConnectionOptions & { host?: string }, callback: ConnectCallback, verify: PeerCheck): void {
  const hostname = options.host ?? 'localhost';
  const socket = tls.connect({ ...options, rejectUnauthorized: false, servername: isIP(hostname) ? undefined : hostname });
  let done = false;
  const finish = (err: Error | null) => {
    if (done) return;
    done = true;
    if (err) {
      socket.destroy();
      callback(err);
    } else callback(null, socket);
  };
  socket.once('error', finish);
  socket.once('secureConnect', () => {
    const verdict = verify(socket.getPeerCertificate(), hostname);
    if (verdict instanceof Promise) verdict.then(finish, (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
    else finish(verdict);
  });
}
