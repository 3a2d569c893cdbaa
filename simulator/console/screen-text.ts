/**
 * Reads text back from a picture of a console screen, cell by cell, by matching each 8×16 cell's
 * ink against the console font: how tests (the RFB test client, the e2e spec reading noVNC's
 * canvas) check what a viewer sees, from pixels rather than from the server's own state.
 */
import { CELL_HEIGHT, CELL_WIDTH, glyphFor } from './font';

/** `pixels` are 0xRRGGBB, row by row; returns one string per text row, trailing blanks trimmed. */
export function readScreenText(pixels: ArrayLike<number>, width: number, height: number): string[] {
  const rows: string[] = [];
  for (let r = 0; r < Math.floor(height / CELL_HEIGHT); r++) {
    let line = '';
    for (let c = 0; c < Math.floor(width / CELL_WIDTH); c++) line += readCell(pixels, width, c, r);
    rows.push(line.trimEnd());
  }
  return rows;
}

function readCell(pixels: ArrayLike<number>, width: number, col: number, row: number): string {
  const x0 = col * CELL_WIDTH;
  const y0 = row * CELL_HEIGHT;
  const bg = pixels[y0 * width + x0 + CELL_WIDTH - 1]; // the top-right pixel is never ink in this font
  const masks = new Uint8Array(CELL_HEIGHT);
  for (let y = 0; y < CELL_HEIGHT; y++) {
    for (let x = 0; x < CELL_WIDTH; x++) if (pixels[(y0 + y) * width + x0 + x] !== bg) masks[y] |= 0x80 >> x;
  }
  const index = glyphIndex();
  // The text cursor underlines rows 13-14 of its cell: read that cell without them.
  return index.exact.get(key(masks)) ?? index.withoutCursor.get(key(masks, true)) ?? '?';
}

function key(masks: Uint8Array, ignoreCursorRows = false): string {
  return [...masks].map((m, i) => (ignoreCursorRows && (i === 13 || i === 14) ? 0 : m)).join(',');
}

let index: { exact: Map<string, string>; withoutCursor: Map<string, string> } | undefined;
function glyphIndex() {
  if (!index) {
    index = { exact: new Map(), withoutCursor: new Map() };
    for (let code = 0x7e; code >= 0x20; code--) {
      const ch = String.fromCharCode(code);
      index.exact.set(key(glyphFor(ch)), ch);
      index.withoutCursor.set(key(glyphFor(ch), true), ch);
    }
  }
  return index;
}
