/**
 * A guest's screen as pixels, with damage notifications for the RFB sessions watching it.
 *
 * Pixels are 0xRRGGBB in a Uint32Array. Every drawing call reports what changed: either a
 * rectangle to resend, or a copy (a scroll) that a client can replay with CopyRect instead of
 * receiving the pixels again.
 */
import { CELL_HEIGHT, CELL_WIDTH, glyphFor } from './font';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Damage =
  | { kind: 'dirty'; rect: Rect }
  /** The pixels now at `rect` were copied from (srcX, srcY) of the previous screen. */
  | { kind: 'copy'; srcX: number; srcY: number; rect: Rect };

export function rgb(r: number, g: number, b: number): number {
  return ((r & 0xff) << 16) | ((g & 0xff) << 8) | (b & 0xff);
}

export class Framebuffer {
  readonly pixels: Uint32Array;
  private readonly listeners = new Set<(damage: Damage) => void>();

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint32Array(width * height);
  }

  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  onDamage(listener: (damage: Damage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pixel(x: number, y: number): number {
    return this.pixels[y * this.width + x];
  }

  fillRect(rect: Rect, color: number): void {
    const r = this.clip(rect);
    if (!r) return;
    for (let y = r.y; y < r.y + r.h; y++) this.pixels.fill(color, y * this.width + r.x, y * this.width + r.x + r.w);
    this.emit({ kind: 'dirty', rect: r });
  }

  /**
   * Draws one character cell at pixel (x, y), `scale` times the font size. `bg` undefined leaves
   * the background as it is (text over a picture).
   */
  drawChar(x: number, y: number, ch: string, fg: number, bg: number | undefined, scale = 1): void {
    const glyph = glyphFor(ch);
    const w = CELL_WIDTH * scale;
    const h = CELL_HEIGHT * scale;
    const r = this.clip({ x, y, w, h });
    if (!r) return;
    for (let py = r.y; py < r.y + r.h; py++) {
      const bits = glyph[Math.floor((py - y) / scale)];
      const row = py * this.width;
      for (let px = r.x; px < r.x + r.w; px++) {
        const on = (bits & (0x80 >> Math.floor((px - x) / scale))) !== 0;
        if (on) this.pixels[row + px] = fg;
        else if (bg !== undefined) this.pixels[row + px] = bg;
      }
    }
    this.emit({ kind: 'dirty', rect: r });
  }

  /** Draws a string left to right; returns the x after the last character. */
  drawText(x: number, y: number, text: string, fg: number, bg: number | undefined, scale = 1): number {
    for (const ch of text) {
      this.drawChar(x, y, ch, fg, bg, scale);
      x += CELL_WIDTH * scale;
    }
    return x;
  }

  /** Width in pixels of `text` at `scale`. */
  static textWidth(text: string, scale = 1): number {
    return [...text].length * CELL_WIDTH * scale;
  }

  /** Inverts the colours of a rectangle (the text console's mouse pointer cell, like gpm). */
  invertRect(rect: Rect): void {
    const r = this.clip(rect);
    if (!r) return;
    for (let y = r.y; y < r.y + r.h; y++) {
      for (let x = r.x; x < r.x + r.w; x++) this.pixels[y * this.width + x] ^= 0xffffff;
    }
    this.emit({ kind: 'dirty', rect: r });
  }

  /** Moves the pixels of `src` to (dstX, dstY): how a text console scrolls. */
  copyRect(src: Rect, dstX: number, dstY: number): void {
    const w = Math.min(src.w, this.width - dstX, this.width - src.x);
    const h = Math.min(src.h, this.height - dstY, this.height - src.y);
    if (w <= 0 || h <= 0 || src.x < 0 || src.y < 0 || dstX < 0 || dstY < 0) return;
    const rows = Array.from({ length: h }, (_, i) => i);
    if (dstY > src.y) rows.reverse(); // copy bottom-up when moving down, so no row is read after being overwritten
    for (const i of rows) {
      const from = (src.y + i) * this.width + src.x;
      this.pixels.copyWithin((dstY + i) * this.width + dstX, from, from + w);
    }
    this.emit({ kind: 'copy', srcX: src.x, srcY: src.y, rect: { x: dstX, y: dstY, w, h } });
  }

  private clip(rect: Rect): Rect | undefined {
    const x = Math.max(0, rect.x);
    const y = Math.max(0, rect.y);
    const w = Math.min(this.width, rect.x + rect.w) - x;
    const h = Math.min(this.height, rect.y + rect.h) - y;
    return w > 0 && h > 0 ? { x, y, w, h } : undefined;
  }

  private emit(damage: Damage): void {
    for (const listener of this.listeners) listener(damage);
  }
}
