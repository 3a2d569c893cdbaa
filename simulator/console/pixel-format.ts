/**
 * RFB pixel formats (RFC 6143 §7.4): the server's native one and the encoder that turns our
 * 0xRRGGBB pixels into whatever true-colour format a client asked for with SetPixelFormat.
 */

export interface PixelFormat {
  bitsPerPixel: 8 | 16 | 32;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/** 32 bpp, depth 24, little-endian, 0x00RRGGBB: what TigerVNC and QEMU announce by default. */
export const NATIVE_FORMAT: PixelFormat = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0,
};

export function writePixelFormat(pf: PixelFormat, out: Buffer, offset: number): void {
  out.writeUInt8(pf.bitsPerPixel, offset);
  out.writeUInt8(pf.depth, offset + 1);
  out.writeUInt8(pf.bigEndian ? 1 : 0, offset + 2);
  out.writeUInt8(pf.trueColour ? 1 : 0, offset + 3);
  out.writeUInt16BE(pf.redMax, offset + 4);
  out.writeUInt16BE(pf.greenMax, offset + 6);
  out.writeUInt16BE(pf.blueMax, offset + 8);
  out.writeUInt8(pf.redShift, offset + 10);
  out.writeUInt8(pf.greenShift, offset + 11);
  out.writeUInt8(pf.blueShift, offset + 12);
  out.fill(0, offset + 13, offset + 16);
}

/** Reads a client's SetPixelFormat body; undefined when it is one we cannot serve. */
export function readPixelFormat(buf: Buffer, offset: number): PixelFormat | undefined {
  const bpp = buf.readUInt8(offset);
  if (bpp !== 8 && bpp !== 16 && bpp !== 32) return undefined;
  const pf: PixelFormat = {
    bitsPerPixel: bpp,
    depth: buf.readUInt8(offset + 1),
    bigEndian: buf.readUInt8(offset + 2) !== 0,
    trueColour: buf.readUInt8(offset + 3) !== 0,
    redMax: buf.readUInt16BE(offset + 4),
    greenMax: buf.readUInt16BE(offset + 6),
    blueMax: buf.readUInt16BE(offset + 8),
    redShift: buf.readUInt8(offset + 10),
    greenShift: buf.readUInt8(offset + 11),
    blueShift: buf.readUInt8(offset + 12),
  };
  // Colour-map formats would need SetColourMapEntries; no client we serve asks for one.
  return pf.trueColour ? pf : undefined;
}

export function bytesPerPixel(pf: PixelFormat): number {
  return pf.bitsPerPixel / 8;
}

/** One 0xRRGGBB pixel as the client's pixel value. */
export function convertPixel(pf: PixelFormat, rgb: number): number {
  const r = (rgb >>> 16) & 0xff;
  const g = (rgb >>> 8) & 0xff;
  const b = rgb & 0xff;
  return (
    ((Math.round((r * pf.redMax) / 255) << pf.redShift) |
      (Math.round((g * pf.greenMax) / 255) << pf.greenShift) |
      (Math.round((b * pf.blueMax) / 255) << pf.blueShift)) >>>
    0
  );
}

/** Encodes `count` pixels from `source` (starting at `from`) into `out` at `offset`. */
export function encodeRun(pf: PixelFormat, source: Uint32Array, from: number, count: number, out: Buffer, offset: number): number {
  const bpp = bytesPerPixel(pf);
  // Fast path for the two 32-bit layouts clients actually use (noVNC: red at shift 0).
  if (bpp === 4 && !pf.bigEndian && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255 && pf.greenShift === 8) {
    if (pf.redShift === 16 && pf.blueShift === 0) {
      for (let i = 0; i < count; i++, offset += 4) out.writeUInt32LE(source[from + i], offset);
      return offset;
    }
    if (pf.redShift === 0 && pf.blueShift === 16) {
      for (let i = 0; i < count; i++, offset += 4) {
        const p = source[from + i];
        out[offset] = (p >>> 16) & 0xff;
        out[offset + 1] = (p >>> 8) & 0xff;
        out[offset + 2] = p & 0xff;
        out[offset + 3] = 0;
      }
      return offset;
    }
  }
  for (let i = 0; i < count; i++, offset += bpp) {
    const v = convertPixel(pf, source[from + i]);
    if (bpp === 4) {
      if (pf.bigEndian) out.writeUInt32BE(v, offset);
      else out.writeUInt32LE(v, offset);
    } else if (bpp === 2) {
      if (pf.bigEndian) out.writeUInt16BE(v & 0xffff, offset);
      else out.writeUInt16LE(v & 0xffff, offset);
    } else out.writeUInt8(v & 0xff, offset);
  }
  return offset;
}
