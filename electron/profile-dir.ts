/**
 * The desktop app's own profile folder (Electron's userData: Chromium's profile plus settings, pins and
 * secrets). Electron would name it after productName, "XenDeck", which on macOS and Windows is browser
 * mode's state folder (electron/backend/state-dir.ts; those file systems ignore case) and on Linux differs
 * from it by case only. Each runtime keeps its own, so both can run at once and neither reads the other's
 * Chromium files as settings.
 */
import { join } from 'node:path';

export function desktopProfileDir(appData: string, platform: NodeJS.Platform = process.platform): string {
  return join(appData, platform === 'linux' ? 'xendeck-desktop' : 'XenDeck Desktop');
}
