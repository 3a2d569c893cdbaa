/**
 * One listener per simulated host. HTTP and HTTPS share the port: the first byte of a connection decides
 * (0x16 opens a TLS handshake), so a host needs a single address as a client sees it.
 *
 * Both servers enter through shared/listener-guard.ts, as every listener of the app does (the embedded
 * simulator runs in the app's process): an odd request target is a 400 before a handler runs, a request the
 * HTTP parser refuses a 400 or 431, and no handler's exception reaches the process.
 */
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { guardHttpListener, type GuardedHttpHandlers } from '../../shared/listener-guard';
import type { ServerCertificate } from './certificate';

export type ListenerHandlers = GuardedHttpHandlers<http.IncomingMessage, http.ServerResponse, Duplex, Buffer>;

/** Largest request head (request line and headers), as Node's default; xapi's clients send well under 4 KiB. */
const MAX_HEADER_BYTES = 16 * 1024;

export class HostListener {
  private server: net.Server | undefined;
  private readonly httpServer: http.Server;
  private readonly httpsServer: https.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(cert: ServerCertificate, handlers: ListenerHandlers) {
    const opts = { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000, maxHeaderSize: MAX_HEADER_BYTES };
    this.httpServer = http.createServer(opts);
    // minVersion TLSv1.2 would lock out nothing XenDeck cares about; xen-api asks for TLSv1 minimum.
    this.httpsServer = https.createServer({ ...opts, cert: cert.cert, key: cert.key });
    for (const s of [this.httpServer, this.httpsServer]) guardHttpListener(s, handlers);
    this.httpsServer.on('tlsClientError', () => undefined);
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  listen(ip: string, port: number): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ip, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops answering: the port closes and every open connection is cut (a host that died). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('readable', () => {
      const first: Buffer | null = socket.read(1);
      // null: the peer closed before sending anything.
      if (!first) {
        socket.destroy();
        return;
      }
      socket.unshift(first);
      (first[0] === 0x16 ? this.httpsServer : this.httpServer).emit('connection', socket);
    });
  }
}
