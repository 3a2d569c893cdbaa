/**
 * Key combinations and "type this text" as RFB key events (X11 keysyms, with the KeyboardEvent
 * `code` so noVNC can send QEMU extended key events with scan codes where the server supports
 * them: CLIENT-NOTES 22-23, XO #1636 and #4261).
 */

export interface KeyPress {
  keysym: number;
  /** KeyboardEvent.code, or null when there is no physical key for it. */
  code: string | null;
  down: boolean;
}

const XK = {
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Shift_L: 0xffe1,
  Super_L: 0xffeb,
  Tab: 0xff09,
  Return: 0xff0d,
  Delete: 0xffff,
  BackSpace: 0xff08,
  F1: 0xffbe,
};

export interface KeyCombo {
  id: string;
  label: string;
  keys: { keysym: number; code: string }[];
}

function fn(n: number): { keysym: number; code: string } {
  return { keysym: XK.F1 + n - 1, code: `F${n}` };
}

const CTRL = { keysym: XK.Control_L, code: 'ControlLeft' };
const ALT = { keysym: XK.Alt_L, code: 'AltLeft' };

/** The combos a browser or the desktop would otherwise swallow. */
export const KEY_COMBOS: KeyCombo[] = [
  { id: 'ctrl-alt-del', label: 'Ctrl+Alt+Del', keys: [CTRL, ALT, { keysym: XK.Delete, code: 'Delete' }] },
  ...Array.from({ length: 12 }, (_, i) => ({ id: `ctrl-alt-f${i + 1}`, label: `Ctrl+Alt+F${i + 1}`, keys: [CTRL, ALT, fn(i + 1)] })),
  { id: 'alt-f4', label: 'Alt+F4', keys: [ALT, fn(4)] },
  { id: 'alt-tab', label: 'Alt+Tab', keys: [ALT, { keysym: XK.Tab, code: 'Tab' }] },
  { id: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace', keys: [CTRL, ALT, { keysym: XK.BackSpace, code: 'Backspace' }] },
  { id: 'super', label: 'Windows key', keys: [{ keysym: XK.Super_L, code: 'MetaLeft' }] },
];

/** Presses every key of the combo in order, then releases them in reverse. */
export function comboPresses(combo: KeyCombo): KeyPress[] {
  return [...combo.keys.map((k) => ({ ...k, down: true })), ...[...combo.keys].reverse().map((k) => ({ ...k, down: false }))];
}

// On a US layout these need Shift; guests whose VNC server maps keysyms to scan codes (QEMU) want it held.
const SHIFTED = new Set('~!@#$%^&*()_+{}|:"<>?');

/** Keysym of one character: Latin-1 is its code point, the rest of Unicode 0x01000000 + code point. */
export function charKeysym(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0x3f;
  if (ch === '\n' || ch === '\r') return XK.Return;
  if (ch === '\t') return XK.Tab;
  if (cp >= 0x20 && cp <= 0xff) return cp;
  return 0x01000000 + cp;
}

/**
 * A string as key presses, the way "Type text…" sends it (the clipboard cannot reach most guests:
 * noVNC#641). Characters are sent as keysyms without a physical key code, so the server's own
 * layout does not remap them.
 */
export function textPresses(text: string): KeyPress[] {
  const out: KeyPress[] = [];
  for (const ch of text.replace(/\r\n/g, '\n')) {
    const keysym = charKeysym(ch);
    const shift = (ch >= 'A' && ch <= 'Z') || SHIFTED.has(ch);
    if (shift) out.push({ keysym: XK.Shift_L, code: null, down: true });
    out.push({ keysym, code: null, down: true }, { keysym, code: null, down: false });
    if (shift) out.push({ keysym: XK.Shift_L, code: null, down: false });
  }
  return out;
}
