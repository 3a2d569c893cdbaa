/**
 * Where remembered passwords go. In the desktop app they are encrypted by the OS keychain
 * (Electron safeStorage); in browser mode they sit in a file only this user account can read (mode
 * 0600), which is less protected, and the user is told so before choosing "Remember me".
 */
import type { AppInfo } from '../../../shared/bridge';

export function SecretStorageNote({ info }: { info: AppInfo | undefined }) {
  if (!info) return null;
  if (info.secretStorage === 'os-keychain') {
    return <p className="info-note muted">The password is encrypted with your system keychain.</p>;
  }
  return (
    <p className="info-note warning-note" role="note">
      Browser mode: the password is saved in a file that only your user account can read, not in a system keychain. Anyone who can log in as you can read it.
    </p>
  );
}
