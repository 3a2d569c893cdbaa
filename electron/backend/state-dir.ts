/**
 * The per-user state folder of browser mode (settings, certificate pins, the 0600 secrets file).
 * Electron uses app.getPath('userData') instead. XENDECK_STATE_DIR overrides both (tests point it at a
 * temporary folder so they never touch the user's saved servers).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function browserModeStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.XENDECK_STATE_DIR) return env.XENDECK_STATE_DIR;
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'XenDeck');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'XenDeck');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'xendeck');
}
