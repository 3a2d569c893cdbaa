/**
 * The console tunnel: for each console view, a one-time WebSocket endpoint on 127.0.0.1 (random
 * port, binary subprotocol) bridged to the VM's console, which the main process opens itself
 * (CLIENT-NOTES 20: proxy in the main process like xo-server, so TLS trust and the session stay
 * here and the renderer only ever sees a loopback URL with a one-time token).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Opens the raw RFB byte stream of a VM's console. Production: `xapiConsoleOpener` (CONNECT
 * /console on the VM's host). Tests against a plain VNC server inject a TCP connect instead.
 */
export type OpenConsoleSocket = (connectionId: string, vmRef: string) => Promise<Duplex>;

export interface ConsoleTunnelOptions {
  openConsoleSocket: OpenConsoleSocket;
  /** Origins allowed to open a tunnel (the app's own page); checked on every upgrade. */
  isOriginAllowed: (origin: string | undefined) => boolean;
  /** How long an unused one-time URL stays valid. */
  tokenTtlMs?: number;
}

export interface ConsoleTunnelTicket {
  tunnelId: string;
  /** `ws://127.0.0.1:PORT/console/<tunnelId>?token=<one-time token>` for noVNC. */
  url: string;
}

interface Ticket {
  connectionId: string;
  vmRef: string;
  token: string;
  expires: ReturnType<typeof setTimeout>;
}

/** Above this many bytes queued towards the renderer, stop reading from the host. */
const HIGH_WATER = 4 * 1024 * 1024;

export class ConsoleTunnelService {
  private server: WebSocketServer | undefined;
  private port = 0;
  private readonly tickets = new Map<string, Ticket>();
  private readonly live = new Map<string, { ws: WebSocket; upstream?: Duplex }>();

  constructor(private readonly options: ConsoleTunnelOptions) {}

  /** Binds the WebSocket server on 127.0.0.1 and a random port. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: false,
      // noVNC asks for ['binary']; RFB is bytes, so nothing else is spoken here.
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
      verifyClient: (info: { origin: string; req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
        if (!this.options.isOriginAllowed(info.origin || undefined)) return done(false, 403, 'Origin not allowed');
        const protocols = String(info.req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
        if (!protocols.includes('binary')) return done(false, 400, 'The binary subprotocol is required');
        if (!this.peekTicket(info.req)) return done(false, 401, 'Unknown or used console token');
        done(true);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    server.on('connection', (ws, req) => this.accept(ws, req));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** Issues a one-time URL for the console of `vmRef` on `connectionId`. */
  async open(connectionId: string, vmRef: string): Promise<ConsoleTunnelTicket> {
    await this.start();
    const tunnelId = randomBytes(9).toString('base64url');
    const token = randomBytes(24).toString('base64url');
    const expires = setTimeout(() => this.tickets.delete(tunnelId), this.options.tokenTtlMs ?? 60_000);
    expires.unref?.();
    this.tickets.set(tunnelId, { connectionId, vmRef, token, expires });
    return { tunnelId, url: `ws://127.0.0.1:${this.port}/console/${tunnelId}?token=${token}` };
  }

  /** Closes a tunnel (the view went away); unknown ids are ignored. */
  close(tunnelId: string): void {
    const ticket = this.tickets.get(tunnelId);
    if (ticket) {
      clearTimeout(ticket.expires);
      this.tickets.delete(tunnelId);
    }
    const live = this.live.get(tunnelId);
    if (live) {
      live.ws.close(1000, 'closed by the app');
      live.upstream?.destroy();
      this.live.delete(tunnelId);
    }
  }

  async stop(): Promise<void> {
    for (const id of [...this.tickets.keys(), ...this.live.keys()]) this.close(id);
    const server = this.server;
    this.server = undefined;
    if (server) {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  get listeningPort(): number {
    return this.port;
  }

  private peekTicket(req: IncomingMessage): { tunnelId: string; ticket: Ticket } | undefined {
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    const m = /^\/console\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (!m) return undefined;
    const ticket = this.tickets.get(m[1]);
    const token = url.searchParams.get('token') ?? '';
    if (!ticket || !timingSafeEqualText(token, ticket.token)) return undefined;
    return { tunnelId: m[1], ticket };
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const found = this.peekTicket(req);
    if (!found) {
      ws.close(4401, 'token already used');
      return;
    }
    // One time: the URL is spent as soon as a socket is accepted on it.
    const { tunnelId, ticket } = found;
    clearTimeout(ticket.expires);
    this.tickets.delete(tunnelId);
    (req.socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    const entry: { ws: WebSocket; upstream?: Duplex } = { ws };
    this.live.set(tunnelId, entry);

    const early: Buffer[] = [];
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (entry.upstream) {
        if (!entry.upstream.write(chunk)) {
          ws.pause();
          entry.upstream.once('drain', () => ws.resume());
        }
      } else early.push(chunk);
    });
    ws.on('close', () => {
      entry.upstream?.destroy();
      this.live.delete(tunnelId);
    });

    this.options.openConsoleSocket(ticket.connectionId, ticket.vmRef).then(
      (upstream) => {
        if (ws.readyState !== ws.OPEN) {
          upstream.destroy();
          return;
        }
        entry.upstream = upstream;
        for (const chunk of early.splice(0)) upstream.write(chunk);
        let queued = 0;
        upstream.on('data', (chunk: Buffer) => {
          queued += chunk.length;
          if (queued > HIGH_WATER) upstream.pause();
          ws.send(chunk, { binary: true }, () => {
            queued -= chunk.length;
            if (queued < HIGH_WATER / 2 && upstream.isPaused()) upstream.resume();
          });
        });
        // The host closed the console (reboot, migration: XAPI drops old tunnels); tell the view.
        upstream.on('close', () => {
          if (ws.readyState === ws.OPEN) ws.close(4000, 'console closed by the host');
        });
        upstream.on('error', () => undefined);
        upstream.resume();
      },
      (err: unknown) => {
        const e = err as { code?: string; message?: string };
        // WebSocket close reasons are limited to 123 bytes; the code is what the view needs.
        if (ws.readyState === ws.OPEN) ws.close(4001, String(e.code ?? 'CONSOLE_CONNECT_FAILED').slice(0, 100));
        this.live.delete(tunnelId);
      },
    );
  }
}

function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
