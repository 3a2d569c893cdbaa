/**
 * A Windows guest's screen as seen through VNC: a "Starting Windows" splash, then the lock screen
 * of a server ("Press Ctrl+Alt+Delete to sign in."), the sign-in box where typed characters show as
 * dots, and a plain desktop with a taskbar whose Start button opens a menu on click.
 */
import { arrowCursor } from './cursor';
import { StepScheduler, type ConsoleClock } from './console-clock';
import { CELL_HEIGHT } from './font';
import { Framebuffer, rgb, type Rect } from './framebuffer';
import type { GuestInfo } from './guest-info';
import { ModifierState, XK, isCtrlAltDel, keysymToChar } from './keysyms';
import type { RfbCursor, RfbScreen } from './rfb-server';

type Stage = 'starting' | 'lock' | 'signin' | 'welcome' | 'desktop';

const LOCK_BG = rgb(0, 84, 166);
const SIGNIN_BG = rgb(0, 58, 120);
const DESKTOP_BG = rgb(0, 99, 177);
const TASKBAR = rgb(32, 32, 32);
const WHITE = 0xffffff;
const GREY = rgb(200, 200, 200);
const USER = 'Administrator';

export class WindowsScreen implements RfbScreen {
  readonly framebuffer: Framebuffer;
  readonly cursor: RfbCursor = arrowCursor();
  readonly desktopName: string;
  private stage: Stage = 'starting';
  private password = '';
  private startMenuOpen = false;
  private readonly mods = new ModifierState();
  private readonly scheduler: StepScheduler;

  constructor(
    private readonly info: GuestInfo,
    private readonly clock: ConsoleClock,
    /** How long the splash stays; 0 goes straight to the lock screen (tests). */
    private readonly startingMs = 2500,
  ) {
    this.framebuffer = new Framebuffer(info.width, info.height);
    this.desktopName = info.desktopName;
    this.scheduler = new StepScheduler(clock);
    this.boot();
  }

  dispose(): void {
    this.scheduler.cancelAll();
  }

  get currentStage(): Stage {
    return this.stage;
  }

  keyEvent(down: boolean, keysym: number): void {
    this.mods.update(down, keysym);
    if (!down) return;
    if (isCtrlAltDel(this.mods, keysym)) {
      // Secure attention sequence: from the lock screen or the desktop, Windows asks for the password.
      if (this.stage === 'lock' || this.stage === 'desktop') this.showSignIn();
      return;
    }
    if (this.stage !== 'signin') return;
    if (keysym === XK.Escape) {
      this.showLock();
    } else if (keysym === XK.Return || keysym === XK.KP_Enter) {
      this.signIn();
    } else if (keysym === XK.BackSpace) {
      this.password = this.password.slice(0, -1);
      this.drawPasswordBox();
    } else {
      const ch = keysymToChar(keysym);
      if (ch !== undefined && !this.mods.ctrl) {
        this.password += ch;
        this.drawPasswordBox();
      }
    }
  }

  pointerEvent(buttonMask: number, x: number, y: number): void {
    if (this.stage !== 'desktop' || !(buttonMask & 1)) return;
    const start = this.startButton();
    if (inside(start, x, y)) {
      this.startMenuOpen = !this.startMenuOpen;
      this.drawDesktop();
    } else if (this.startMenuOpen) {
      this.startMenuOpen = false;
      this.drawDesktop();
    }
  }

  private boot(): void {
    this.stage = 'starting';
    const fb = this.framebuffer;
    fb.fillRect(full(fb), 0x000000);
    // Four-pane logo in the middle, then the caption below it.
    const size = 36;
    const cx = Math.floor(fb.width / 2);
    const cy = Math.floor(fb.height / 2) - 60;
    const blue = rgb(0, 120, 215);
    fb.fillRect({ x: cx - size - 2, y: cy - size - 2, w: size, h: size }, blue);
    fb.fillRect({ x: cx + 2, y: cy - size - 2, w: size, h: size }, blue);
    fb.fillRect({ x: cx - size - 2, y: cy + 2, w: size, h: size }, blue);
    fb.fillRect({ x: cx + 2, y: cy + 2, w: size, h: size }, blue);
    centred(fb, cy + size + 60, 'Starting Windows', WHITE, 2);
    this.scheduler.after(this.startingMs, () => this.showLock());
  }

  private showLock(): void {
    this.stage = 'lock';
    this.password = '';
    const fb = this.framebuffer;
    fb.fillRect(full(fb), LOCK_BG);
    const now = new Date(this.clock.now());
    const time = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
    const date = now.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
    fb.drawText(48, fb.height - 48 - 16 * 6 - 40 - 32, time, WHITE, undefined, 6);
    fb.drawText(52, fb.height - 48 - 40 - 32, date, WHITE, undefined, 2);
    centred(fb, fb.height - 40, 'Press Ctrl+Alt+Delete to sign in.', GREY, 1);
  }

