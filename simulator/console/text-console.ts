/**
 * A PC text console (like a Linux virtual terminal) drawn into a framebuffer: a grid of 8×16
 * character cells with the console's 16 colours, a cursor, scrolling by CopyRect, a handful of
 * ANSI escapes (SGR colours, clear screen) and a gpm-style mouse cell shown in inverse video.
 *
 * Several consoles can share one framebuffer (tty1..tty6); only the active one draws.
 */
import { CELL_HEIGHT, CELL_WIDTH } from './font';
import type { Framebuffer } from './framebuffer';

/** The Linux console's 16 colours, in ANSI order (black, red, green, brown, blue, magenta, cyan, grey, then bright). */
export const VGA_PALETTE = [
  0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
  0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
];
const DEFAULT_FG = 7;
const DEFAULT_BG = 0;

interface Cell {
  ch: string;
  fg: number;
  bg: number;
}

export class TextConsole {
  readonly cols: number;
  readonly rows: number;
  private cells: Cell[];
  private col = 0;
  private row = 0;
  private fg = DEFAULT_FG;
  private bg = DEFAULT_BG;
  private bold = false;
  private active = false;
  private pointer: { col: number; row: number } | undefined;
  private escape: string | undefined;
  /** True while characters are being put: the cursor is drawn once, where the text ends. */
  private writing = false;

  constructor(private readonly fb: Framebuffer) {
    this.cols = Math.floor(fb.width / CELL_WIDTH);
    this.rows = Math.floor(fb.height / CELL_HEIGHT);
    this.cells = Array.from({ length: this.cols * this.rows }, () => blank());
  }

  /** Makes this console the one on screen and draws all of it. */
  activate(): void {
    this.active = true;
    this.fb.fillRect({ x: 0, y: 0, w: this.fb.width, h: this.fb.height }, VGA_PALETTE[DEFAULT_BG]);
    for (let r = 0; r < this.rows; r++) for (let c = 0; c < this.cols; c++) this.drawCell(c, r);
  }

