/**
 * An HTTP/1.1 client reduced to bytes, for the hostile-input suite and the `hostile` bench: it writes whatever
 * it is given (malformed request lines included) on a kept-alive socket and reads back exactly one reply, or
 * notices the server closed the connection. Sequential: one request at a time on a connection, so a reply is
 * never ambiguous (the guard never answers a malformed request while another reply is on its way).
 */
import { connect, type Socket } from 'node:net';

export interface RawReply {
  /** 0: the connection closed without a reply. */
  status: number;
  headers: Map<string, string>;
  body: Buffer;
  /** The server closed the connection after this reply (or announced it would). */
  closed: boolean;
}

/** What came back for one request: a reply, or (status 0) the connection closed without one. */
export type RawOutcome = RawReply;

export class ReplyTimeout extends Error {}

export class RawHttpConnection {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  /** Connections opened so far (the first one included). */
  connects = 0;

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
    private readonly timeoutMs = 5_000,
  ) {}

  /** Sends `request` and reads its reply; `head` when the request was a HEAD (a reply without a body). */
  async exchange(request: string | Uint8Array, options: { head?: boolean } = {}): Promise<RawOutcome> {
    const socket = await this.open();
    socket.write(request);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const reply = this.takeReply(options.head ?? false);
      if (reply) {
        if (reply.closed) this.drop();
        return reply;
      }
      if (this.ended) {
        this.drop();
        return { status: 0, headers: new Map(), body: Buffer.alloc(0), closed: true };
      }
      await this.waitForData(deadline, request);
    }
  }

  /** Hands the open socket over (after a 101 Switching Protocols); the next exchange opens a new one. */
  detach(): Socket | undefined {
    const s = this.socket;
    s?.removeAllListeners('data');
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    return s;
  }

  close(): void {
    this.drop();
  }

  private async open(): Promise<Socket> {
    if (this.socket) return this.socket;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(this.port, this.host, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
      this.wake?.();
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.ended = true;
      this.wake?.();
    });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.ended = false;
    this.connects++;
    return socket;
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    this.ended = false;
  }

  private waitForData(deadline: number, request: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        this.drop();
        const shown = typeof request === 'string' ? request : Buffer.from(request).toString('latin1');
        reject(new ReplyTimeout(`no reply and no close within ${this.timeoutMs} ms to ${JSON.stringify(shown.slice(0, 300))}`));
      }, Math.max(0, deadline - Date.now()));
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** One complete reply from the front of the buffer, or undefined while it is incomplete. */
  private takeReply(head: boolean): RawReply | undefined {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!m) throw new Error(`not an HTTP reply: ${JSON.stringify(lines[0].slice(0, 100))}`);
      const status = Number(m[1]);
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const rest = this.buffer.subarray(end + 4);
      // 100 Continue and the like precede the real reply.
      if (status >= 100 && status < 200 && status !== 101) {
        this.buffer = rest;
        continue;
      }
      const closes = status === 101 || /close/i.test(headers.get('connection') ?? '');
      const body = head || status === 101 || status === 204 || status === 304 ? { body: Buffer.alloc(0), used: 0 } : readBody(rest, headers, this.ended);
      if (!body) return undefined;
      this.buffer = rest.subarray(body.used);
      return { status, headers, body: body.body, closed: closes };
    }
  }
}

/** The body at the front of `data` as the headers frame it, or undefined while incomplete. */
function readBody(data: Buffer, headers: Map<string, string>, ended: boolean): { body: Buffer; used: number } | undefined {
  const length = headers.get('content-length');
  if (length !== undefined) {
    const n = Number(length);
    return data.length >= n ? { body: data.subarray(0, n), used: n } : undefined;
  }
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = data.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
      if (size === 0) {
        // The last chunk's line ends the trailer section's first line; an empty line ends the section.
        const trailerEnd = data.indexOf('\r\n\r\n', eol);
        return trailerEnd < 0 ? undefined : { body: Buffer.concat(parts), used: trailerEnd + 4 };
      }
      if (data.length < eol + 2 + size + 2) return undefined;
      parts.push(data.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  // Neither: the body runs to the end of the connection.
  return ended ? { body: data, used: data.length } : undefined;
}
