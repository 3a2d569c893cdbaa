/**
 * A Linux guest's VGA console as seen through VNC: a kernel and systemd boot log on tty1, then a
 * getty `login:` prompt on tty1..tty6 (Ctrl+Alt+F1…F6 or Alt+F1…F6 switch), a tiny shell after
 * login, typed keys echoed, and Ctrl+Alt+Del rebooting (systemd's ctrl-alt-del.target).
 */
import { arrowCursor } from './cursor';
import { StepScheduler, type ConsoleClock } from './console-clock';
import { Framebuffer } from './framebuffer';
import { ModifierState, XK, functionKeyNumber, isCtrlAltDel, keysymToChar } from './keysyms';
import type { RfbCursor, RfbScreen } from './rfb-server';
import { TextConsole } from './text-console';
import type { GuestInfo } from './guest-info';

const TTY_COUNT = 6;

type GettyState = 'idle' | 'login' | 'password' | 'shell';

interface Getty {
  tty: number;
  console: TextConsole;
  state: GettyState;
  line: string;
  user: string;
}

export class LinuxScreen implements RfbScreen {
  readonly framebuffer: Framebuffer;
  readonly cursor: RfbCursor = arrowCursor();
  readonly desktopName: string;
  private readonly ttys: Getty[];
  private active = 0;
  private readonly mods = new ModifierState();
  private readonly scheduler: StepScheduler;
  private bootCount = 0;
  private bootStartedAt = 0;

  constructor(
    private readonly info: GuestInfo,
    private readonly clock: ConsoleClock,
    /** Pause between boot log lines; 0 prints the whole log at once (tests). */
    private readonly bootLineMs = 35,
  ) {
    this.framebuffer = new Framebuffer(info.width, info.height);
    this.desktopName = info.desktopName;
    this.scheduler = new StepScheduler(clock);
    this.ttys = Array.from({ length: TTY_COUNT }, (_, i) => ({ tty: i + 1, console: new TextConsole(this.framebuffer), state: 'idle', line: '', user: '' }));
    this.ttys[0].console.activate();
    this.boot();
  }

  /** Stops the boot log timers (the VM halted or this screen was replaced). */
  dispose(): void {
    this.scheduler.cancelAll();
  }

  /** Text of tty `n` (1-based), row by row: what a user would read on that console. */
  screenText(tty = this.active + 1): string[] {
    const c = this.ttys[tty - 1].console;
    return Array.from({ length: c.rows }, (_, r) => c.rowText(r));
  }

  get activeTty(): number {
    return this.active + 1;
  }

  keyEvent(down: boolean, keysym: number): void {
    this.mods.update(down, keysym);
    if (!down) return;
    if (isCtrlAltDel(this.mods, keysym)) {
      this.ctrlAltDel();
      return;
    }
    const fn = functionKeyNumber(keysym);
    if (fn !== undefined && this.mods.alt) {
      if (fn <= TTY_COUNT) this.switchTo(fn - 1);
      return;
    }
    this.ttyKey(this.ttys[this.active], keysym);
  }

  pointerEvent(_buttonMask: number, x: number, y: number): void {
    this.ttys[this.active].console.setPointer(x, y);
  }

  private switchTo(index: number): void {
    if (index === this.active) return;
    this.ttys[this.active].console.deactivate();
    this.active = index;
    this.ttys[index].console.activate();
  }

  /** Reboot as systemd does on Ctrl+Alt+Del: a few shutdown lines, then the boot log again. */
  private ctrlAltDel(): void {
    this.scheduler.cancelAll();
    this.mods.reset();
    this.switchTo(0);
    const tty1 = this.ttys[0].console;
    const lines = [
      '[  \x1b[32mOK\x1b[0m  ] Stopped target \x1b[1mgetty.target\x1b[0m - Login Prompts.',
      '[  \x1b[32mOK\x1b[0m  ] Stopped \x1b[1msystemd-logind.service\x1b[0m - User Login Management.',
      '[  \x1b[32mOK\x1b[0m  ] Unmounted \x1b[1m/boot\x1b[0m.',
      '[  \x1b[32mOK\x1b[0m  ] Reached target \x1b[1mreboot.target\x1b[0m - System Reboot.',
      `[${stamp(this.uptimeSeconds())}] reboot: Restarting system`,
    ];
    tty1.write('\n');
    this.scheduler.run(
      lines.map((l) => () => tty1.write(l + '\n')),
      this.bootLineMs,
      () => this.scheduler.after(this.bootLineMs * 4, () => this.boot()),
    );
  }

