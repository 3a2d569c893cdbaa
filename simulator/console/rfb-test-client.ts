/**
 * A small RFB 3.8 client for tests: it does the handshake, asks for noVNC's pixel format, decodes
 * Raw and CopyRect rectangles and the Cursor pseudo-encoding into its own framebuffer, and reads
 * the text back from the pixels with the console font, so tests check what a viewer would see.
 *
 * Test support only (imported by *.test.ts and the bench); not used by the simulator itself.
 */
import type { Duplex } from 'node:stream';
import { readScreenText } from './screen-text';
import { ENCODING_COPYRECT, ENCODING_CURSOR, ENCODING_QEMU_EXT_KEY, ENCODING_RAW } from './rfb-server';

export interface DecodedUpdate {
  rects: { encoding: number; x: number; y: number; w: number; h: number }[];
}

export class RfbTestClient {
  width = 0;
  height = 0;
  name = '';
  /** 0xRRGGBB per pixel, as decoded from the server's updates. */
  pixels = new Uint32Array(0);
  cursor: { width: number; height: number; hotX: number; hotY: number } | undefined;
  qemuExtendedKeys = false;
  readonly updates: DecodedUpdate[] = [];
  private input = Buffer.alloc(0);
  private waiters: { need: number; resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  private closed = false;
  private updateListeners = new Set<() => void>();
  readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Duplex) {
    // A WebSocket stream ends (server closed) without 'close' while its writable side is open.
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.once('end', () => resolve());
    });
    socket.on('data', (chunk: Buffer) => {
      this.input = Buffer.concat([this.input, chunk]);
      this.pump();
    });
    const onEnd = () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error('RFB connection closed'));
    };
    socket.on('close', onEnd);
    socket.on('end', onEnd);
    socket.on('error', onEnd);
  }

  /**
   * Handshakes on `socket` (already past any HTTP CONNECT). `pixelFormat` 'novnc' asks for
   * red at shift 0 like noVNC does; 'native' keeps the server's format.
   */
  static async connect(socket: Duplex, options: { pixelFormat?: 'novnc' | 'native'; encodings?: number[]; initialData?: Buffer } = {}): Promise<RfbTestClient> {
    const client = new RfbTestClient(socket);
    if (options.initialData?.length) {
      client.input = Buffer.from(options.initialData);
    }
    await client.handshake(options.pixelFormat ?? 'novnc', options.encodings ?? [ENCODING_COPYRECT, ENCODING_RAW, ENCODING_CURSOR]);
    return client;
  }

  private async handshake(pixelFormat: 'novnc' | 'native', encodings: number[]): Promise<void> {
    const version = (await this.read(12)).toString('latin1');
    if (version !== 'RFB 003.008\n') throw new Error(`unexpected server version ${JSON.stringify(version)}`);
    this.socket.write('RFB 003.008\n');
    const count = (await this.read(1))[0];
    if (count === 0) throw new Error('server refused: ' + (await this.readString()));
    const types = [...(await this.read(count))];
    if (!types.includes(1)) throw new Error(`no security type None offered: ${types.join(',')}`);
    this.socket.write(Buffer.from([1]));
    const result = (await this.read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error('security failed: ' + (await this.readString()));
    this.socket.write(Buffer.from([1])); // shared
    const init = await this.read(20);
    this.width = init.readUInt16BE(0);
    this.height = init.readUInt16BE(2);
    this.name = await this.readString();
    this.pixels = new Uint32Array(this.width * this.height);
    if (pixelFormat === 'novnc') {
      const msg = Buffer.alloc(20);
      msg[0] = 0;
      // bpp 32, depth 24, little-endian, true colour, max 255, shifts r0 g8 b16 (noVNC's choice)
      Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16]).copy(msg, 4);
      this.socket.write(msg);
      this.redShift = 0;
      this.blueShift = 16;
    }
    const enc = Buffer.alloc(4 + 4 * encodings.length);
    enc[0] = 2;
    enc.writeUInt16BE(encodings.length, 2);
    encodings.forEach((e, i) => enc.writeInt32BE(e, 4 + 4 * i));
    this.socket.write(enc);
    this.requestUpdate(false);
    void this.loop().catch(() => undefined);
  }

  private redShift = 16;
  private blueShift = 0;

  requestUpdate(incremental: boolean): void {
    const msg = Buffer.alloc(10);
    msg[0] = 3;
    msg[1] = incremental ? 1 : 0;
    msg.writeUInt16BE(this.width, 6);
    msg.writeUInt16BE(this.height, 8);
    this.socket.write(msg);
  }

  key(keysym: number, down: boolean): void {
    const msg = Buffer.alloc(8);
    msg[0] = 4;
    msg[1] = down ? 1 : 0;
    msg.writeUInt32BE(keysym, 4);
    this.socket.write(msg);
  }

  /** Presses and releases each key in order, holding the earlier ones (e.g. Ctrl, Alt, Delete). */
  chord(...keysyms: number[]): void {
    for (const k of keysyms) this.key(k, true);
    for (const k of [...keysyms].reverse()) this.key(k, false);
  }

  /** Types printable ASCII text, one press and release per character. */
  type(text: string): void {
    for (const ch of text) {
      const keysym = ch === '\n' ? 0xff0d : ch.charCodeAt(0);
      this.key(keysym, true);
      this.key(keysym, false);
    }
  }

  pointer(buttons: number, x: number, y: number): void {
    const msg = Buffer.alloc(6);
    msg[0] = 5;
    msg[1] = buttons;
    msg.writeUInt16BE(x, 2);
    msg.writeUInt16BE(y, 4);
    this.socket.write(msg);
  }

  cutText(text: string): void {
    const body = Buffer.from(text, 'latin1');
    const msg = Buffer.alloc(8 + body.length);
    msg[0] = 6;
    msg.writeUInt32BE(body.length, 4);
    body.copy(msg, 8);
    this.socket.write(msg);
  }

  /** Sends raw bytes (to test how the server copes with a broken client). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once `predicate` holds on the decoded screen (checked after every update). */
  waitFor(predicate: (client: RfbTestClient) => boolean, what = 'condition'): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.closed) {
          this.updateListeners.delete(check);
          reject(new Error(`RFB connection closed while waiting for ${what}; screen:\n${this.screenText().join('\n')}`));
        } else if (predicate(this)) {
          this.updateListeners.delete(check);
          resolve();
        }
      };
      this.updateListeners.add(check);
    });
  }

  /** Waits until some row of the decoded screen contains `text`. */
  waitForText(text: string): Promise<void> {
    return this.waitFor((c) => c.screenText().some((row) => row.includes(text)), JSON.stringify(text));
  }

  pixel(x: number, y: number): number {
    return this.pixels[y * this.width + x];
  }

  /** Reads the screen's text from the decoded pixels, cell by cell, with the console font. */
  screenText(): string[] {
    return readScreenText(this.pixels, this.width, this.height);
  }

  private async loop(): Promise<void> {
    for (;;) {
      const type = (await this.read(1))[0];
      if (type === 0) await this.readUpdate();
      else if (type === 2) continue; // Bell
      else if (type === 3) await this.read((await this.read(7)).readUInt32BE(3));
      else throw new Error(`unexpected server message ${type}`);
    }
  }

  private async readUpdate(): Promise<void> {
    const head = await this.read(3);
    const count = head.readUInt16BE(1);
    const update: DecodedUpdate = { rects: [] };
    for (let i = 0; i < count; i++) {
      const h = await this.read(12);
      const x = h.readUInt16BE(0);
      const y = h.readUInt16BE(2);
      const w = h.readUInt16BE(4);
      const hh = h.readUInt16BE(6);
      const encoding = h.readInt32BE(8);
      update.rects.push({ encoding, x, y, w, h: hh });
      if (encoding === ENCODING_RAW) {
        const data = await this.read(w * hh * 4);
        for (let row = 0; row < hh; row++) {
          for (let col = 0; col < w; col++) this.pixels[(y + row) * this.width + x + col] = this.decodePixel(data.readUInt32LE((row * w + col) * 4));
        }
      } else if (encoding === ENCODING_COPYRECT) {
        const src = await this.read(4);
        const sx = src.readUInt16BE(0);
        const sy = src.readUInt16BE(2);
        const copy = new Uint32Array(w * hh);
        for (let row = 0; row < hh; row++) copy.set(this.pixels.subarray((sy + row) * this.width + sx, (sy + row) * this.width + sx + w), row * w);
        for (let row = 0; row < hh; row++) this.pixels.set(copy.subarray(row * w, (row + 1) * w), (y + row) * this.width + x);
      } else if (encoding === ENCODING_CURSOR) {
        await this.read(w * hh * 4 + Math.ceil(w / 8) * hh);
        this.cursor = { width: w, height: hh, hotX: x, hotY: y };
      } else if (encoding === ENCODING_QEMU_EXT_KEY) {
        this.qemuExtendedKeys = true;
      } else {
        throw new Error(`unexpected encoding ${encoding}`);
      }
    }
    this.updates.push(update);
    for (const listener of [...this.updateListeners]) listener();
    this.requestUpdate(true);
  }

  private decodePixel(v: number): number {
    const r = (v >>> this.redShift) & 0xff;
    const g = (v >>> 8) & 0xff;
    const b = (v >>> this.blueShift) & 0xff;
    return (r << 16) | (g << 8) | b;
  }

  private async readString(): Promise<string> {
    const len = (await this.read(4)).readUInt32BE(0);
    return (await this.read(len)).toString('utf8');
  }

  private read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.closed && this.input.length < n) {
        reject(new Error('RFB connection closed'));
        return;
      }
      this.waiters.push({ need: n, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiters.length && this.input.length >= this.waiters[0].need) {
      const w = this.waiters.shift()!;
      const out = this.input.subarray(0, w.need);
      this.input = this.input.subarray(w.need);
      w.resolve(out);
    }
  }
}