  private showSignIn(): void {
    this.stage = 'signin';
    this.password = '';
    const fb = this.framebuffer;
    fb.fillRect(full(fb), SIGNIN_BG);
    const cx = Math.floor(fb.width / 2);
    const top = Math.floor(fb.height / 2) - 150;
    // A round-ish user picture: concentric squares are enough at this size.
    fb.fillRect({ x: cx - 50, y: top, w: 100, h: 100 }, rgb(90, 120, 160));
    fb.fillRect({ x: cx - 18, y: top + 18, w: 36, h: 36 }, GREY);
    fb.fillRect({ x: cx - 34, y: top + 62, w: 68, h: 30 }, GREY);
    centred(fb, top + 120, USER, WHITE, 2);
    this.drawPasswordBox();
    centred(fb, top + 250, 'Press Enter to sign in, Esc to cancel.', GREY, 1);
  }

  private passwordBox(): Rect {
    const fb = this.framebuffer;
    return { x: Math.floor(fb.width / 2) - 140, y: Math.floor(fb.height / 2) + 20, w: 280, h: 32 };
  }

  private drawPasswordBox(): void {
    const fb = this.framebuffer;
    const box = this.passwordBox();
    fb.fillRect(box, WHITE);
    if (!this.password) {
      fb.drawText(box.x + 8, box.y + (box.h - CELL_HEIGHT) / 2, 'Password', rgb(110, 110, 110), undefined, 1);
      return;
    }
    // One dot per character typed, as Windows masks a password.
    const dots = Math.min(this.password.length, 24);
    for (let i = 0; i < dots; i++) fb.fillRect({ x: box.x + 10 + i * 11, y: box.y + 12, w: 7, h: 7 }, rgb(20, 20, 20));
  }

  private signIn(): void {
    this.stage = 'welcome';
    const fb = this.framebuffer;
    fb.fillRect(full(fb), SIGNIN_BG);
    centred(fb, Math.floor(fb.height / 2) - 16, 'Welcome', WHITE, 2);
    this.scheduler.after(this.startingMs / 2, () => {
      this.stage = 'desktop';
      this.startMenuOpen = false;
      this.drawDesktop();
    });
  }

  private startButton(): Rect {
    return { x: 0, y: this.framebuffer.height - 40, w: 64, h: 40 };
  }

  private drawDesktop(): void {
    const fb = this.framebuffer;
    fb.fillRect({ x: 0, y: 0, w: fb.width, h: fb.height - 40 }, DESKTOP_BG);
    fb.fillRect({ x: 0, y: fb.height - 40, w: fb.width, h: 40 }, TASKBAR);
    const start = this.startButton();
    fb.fillRect({ x: start.x + 22, y: start.y + 10, w: 9, h: 9 }, WHITE);
    fb.fillRect({ x: start.x + 33, y: start.y + 10, w: 9, h: 9 }, WHITE);
    fb.fillRect({ x: start.x + 22, y: start.y + 21, w: 9, h: 9 }, WHITE);
    fb.fillRect({ x: start.x + 33, y: start.y + 21, w: 9, h: 9 }, WHITE);
    const now = new Date(this.clock.now());
    const time = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
    fb.drawText(fb.width - 60, fb.height - 28, time, WHITE, undefined, 1);
    const mark = [this.info.distro, `Build 20348.fe_release`];
    mark.forEach((line, i) => fb.drawText(fb.width - Framebuffer.textWidth(line) - 16, fb.height - 90 + i * 18, line, WHITE, undefined, 1));
    fb.drawText(24, 24, 'Recycle Bin', WHITE, undefined, 1);
    fb.drawText(24, 64, 'Server Manager', WHITE, undefined, 1);
    if (this.startMenuOpen) {
      const menu = { x: 0, y: gridY(fb.height - 40 - 360), w: 304, h: 360 };
      fb.fillRect(menu, rgb(43, 43, 43));
      ['Server Manager', 'Windows PowerShell', 'Task Manager', 'Control Panel', 'File Explorer', 'Settings'].forEach((item, i) =>
        fb.drawText(menu.x + 24, menu.y + 32 + i * 32, item, WHITE, undefined, 1),
      );
      fb.drawText(menu.x + 24, gridY(menu.y + menu.h - 32), `${USER}     Power`, GREY, undefined, 1);
    }
  }
}

function full(fb: Framebuffer): Rect {
  return { x: 0, y: 0, w: fb.width, h: fb.height };
}

/** Text is kept on the 8×16 character grid, as a console-font renderer would place it (and tests read it). */
function centred(fb: Framebuffer, y: number, text: string, colour: number, scale: number): void {
  fb.drawText(gridX((fb.width - Framebuffer.textWidth(text, scale)) / 2), gridY(y), text, colour, undefined, scale);
}

function gridX(x: number): number {
  return Math.floor(x / 8) * 8;
}

function gridY(y: number): number {
  return Math.floor(y / CELL_HEIGHT) * CELL_HEIGHT;
}

function inside(r: Rect, x: number, y: number): boolean {
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}
