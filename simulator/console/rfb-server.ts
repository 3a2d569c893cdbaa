/**
 * The server side of one RFB (VNC) connection, as the VNC server behind XAPI's console tunnel
 * speaks it: RFB 3.8 (3.7 and 3.3 accepted), security type None because XAPI has already checked
 * the session on CONNECT (RFC 6143; xapi's console.ml hands the socket to QEMU/vncterm as is).
 *
 * Encodings: Raw and CopyRect, plus the Cursor pseudo-encoding (-239) and QEMU's extended key
 * events (-258, scan codes alongside keysyms, which QEMU's VNC server supports too).
 */
import type { Duplex } from 'node:stream';
import type { Framebuffer, Rect } from './framebuffer';
import { NATIVE_FORMAT, bytesPerPixel, encodeRun, readPixelFormat, writePixelFormat, type PixelFormat } from './pixel-format';
import { UpdateQueue } from './update-queue';

/** A mouse pointer image; `mask` marks the pixels that are part of the shape. */
export interface RfbCursor {
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  pixels: Uint32Array;
  mask: Uint8Array;
}

/** What an RFB connection shows and where its input goes: one guest screen. */
export interface RfbScreen {
  readonly framebuffer: Framebuffer;
  readonly desktopName: string;
  readonly cursor: RfbCursor;
  /** `scancode` is the XT scan code when the client sent a QEMU extended key event. */
  keyEvent(down: boolean, keysym: number, scancode?: number): void;
  pointerEvent(buttonMask: number, x: number, y: number): void;
}

export const ENCODING_RAW = 0;
export const ENCODING_COPYRECT = 1;
export const ENCODING_CURSOR = -239;
export const ENCODING_QEMU_EXT_KEY = -258;

/** Client cut text above this size is a broken or hostile client. */
const MAX_CUT_TEXT = 16 * 1024 * 1024;

type Stage = 'version' | 'security' | 'init' | 'messages' | 'closed';

export interface RfbSession {
  close(): void;
  onClose(listener: () => void): void;
}

/**
 * Speaks RFB on `socket` (already past any HTTP CONNECT) for `screen`. The session ends when the
 * socket does, on a protocol error, or on close().
 */
export function serveRfb(socket: Duplex, screen: RfbScreen): RfbSession {
  return new Connection(socket, screen);
}

