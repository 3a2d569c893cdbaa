/**
 * A WebSocket client reduced to the wire (RFC 6455), for the hostile-input suite and the `hostile` bench: it
 * writes frames exactly as described, legal or not (any opcode, reserved bits, unmasked, lying lengths,
 * fragmented control frames…), and reads the server's frames, its close code in particular. A real client
 * library would refuse to send most of what is tested here.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface FrameSpec {
  fin?: boolean;
  /** The three reserved bits, 0–7. */
  rsv?: number;
  opcode: number;
  /** Clients must mask; false sends the payload in clear. */
  masked?: boolean;
  payload?: Uint8Array;
  /** Length written in the header when it should not match the payload (only lies larger than the server's limit are safe: the server then closes at once). */
  declaredLength?: number;
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = Buffer.from(spec.payload ?? new Uint8Array());
  const length = spec.declaredLength ?? payload.length;
  const masked = spec.masked ?? true;
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 7) << 4) | (spec.opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 0x10000) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) head.push(Number((big >> BigInt(8 * i)) & 0xffn));
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(head), key, body]);
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, Buffer.from(reason)]);
}

export interface HandshakeOptions {
  path: string;
  hostHeader?: string;
  origin?: string;
  protocols?: string[];
  timeoutMs?: number;
}

/** Opens a WebSocket: resolves with it on 101, or with the HTTP status the upgrade was refused with. */
export async function openRawWebSocket(port: number, options: HandshakeOptions): Promise<RawWebSocket | { refused: number }> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const lines = [
    `GET ${options.path} HTTP/1.1`,
    `Host: ${options.hostHeader ?? `127.0.0.1:${port}`}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(options.origin ? [`Origin: ${options.origin}`] : []),
    ...(options.protocols?.length ? [`Sec-WebSocket-Protocol: ${options.protocols.join(', ')}`] : []),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let buffer: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no handshake reply within ${options.timeoutMs ?? 5_000} ms`));
    }, options.timeoutMs ?? 5_000);
    const onData = (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (status !== 101) {
        socket.destroy();
        resolve({ refused: status });
      } else resolve(new RawWebSocket(socket, buffer.subarray(end + 4)));
    };
    const onClose = () => {
      clearTimeout(timer);
      resolve({ refused: 0 });
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

export class RawWebSocket {
  private buffer: Buffer;
  private closed = false;
  private wake: (() => void) | undefined;
  /** The code of the server's close frame, once one came (1005: a close frame without a code). */
  closeCode: number | undefined;

  constructor(readonly socket: Socket, rest: Buffer) {
    this.buffer = rest;
    socket.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  sendFrame(spec: FrameSpec): void {
    this.send(encodeFrame(spec));
  }

  sendText(text: string): void {
    this.sendFrame({ opcode: OPCODE.text, payload: Buffer.from(text) });
  }

  /** The next data or close frame that `accept` takes (pings and pongs are skipped); 'closed' if the connection ends first. */
  async next(accept: (f: ServerFrame) => boolean = () => true, timeoutMs = 5_000): Promise<ServerFrame | 'closed'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.takeFrame();
      if (frame) {
        if (frame.opcode === OPCODE.close) {
          this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
          return frame;
        }
        if (frame.opcode !== OPCODE.ping && frame.opcode !== OPCODE.pong && accept(frame)) return frame;
        continue;
      }
      if (this.closed) return 'closed';
      if (Date.now() >= deadline) throw new Error(`no frame and no close within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** Waits for the connection to end, returning the server's close code if it sent one. */
  async closedWith(timeoutMs = 5_000): Promise<number | undefined> {
    for (;;) {
      // The server's close frame came: end our side too, as a client answers one.
      if (this.closeCode !== undefined) this.socket.end();
      const f = await this.next(() => false, timeoutMs);
      if (f === 'closed') return this.closeCode;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private takeFrame(): ServerFrame | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    let length = b[1] & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      at = 10;
    }
    if (b[1] & 0x80) at += 4; // servers do not mask, but read past a key if one did
    if (b.length < at + length) return undefined;
    const frame = { fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, payload: b.subarray(at, at + length) };
    this.buffer = b.subarray(at + length);
    return frame;
  }
}
