/**
 * Electron security checklist, the parts that are handlers rather than window options:
 * navigation limited to our origin (13), no new windows but undocked consoles (14; https links go to the
 * browser, 15), no <webview> (12), permission requests and checks denied by default (5).
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { isAppUrl } from './app-origin';
import { isSafeExternalUrl } from './open-external';

/**
 * Permissions our own page may use, and nothing else:
 * - clipboard-sanitized-write: Copy in menus;
 * - fullscreen: the Console tab's Fullscreen button (Electron routes requestFullscreen() through this handler);
 * - local-network-access, loopback-network: noVNC in an app:// document connects to the console tunnel on
 *   ws://127.0.0.1; Chromium's Local Network Access treats a custom-scheme document as public and asks for
 *   these (the names are those of the installed Electron's permission list; the older name first).
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'fullscreen', 'local-network-access', 'loopback-network']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? webContents?.getURL()));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
}

export interface WindowPolicy {
  openExternal(url: string): Promise<void>;
  /** The options of a window the page may open at `url` (an undocked console), or undefined to refuse it. */
  childWindow(url: string): BrowserWindowConstructorOptions | undefined;
}

export function hardenWebContents(contents: WebContents, policy: WindowPolicy): void {
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const options = policy.childWindow(url);
    if (options) return { action: 'allow', overrideBrowserWindowOptions: options };
    // A target=_blank https link is what users expect to open in their browser; nothing else opens inside the app.
    if (isSafeExternalUrl(url)) void policy.openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}