  private uptimeSeconds(): number {
    return (this.clock.now() - this.bootStartedAt) / 1000;
  }

  private boot(): void {
    this.bootCount++;
    this.bootStartedAt = this.clock.now();
    for (const t of this.ttys) {
      t.state = 'idle';
      t.line = '';
      t.console.clear();
    }
    const tty1 = this.ttys[0].console;
    const lines = bootLog(this.info, this.bootCount);
    this.scheduler.run(
      lines.map((l) => () => tty1.write(l + '\n')),
      this.bootLineMs,
      () => {
        for (const t of this.ttys) this.loginPrompt(t, true);
      },
    );
  }

  private loginPrompt(t: Getty, banner: boolean): void {
    t.state = 'login';
    t.line = '';
    t.user = '';
    if (banner) t.console.write(`\n${this.info.distro} ${this.info.hostname} tty${t.tty}\n\n`);
    t.console.write(`${this.info.hostname} login: `);
  }

  private ttyKey(t: Getty, keysym: number): void {
    if (t.state === 'idle') return;
    if (keysym === XK.Return || keysym === XK.KP_Enter) {
      this.submit(t);
      return;
    }
    if (keysym === XK.BackSpace) {
      if (!t.line) return;
      t.line = t.line.slice(0, -1);
      if (t.state !== 'password') t.console.backspace();
      return;
    }
    const ch = keysymToChar(keysym);
    if (ch === undefined) return;
    if (this.mods.ctrl) {
      this.control(t, ch.toLowerCase());
      return;
    }
    t.line += ch;
    if (t.state !== 'password') t.console.write(ch);
  }

  private control(t: Getty, ch: string): void {
    if (ch === 'c') {
      t.console.write('^C\n');
      if (t.state === 'shell') this.shellPrompt(t);
      else this.loginPrompt(t, false);
    } else if (ch === 'l' && t.state === 'shell') {
      t.console.clear();
      t.line = '';
      this.shellPrompt(t);
    } else if (ch === 'd' && t.state === 'shell' && t.line === '') {
      this.logout(t);
    }
  }

  private submit(t: Getty): void {
    const line = t.line;
    t.line = '';
    t.console.write('\n');
    switch (t.state) {
      case 'login':
        if (!line.trim()) this.loginPrompt(t, false);
        else {
          t.user = line.trim();
          t.state = 'password';
          t.console.write('Password: ');
        }
        return;
      case 'password':
        // Any password opens the demo guest: there is nothing in it to protect.
        t.state = 'shell';
        t.console.write(motd(this.info, this.clock.now()));
        this.shellPrompt(t);
        return;
      case 'shell':
        this.runCommand(t, line.trim());
        return;
    }
  }

  private shellPrompt(t: Getty): void {
    t.state = 'shell';
    t.line = '';
    t.console.write(`${t.user}@${this.info.hostname}:~${t.user === 'root' ? '#' : '$'} `);
  }

  private logout(t: Getty): void {
    t.console.clear();
    this.loginPrompt(t, true);
  }

  private runCommand(t: Getty, command: string): void {
    const [name, ...args] = command.split(/\s+/);
    const out = (text: string) => t.console.write(text + '\n');
    switch (name) {
      case '':
        break;
      case 'exit':
      case 'logout':
        this.logout(t);
        return;
      case 'clear':
        t.console.clear();
        break;
      case 'echo':
        out(args.join(' '));
        break;
      case 'whoami':
        out(t.user);
        break;
      case 'hostname':
        out(this.info.hostname);
        break;
      case 'uname':
        out(args.includes('-a') ? `Linux ${this.info.hostname} ${this.info.kernel} #1 SMP x86_64 GNU/Linux` : 'Linux');
        break;
      case 'tty':
        out(`/dev/tty${t.tty}`);
        break;
      case 'uptime':
        out(` up ${Math.floor(this.uptimeSeconds() / 60)} min,  1 user,  load average: 0.08, 0.03, 0.01`);
        break;
      case 'date':
        out(new Date(this.clock.now()).toUTCString());
        break;
      default:
        out(`-bash: ${name}: command not found`);
    }
    this.shellPrompt(t);
  }
}

