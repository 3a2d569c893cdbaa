/**
 * Electron security checklist, the parts that are handlers rather than window options:
 * navigation limited to our origin (13), no new windows (14; https links go to the browser, 15),
 * no <webview> (12), permission requests and checks denied by default (5).
 */
import type { Session, WebContents } from 'electron';
import { isAppUrl } from './app-origin';
import { isSafeExternalUrl } from './open-external';

/**
 * Permissions our own page may use: writing sanitized text to the clipboard (Copy in menus) and fullscreen
 * (the Console tab's Fullscreen button; Electron routes requestFullscreen() through this handler). Nothing else.
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'fullscreen']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? webContents?.getURL()));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
}

export function hardenWebContents(contents: WebContents, openExternal: (url: string) => Promise<void>): void {
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // A target=_blank https link is what users expect to open in their browser; nothing opens inside the app.
    if (isSafeExternalUrl(url)) void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}