class Connection implements RfbSession {
  private stage: Stage = 'version';
  private minor = 8;
  private input: Buffer = Buffer.alloc(0);
  private format: PixelFormat = NATIVE_FORMAT;
  private encodings = new Set<number>([ENCODING_RAW]);
  private readonly queue = new UpdateQueue();
  private requestPending = false;
  private flushScheduled = false;
  private cursorPending = false;
  private qemuAckPending = false;
  private readonly closeListeners: (() => void)[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly socket: Duplex,
    private readonly screen: RfbScreen,
  ) {
    this.unsubscribe = screen.framebuffer.onDamage((damage) => {
      if (this.stage !== 'messages') return;
      if (damage.kind === 'copy' && !this.encodings.has(ENCODING_COPYRECT)) this.queue.addDirty(damage.rect);
      else this.queue.add(damage);
      this.scheduleFlush();
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('end', () => this.close());
    socket.on('error', () => this.finish());
    socket.write('RFB 003.008\n');
  }

  close(): void {
    if (this.stage === 'closed') return;
    this.socket.end();
    this.socket.destroy();
    this.finish();
  }

  onClose(listener: () => void): void {
    if (this.stage === 'closed') listener();
    else this.closeListeners.push(listener);
  }

  private finish(): void {
    if (this.stage === 'closed') return;
    this.stage = 'closed';
    this.unsubscribe();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private receive(chunk: Buffer): void {
    this.input = this.input.length ? Buffer.concat([this.input, chunk]) : chunk;
    try {
      while (this.stage !== 'closed' && this.step());
    } catch {
      this.close();
    }
  }

  /** Consumes one unit of input if it is complete; returns false when more bytes are needed. */
  private step(): boolean {
    const buf = this.input;
    switch (this.stage) {
      case 'version': {
        if (buf.length < 12) return false;
        const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(buf.subarray(0, 12).toString('latin1'));
        if (!match || Number(match[1]) !== 3) throw new Error('bad version');
        const minor = Number(match[2]);
        this.minor = minor >= 8 ? 8 : minor === 7 ? 7 : 3;
        this.consume(12);
        if (this.minor === 3) {
          // 3.3: the server picks the security type.
          this.socket.write(u32(1));
          this.stage = 'init';
        } else {
          this.socket.write(Buffer.from([1, 1])); // one type offered: None
          this.stage = 'security';
        }
        return true;
      }
      case 'security': {
        if (buf.length < 1) return false;
        const chosen = buf[0];
        this.consume(1);
        if (chosen !== 1) {
          if (this.minor === 8) this.socket.write(Buffer.concat([u32(1), lengthPrefixed('Only security type None is offered')]));
          throw new Error('bad security type');
        }
        if (this.minor === 8) this.socket.write(u32(0)); // SecurityResult OK; 3.7 sends none for type None
        this.stage = 'init';
        return true;
      }
      case 'init': {
        if (buf.length < 1) return false;
        this.consume(1); // shared flag: every client shares the one guest screen anyway
        const fb = this.screen.framebuffer;
        const head = Buffer.alloc(20);
        head.writeUInt16BE(fb.width, 0);
        head.writeUInt16BE(fb.height, 2);
        writePixelFormat(NATIVE_FORMAT, head, 4);
        this.socket.write(Buffer.concat([head, lengthPrefixed(this.screen.desktopName)]));
        this.stage = 'messages';
        return true;
      }
      case 'messages':
        return this.message(buf);
      default:
        return false;
    }
  }

  private message(buf: Buffer): boolean {
    if (buf.length < 1) return false;
    switch (buf[0]) {
      case 0: {
        // SetPixelFormat
        if (buf.length < 20) return false;
        const pf = readPixelFormat(buf, 4);
        if (!pf) throw new Error('unsupported pixel format');
        this.format = pf;
        this.cursorPending = this.encodings.has(ENCODING_CURSOR);
        this.consume(20);
        return true;
      }
      case 2: {
        // SetEncodings
        if (buf.length < 4) return false;
        const count = buf.readUInt16BE(2);
        if (buf.length < 4 + 4 * count) return false;
        const encodings = new Set<number>([ENCODING_RAW]);
        for (let i = 0; i < count; i++) encodings.add(buf.readInt32BE(4 + 4 * i));
        if (encodings.has(ENCODING_CURSOR) && !this.encodings.has(ENCODING_CURSOR)) this.cursorPending = true;
        if (encodings.has(ENCODING_QEMU_EXT_KEY) && !this.encodings.has(ENCODING_QEMU_EXT_KEY)) this.qemuAckPending = true;
        this.encodings = encodings;
        this.consume(4 + 4 * count);
        return true;
      }
      case 3: {
        // FramebufferUpdateRequest
        if (buf.length < 10) return false;
        const incremental = buf[1] !== 0;
        const rect = { x: buf.readUInt16BE(2), y: buf.readUInt16BE(4), w: buf.readUInt16BE(6), h: buf.readUInt16BE(8) };
        this.consume(10);
        if (!incremental) {
          const clipped = clip(rect, this.screen.framebuffer);
          if (clipped) this.queue.addDirty(clipped);
        }
        this.requestPending = true;
        this.scheduleFlush();
        return true;
      }
      case 4: {
        // KeyEvent
        if (buf.length < 8) return false;
        const down = buf[1] !== 0;
        const keysym = buf.readUInt32BE(4);
        this.consume(8);
        this.screen.keyEvent(down, keysym);
        return true;
      }
      case 5: {
        // PointerEvent
        if (buf.length < 6) return false;
        const mask = buf[1];
        const x = buf.readUInt16BE(2);
        const y = buf.readUInt16BE(4);
        this.consume(6);
        this.screen.pointerEvent(mask, x, y);
        return true;
      }
      case 6: {
        // ClientCutText: guests behind QEMU's VNC server have no clipboard (noVNC#641); skip it.
        // A negative length is the Extended Clipboard format; its size is the absolute value.
        if (buf.length < 8) return false;
        const length = Math.abs(buf.readInt32BE(4));
        if (length > MAX_CUT_TEXT) throw new Error('cut text too large');
        if (buf.length < 8 + length) return false;
        this.consume(8 + length);
        return true;
      }
      case 255: {
        // QEMU client message; subtype 0 is the extended key event (keysym + XT scan code).
        if (buf.length < 2) return false;
        if (buf[1] !== 0) throw new Error('unsupported QEMU message');
        if (buf.length < 12) return false;
        const down = buf.readUInt16BE(2) !== 0;
        const keysym = buf.readUInt32BE(4);
        const scancode = buf.readUInt32BE(8);
        this.consume(12);
        this.screen.keyEvent(down, keysym, scancode);
        return true;
      }
      default:
        throw new Error(`unknown client message ${buf[0]}`);
    }
  }

  private consume(n: number): void {
    this.input = this.input.subarray(n);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.requestPending) return;
    this.flushScheduled = true;
    // Coalesce everything drawn in this turn of the event loop into one update.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.stage !== 'messages' || !this.requestPending) return;
    if (this.queue.empty && !this.cursorPending && !this.qemuAckPending) return;
    this.requestPending = false;
    const { copies, dirty } = this.queue.take();
    const parts: Buffer[] = [];
    let count = 0;
    if (this.qemuAckPending) {
      parts.push(rectHeader({ x: 0, y: 0, w: 0, h: 0 }, ENCODING_QEMU_EXT_KEY));
      this.qemuAckPending = false;
      count++;
    }
    if (this.cursorPending && this.encodings.has(ENCODING_CURSOR)) {
      parts.push(this.cursorRect());
      count++;
    }
    this.cursorPending = false;
    for (const copy of copies) {
      const body = Buffer.alloc(4);
      body.writeUInt16BE(copy.srcX, 0);
      body.writeUInt16BE(copy.srcY, 2);
      parts.push(rectHeader(copy.rect, ENCODING_COPYRECT), body);
      count++;
    }
    for (const rect of dirty) {
      parts.push(this.rawRect(rect));
      count++;
    }
    const head = Buffer.alloc(4);
    head.writeUInt8(0, 0);
    head.writeUInt16BE(count, 2);
    this.socket.write(Buffer.concat([head, ...parts]));
  }

  private rawRect(rect: Rect): Buffer {
    const fb = this.screen.framebuffer;
    const bpp = bytesPerPixel(this.format);
    const out = Buffer.alloc(12 + rect.w * rect.h * bpp);
    rectHeader(rect, ENCODING_RAW).copy(out, 0);
    let offset = 12;
    for (let y = rect.y; y < rect.y + rect.h; y++) offset = encodeRun(this.format, fb.pixels, y * fb.width + rect.x, rect.w, out, offset);
    return out;
  }

  private cursorRect(): Buffer {
    const c = this.screen.cursor;
    const bpp = bytesPerPixel(this.format);
    const maskStride = Math.ceil(c.width / 8);
    const out = Buffer.alloc(12 + c.width * c.height * bpp + maskStride * c.height);
    // For the cursor pseudo-encoding, x/y carry the hotspot (RFC 6143 §7.8.1).
    rectHeader({ x: c.hotX, y: c.hotY, w: c.width, h: c.height }, ENCODING_CURSOR).copy(out, 0);
    let offset = encodeRun(this.format, c.pixels, 0, c.pixels.length, out, 12);
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) if (c.mask[y * c.width + x]) out[offset + (x >> 3)] |= 0x80 >> (x & 7);
      offset += maskStride;
    }
    return out;
  }
}

function rectHeader(rect: Rect, encoding: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(rect.x, 0);
  out.writeUInt16BE(rect.y, 2);
  out.writeUInt16BE(rect.w, 4);
  out.writeUInt16BE(rect.h, 6);
  out.writeInt32BE(encoding, 8);
  return out;
}

function clip(rect: Rect, fb: Framebuffer): Rect | undefined {
  const w = Math.min(fb.width, rect.x + rect.w) - rect.x;
  const h = Math.min(fb.height, rect.y + rect.h) - rect.y;
  return w > 0 && h > 0 ? { x: rect.x, y: rect.y, w, h } : undefined;
}

function u32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
}

function lengthPrefixed(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([u32(body.length), body]);
}