function stamp(seconds: number): string {
  return seconds.toFixed(6).padStart(12, ' ');
}

function ok(text: string): string {
  return `[  \x1b[32mOK\x1b[0m  ] ${text}`;
}

/** A believable Xen HVM guest boot: kernel messages with timestamps, then systemd units. */
function bootLog(info: GuestInfo, bootCount: number): string[] {
  const memKiB = info.memoryMiB * 1024;
  const kernelLines: [number, string][] = [
    [0, `Linux version ${info.kernel} (${info.kernelBuilder}) #1 SMP PREEMPT_DYNAMIC`],
    [0, `Command line: BOOT_IMAGE=/boot/vmlinuz-${info.kernel} root=UUID=${info.rootUuid} ro console=tty0 quiet`],
    [0, 'BIOS-provided physical RAM map:'],
    [0, 'DMI: Xen HVM domU, BIOS 4.17 12/01/2023'],
    [0, 'Hypervisor detected: Xen HVM'],
    [0, 'Xen version 4.17.'],
    [0.004, `Memory: ${Math.round(memKiB * 0.96)}K/${memKiB}K available`],
    [0.012, `smpboot: Allowing ${info.vcpus} CPUs, 0 hotplug CPUs`],
    [0.031, 'xen:events: Using FIFO-based ABI'],
    [0.052, `smp: Brought up 1 node, ${info.vcpus} CPU${info.vcpus > 1 ? 's' : ''}`],
    [0.218, 'xen: --> pirq=16 -> irq=8 (gsi=8)'],
    [0.402, 'xenbus_probe_frontend: Device with no driver: device/vbd/768'],
    [0.611, 'blkfront: xvda: flush diskcache: enabled; persistent grants: enabled; indirect descriptors: enabled;'],
    [0.623, ' xvda: xvda1 xvda2 < xvda5 >'],
    [0.704, 'xen_netfront: Initialising Xen virtual ethernet driver'],
    [1.102, 'EXT4-fs (xvda1): mounted filesystem with ordered data mode. Quota mode: none.'],
    [1.341, `systemd[1]: systemd 252 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +SECCOMP)`],
    [1.344, `systemd[1]: Hostname set to <${info.hostname}>.`],
  ];
  const units = [
    'Created slice \x1b[1msystem-getty.slice\x1b[0m - Slice /system/getty.',
    'Reached target \x1b[1mlocal-fs.target\x1b[0m - Local File Systems.',
    'Started \x1b[1msystemd-journald.service\x1b[0m - Journal Service.',
    'Started \x1b[1msystemd-udevd.service\x1b[0m - Rule-based Manager for Device Events and Files.',
    'Finished \x1b[1msystemd-fsck-root.service\x1b[0m - File System Check on Root Device.',
    'Reached target \x1b[1mnetwork.target\x1b[0m - Network.',
    'Started \x1b[1mxe-linux-distribution.service\x1b[0m - Xen guest agent.',
    'Started \x1b[1mssh.service\x1b[0m - OpenBSD Secure Shell server.',
    'Started \x1b[1mcron.service\x1b[0m - Regular background program processing daemon.',
    'Started \x1b[1msystemd-logind.service\x1b[0m - User Login Management.',
    'Started \x1b[1mgetty@tty1.service\x1b[0m - Getty on tty1.',
    'Reached target \x1b[1mmulti-user.target\x1b[0m - Multi-User System.',
  ];
  return [
    ...kernelLines.map(([t, text]) => `[${stamp(t + (bootCount - 1) * 0.000123)}] ${text}`),
    '',
    `Welcome to \x1b[1m${info.distro}\x1b[0m!`,
    '',
    ...units.map(ok),
  ];
}

function motd(info: GuestInfo, now: number): string {
  return (
    `Linux ${info.hostname} ${info.kernel} #1 SMP x86_64\n\n` +
    'The programs included with this system are free software;\n' +
    'the exact distribution terms for each program are described in the\n' +
    'individual files in /usr/share/doc/*/copyright.\n' +
    `Last login: ${new Date(now - 3_600_000).toUTCString()} on tty1\n`
  );
}
