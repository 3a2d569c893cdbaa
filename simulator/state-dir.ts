import { homedir } from 'node:os';
import { join } from 'node:path';

/** Per-user state folder (certificate): $XDG_STATE_HOME/xendeck-sim, ~/.local/state/xendeck-sim, or %LOCALAPPDATA%\xendeck-sim. */
export function defaultStateDir(): string {
  if (process.env.XDG_STATE_HOME) return join(process.env.XDG_STATE_HOME, 'xendeck-sim');
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return join(process.env.LOCALAPPDATA, 'xendeck-sim');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'xendeck-sim');
  return join(homedir(), '.local', 'state', 'xendeck-sim');
}
