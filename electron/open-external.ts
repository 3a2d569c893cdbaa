/**
 * The only way out of the app to the user's browser (Electron security checklist item 15):
 * https URLs without embedded credentials, through shell.openExternal. Everything else is refused,
 * so a link in a VM description cannot launch `file:`, `smb:` or a custom protocol handler.
 */
import { shell } from 'electron';
import { bridgeError } from '../shared/bridge';

export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export async function openExternalSafely(url: string): Promise<void> {
  if (!isSafeExternalUrl(url)) throw bridgeError('EXTERNAL_URL_REFUSED', [url], 'Only https links can be opened outside XenDeck');
  await shell.openExternal(url, { activate: true });
}
