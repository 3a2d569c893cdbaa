/**
 * X11 keysyms (what RFB KeyEvents carry, RFC 6143 §7.5.4) that the simulated guests understand.
 * Latin-1 keysyms equal their code points; Unicode keysyms are 0x01000000 + code point.
 */

export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Delete: 0xffff,
  KP_Delete: 0xff9f,
  KP_Enter: 0xff8d,
  Left: 0xff51,
  Up: 0xff52,
  Right: 0xff53,
  Down: 0xff54,
  F1: 0xffbe,
  F12: 0xffc9,
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  Control_L: 0xffe3,
  Control_R: 0xffe4,
  Meta_L: 0xffe7,
  Meta_R: 0xffe8,
  Alt_L: 0xffe9,
  Alt_R: 0xffea,
  Super_L: 0xffeb,
  Super_R: 0xffec,
} as const;

/** The printable character a keysym types, if any. */
export function keysymToChar(keysym: number): string | undefined {
  if (keysym >= 0x20 && keysym <= 0x7e) return String.fromCharCode(keysym);
  if (keysym >= 0xa0 && keysym <= 0xff) return String.fromCharCode(keysym);
  if (keysym >= 0x01000100 && keysym <= 0x0110ffff) return String.fromCodePoint(keysym - 0x01000000);
  if (keysym >= 0xffb0 && keysym <= 0xffb9) return String(keysym - 0xffb0); // keypad digits
  return undefined;
}

/** F1..F12 as 1..12, or undefined. */
export function functionKeyNumber(keysym: number): number | undefined {
  return keysym >= XK.F1 && keysym <= XK.F12 ? keysym - XK.F1 + 1 : undefined;
}

/** Tracks which modifiers are held, from the key events themselves. */
export class ModifierState {
  private readonly held = new Set<number>();

  update(down: boolean, keysym: number): void {
    if (down) this.held.add(keysym);
    else this.held.delete(keysym);
  }

  get ctrl(): boolean {
    return this.held.has(XK.Control_L) || this.held.has(XK.Control_R);
  }

  get alt(): boolean {
    return this.held.has(XK.Alt_L) || this.held.has(XK.Alt_R) || this.held.has(XK.Meta_L) || this.held.has(XK.Meta_R);
  }

  get superKey(): boolean {
    return this.held.has(XK.Super_L) || this.held.has(XK.Super_R);
  }

  reset(): void {
    this.held.clear();
  }
}

export function isCtrlAltDel(mods: ModifierState, keysym: number): boolean {
  return mods.ctrl && mods.alt && (keysym === XK.Delete || keysym === XK.KP_Delete);
}
