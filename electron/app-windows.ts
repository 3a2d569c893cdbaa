/**
 * XenDeck's windows: the main window and undocked consoles. Both show the app's page with the same frozen
 * webPreferences (Electron security checklist items 2-4, 6, 8-11); every value is spelled out even where it
 * is Electron's default, so a test can assert the whole set and a future default change cannot weaken it.
 * DevTools exist only when asked for (`--devtools` or XENDECK_DEVTOOLS=1), never in an ordinary start.
 */
import { BrowserWindow, nativeTheme, type BrowserWindowConstructorOptions, type WebPreferences } from 'electron';
import { parseConsoleRouteHash } from '../shared/console-route';
import { APP_INDEX_URL, isAppUrl } from './app-origin';

export function devToolsWanted(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--devtools') || env.XENDECK_DEVTOOLS === '1';
}

export function appWebPreferences(preloadPath: string, devTools: boolean): WebPreferences {
  return Object.freeze({
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // Middle-click opens no window by itself; window.open goes through setWindowOpenHandler (security.ts).
    disableBlinkFeatures: 'Auxclick',
    devTools,
  });
}

export interface WindowSettings {
  preloadPath: string;
  devTools: boolean;
  /** The window icon on Linux (Windows and macOS take it from the executable and the bundle). */
  iconPath?: string;
}

function windowOptions(settings: WindowSettings, size: { width: number; height: number; minWidth: number; minHeight: number }, title: string): BrowserWindowConstructorOptions {
  return {
    ...size,
    title,
    show: false,
    ...(settings.iconPath ? { icon: settings.iconPath } : {}),
    // Matches the renderer's background for the theme in use, so no white flash before the first paint.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1e23' : '#f4f5f7',
    webPreferences: appWebPreferences(settings.preloadPath, settings.devTools),
  };
}

export function createMainWindow(settings: WindowSettings): BrowserWindow {
  const win = new BrowserWindow(windowOptions(settings, { width: 1360, height: 860, minWidth: 900, minHeight: 560 }, 'XenDeck'));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_INDEX_URL);
  return win;
}

/**
 * The options of an undocked console window when `url` is one (the app's page with a console route),
 * otherwise undefined: nothing else may open a window. Electron creates the window from these options
 * (setWindowOpenHandler's overrideBrowserWindowOptions), so it has the main window's webPreferences.
 */
export function consoleWindowOptions(url: string, settings: WindowSettings): BrowserWindowConstructorOptions | undefined {
  if (!isAppUrl(url)) return undefined;
  const u = new URL(url);
  if (u.pathname !== '/index.html' || u.search !== '' || !parseConsoleRouteHash(u.hash)) return undefined;
  return { ...windowOptions(settings, { width: 1060, height: 860, minWidth: 480, minHeight: 360 }, 'XenDeck console'), show: true };
}
