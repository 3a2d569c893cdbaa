/**
 * The renderer's origin in Electron: `app://xendeck`, a privileged standard scheme served from
 * dist/renderer (Electron security checklist item 18: a custom protocol rather than file://).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'xendeck';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Whether `url` belongs to the app's own origin. Parsed with URL, never string prefixes
 * (`app://xendeck.evil/` starts with `app://xendeck`). Node's URL gives custom schemes an opaque
 * origin ('null'), so protocol and host are compared instead of `.origin`.
 */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
