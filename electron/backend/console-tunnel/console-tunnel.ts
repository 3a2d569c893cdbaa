/**
 * The console tunnel: for each console view, a one-time WebSocket endpoint on 127.0.0.1 (random
 * port, binary subprotocol) bridged to the VM's console, which the main process opens itself
 * (CLIENT-NOTES 20: proxy in the main process like xo-server, so TLS trust and the session stay
 * here and the renderer only ever sees a loopback URL with a one-time token).
 *
 * Its HTTP side enters through shared/listener-guard.ts like every listener of the app: a malformed request or
 * upgrade is answered 400 and cannot throw out of the process; a WebSocket that breaks the protocol or sends
 * more than MAX_VIEWER_MESSAGE_BYTES in one message is closed with the matching close code.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { guardHttpListener, guardWebSocket, refuseRequest, refuseSocket, type ParsedTarget } from '../../../shared/listener-guard';

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
/**
 * Largest WebSocket message accepted from the viewer. RFB client messages are a few bytes, except a clipboard
 * paste (ClientCutText), which noVNC sends in one message: 4 MiB of text is more than anyone pastes into a console.
 */
export const MAX_VIEWER_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Largest upgrade request head; noVNC's is under 1 KiB. */
const MAX_HEADER_BYTES = 16 * 1024;

export class ConsoleTunnelService {
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_VIEWER_MESSAGE_BYTES, perMessageDeflate: false });
  private port = 0;
  private readonly tickets = new Map<string, Ticket>();
  private readonly live = new Map<string, { ws: WebSocket; upstream?: Duplex }>();

  constructor(private readonly options: ConsoleTunnelOptions) {}

  /** Binds the WebSocket endpoint on 127.0.0.1 and a random port. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
    guardHttpListener<IncomingMessage, ServerResponse, Duplex, Buffer>(server, {
      request: (_req, res) => refuseRequest(res, 426, 'This endpoint speaks WebSocket only', { Upgrade: 'websocket' }),
      upgrade: (req, socket, head, target) => this.upgrade(req, socket, head, target),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
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
      for (const client of this.wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  get listeningPort(): number {
    return this.port;
  }

  /** The checks the viewer's upgrade must pass: the app's Origin, the `binary` subprotocol, an unused ticket. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: ParsedTarget): void {
    if (!this.options.isOriginAllowed(req.headers.origin || undefined)) return refuseSocket(socket, 403, 'Origin not allowed');
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    // noVNC asks for ['binary']; RFB is bytes, so nothing else is spoken here.
    if (!protocols.includes('binary')) return refuseSocket(socket, 400, 'The binary subprotocol is required');
    const found = this.peekTicket(target);
    if (!found) return refuseSocket(socket, 401, 'Unknown or used console token');
    // ws calls back synchronously once the handshake is valid, so no second socket can take the ticket between.
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, found));
  }

  private peekTicket(target: ParsedTarget): { tunnelId: string; ticket: Ticket } | undefined {
    const m = /^\/console\/([A-Za-z0-9_-]+)$/.exec(target.pathname);
    if (!m) return undefined;
    const ticket = this.tickets.get(m[1]);
    const token = target.searchParams.get('token') ?? '';
    if (!ticket || !timingSafeEqualText(token, ticket.token)) return undefined;
    return { tunnelId: m[1], ticket };
  }

  private accept(ws: WebSocket, req: IncomingMessage, found: { tunnelId: string; ticket: Ticket }): void {
    guardWebSocket(ws);
    // One time: the URL is spent as soon as a socket is accepted on it.
    const { tunnelId, ticket } = found;
    if (this.tickets.get(tunnelId) !== ticket) {
      ws.close(4401, 'token already used');
      return;
    }
    clearTimeout(ticket.expires);
    this.tickets.delete(tunnelId);
    (req.socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    const entry: { ws: WebSocket; upstream?: Duplex } = { ws };
    this.live.set(tunnelId, entry);

    // What the viewer sends before the host's console is open; the viewer is not read further until then.
    const early: Buffer[] = [];
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (entry.upstream) {
        if (!entry.upstream.write(chunk)) {
          ws.pause();
          entry.upstream.once('drain', () => ws.resume());
        }
      } else {
        early.push(chunk);
        ws.pause();
      }
    });
    ws.on('close', () => {
      entry.upstream?.destroy();
      this.live.delete(tunnelId);
    });

    Promise.resolve().then(() => this.options.openConsoleSocket(ticket.connectionId, ticket.vmRef)).then(
      (upstream) => {
        if (ws.readyState !== ws.OPEN) {
          upstream.destroy();
          return;
        }
        entry.upstream = upstream;
        for (const chunk of early.splice(0)) upstream.write(chunk);
        ws.resume();
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
          // A socket paused for the upstream's drain (which will never come now) would not read the page's
          // close reply, leaving the close handshake to ws's 30 s timeout.
          ws.resume();
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
