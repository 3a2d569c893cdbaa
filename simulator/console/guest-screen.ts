/** Picks the screen a guest shows on its console: a Linux text console or a Windows logon. */
import type { ConsoleClock } from './console-clock';
import type { GuestInfo } from './guest-info';
import { LinuxScreen } from './linux-screen';
import type { RfbScreen } from './rfb-server';
import { WindowsScreen } from './windows-screen';

export interface GuestScreen extends RfbScreen {
  /** Stops the screen's timers; call when the VM halts or reboots. */
  dispose(): void;
}

export interface GuestScreenTiming {
  /** Pause between boot log lines (Linux); 0 prints the log at once. */
  bootLineMs?: number;
  /** Length of the "Starting Windows" splash; 0 skips it. */
  windowsStartMs?: number;
}

export function createGuestScreen(info: GuestInfo, clock: ConsoleClock, timing: GuestScreenTiming = {}): GuestScreen {
  return info.os === 'windows' ? new WindowsScreen(info, clock, timing.windowsStartMs) : new LinuxScreen(info, clock, timing.bootLineMs);
}
