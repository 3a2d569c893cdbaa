/**
 * The TLS connect of an https.Agent whose trust is a pinned certificate, not a CA chain (pools use
 * self-signed certificates): the chain check is off, and the socket goes to http only once `verify`
 * has accepted the peer's certificate, so no request is ever written to an unverified host.
 *
 * Sessions of accepted peers can be resumed (`resume` in, `onSession` out): the next sockets to the
 * same host skip the certificate exchange, which matters when a load opens twenty at once. A resumed
 * session still goes through `verify`, with the certificate the session was made with: the server
 * proved it holds that session's secret, which only the verified peer was given. (Node shows no peer
 * certificate on a resumed session, so it travels with the session.)
 */
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export type ConnectCallback = (err: Error | null, socket?: Duplex) => void;

/** null accepts the peer; an Error refuses it (and is what the request fails with). */
export type PeerCheck = (peer: tls.PeerCertificate, hostname: string) => Error | null | Promise<Error | null>;

/** A TLS session to offer again, with the certificate it was established with. */
export interface ResumableSession {
  session: Buffer;
  peer: tls.PeerCertificate;
}

/** For an Agent's createConnection (Node accepts an asynchronous one: callback, undefined return). */
export function connectVerified(
  options: tls.ConnectionOptions & { host?: string },
  callback: ConnectCallback,
  verify: PeerCheck,
  resumption?: { resume?: ResumableSession; onSession(session: ResumableSession): void },
): void {
  const hostname = options.host ?? 'localhost';
  const resume = resumption?.resume;
  const socket = tls.connect({ ...options, session: resume?.session, rejectUnauthorized: false, servername: isIP(hostname) ? undefined : hostname });
  let peer: tls.PeerCertificate | undefined;
  let done = false;
  let accepted = false;
  let pendingSession: Buffer | undefined;
  // TLS 1.3 sends session tickets after the handshake, possibly before `verify` has answered: a
  // session is handed out only once its peer is accepted.
  socket.on('session', (session: Buffer) => {
    if (accepted && peer) resumption?.onSession({ session, peer });
    else pendingSession = session;
  });
  const finish = (err: Error | null) => {
    if (done) return;
    done = true;
    if (err) {
      socket.destroy();
      callback(err);
    } else {
      accepted = true;
      if (pendingSession && peer) resumption?.onSession({ session: pendingSession, peer });
      callback(null, socket);
    }
  };
  socket.once('error', finish);
  socket.once('secureConnect', () => {
    peer = resume && socket.isSessionReused() ? resume.peer : socket.getPeerCertificate();
    const verdict = verify(peer, hostname);
    if (verdict instanceof Promise) verdict.then(finish, (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
    else finish(verdict);
  });
}