  deactivate(): void {
    this.active = false;
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Clears the screen and homes the cursor (like `clear`). */
  clear(): void {
    this.cells = Array.from({ length: this.cols * this.rows }, () => blank());
    this.col = 0;
    this.row = 0;
    if (this.active) this.activate();
  }

  /** Writes text as a terminal would: \n is CR+LF (onlcr), \b moves back, ESC[..m sets colours. */
  write(text: string): void {
    this.writing = true;
    try {
      if (this.active) this.drawCell(this.col, this.row); // erase the cursor before text may scroll it away
      for (const ch of text) this.put(ch);
    } finally {
      this.writing = false;
    }
    if (this.active) this.drawCell(this.col, this.row);
  }

  /** Erases the character before the cursor on the current line (a tty's echoed backspace). */
  backspace(): void {
    if (this.col === 0) return;
    this.write('\b \b');
  }

  /** Where the cursor is, for callers that lay out prompts. */
  get cursor(): { col: number; row: number } {
    return { col: this.col, row: this.row };
  }

  /** The text of one row, trailing blanks trimmed (what a screen reader or a test would read). */
  rowText(row: number): string {
    return this.cells
      .slice(row * this.cols, (row + 1) * this.cols)
      .map((c) => c.ch)
      .join('')
      .trimEnd();
  }

  /** Shows the mouse position as an inverse-video cell, as gpm does on a Linux console. */
  setPointer(x: number, y: number): void {
    const next = { col: Math.min(this.cols - 1, Math.floor(x / CELL_WIDTH)), row: Math.min(this.rows - 1, Math.floor(y / CELL_HEIGHT)) };
    const prev = this.pointer;
    if (prev && prev.col === next.col && prev.row === next.row) return;
    this.pointer = next;
    if (!this.active) return;
    if (prev) this.drawCell(prev.col, prev.row);
    this.drawCell(next.col, next.row);
  }

  private put(ch: string): void {
    if (this.escape !== undefined) {
      this.escape += ch;
      if (/^\[[0-9;]*[A-Za-z]$/.test(this.escape)) {
        this.applyEscape(this.escape);
        this.escape = undefined;
      } else if (this.escape.length > 16 || !/^\[?[0-9;]*$/.test(this.escape)) {
        this.escape = undefined; // not a sequence we know: drop it, like a tolerant terminal
      }
      return;
    }
    switch (ch) {
      case '\x1b':
        this.escape = '';
        return;
      case '\n':
        this.col = 0;
        this.lineFeed();
        return;
      case '\r':
        this.col = 0;
        return;
      case '\b':
        if (this.col > 0) this.col--;
        return;
      case '\t':
        this.col = Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8);
        return;
    }
    if (this.col >= this.cols) {
      this.col = 0;
      this.lineFeed();
    }
    const fg = this.bold && this.fg < 8 ? this.fg + 8 : this.fg;
    this.cells[this.row * this.cols + this.col] = { ch, fg, bg: this.bg };
    if (this.active) this.drawCell(this.col, this.row);
    this.col++;
  }

  private lineFeed(): void {
    if (this.row < this.rows - 1) {
      this.row++;
      return;
    }
    this.cells.splice(0, this.cols);
    this.cells.push(...Array.from({ length: this.cols }, () => blank()));
    if (!this.active) return;
    const w = this.cols * CELL_WIDTH;
    this.fb.copyRect({ x: 0, y: CELL_HEIGHT, w, h: (this.rows - 1) * CELL_HEIGHT }, 0, 0);
    this.fb.fillRect({ x: 0, y: (this.rows - 1) * CELL_HEIGHT, w, h: CELL_HEIGHT }, VGA_PALETTE[DEFAULT_BG]);
    // The pointer cell scrolled with the text; put it back where the mouse is.
    if (this.pointer) {
      if (this.pointer.row > 0) this.drawCell(this.pointer.col, this.pointer.row - 1);
      this.drawCell(this.pointer.col, this.pointer.row);
    }
  }

  private applyEscape(seq: string): void {
    const final = seq[seq.length - 1];
    const params = seq.slice(1, -1).split(';').filter(Boolean).map(Number);
    if (final === 'J' && params[0] === 2) {
      this.clear();
      return;
    }
    if (final !== 'm') return;
    if (params.length === 0) params.push(0);
    for (const p of params) {
      if (p === 0) {
        this.fg = DEFAULT_FG;
        this.bg = DEFAULT_BG;
        this.bold = false;
      } else if (p === 1) this.bold = true;
      else if (p === 22) this.bold = false;
      else if (p >= 30 && p <= 37) this.fg = p - 30;
      else if (p === 39) this.fg = DEFAULT_FG;
      else if (p >= 40 && p <= 47) this.bg = p - 40;
      else if (p === 49) this.bg = DEFAULT_BG;
      else if (p >= 90 && p <= 97) this.fg = p - 90 + 8;
    }
  }

  private drawCell(col: number, row: number): void {
    if (col >= this.cols || row >= this.rows) return;
    const cell = this.cells[row * this.cols + col];
    let fg = VGA_PALETTE[cell.fg];
    let bg = VGA_PALETTE[cell.bg];
    if (this.pointer && this.pointer.col === col && this.pointer.row === row) [fg, bg] = [bg, fg];
    const x = col * CELL_WIDTH;
    const y = row * CELL_HEIGHT;
    this.fb.drawChar(x, y, cell.ch, fg, bg);
    // The text cursor: an underline, as the Linux console draws it.
    if (!this.writing && col === this.col && row === this.row) this.fb.fillRect({ x, y: y + CELL_HEIGHT - 3, w: CELL_WIDTH, h: 2 }, VGA_PALETTE[DEFAULT_FG]);
  }
}

function blank(): Cell {
  return { ch: ' ', fg: DEFAULT_FG, bg: DEFAULT_BG };
}

