/**
 * The main window and its webPreferences (Electron security checklist items 2-4, 6, 8-11).
 * Every value is spelled out even where it is Electron's default, so a unit test can assert the
 * whole set and a future default change cannot weaken it silently.
 */
import { BrowserWindow, nativeTheme, type WebPreferences } from 'electron';
import { APP_INDEX_URL } from './app-origin';

export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
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
    devTools: true,
  });
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 560,
    title: 'XenDeck',
    show: false,
    // Matches the renderer's background for the theme in use, so no white flash before the first paint.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1e23' : '#f4f5f7',
    webPreferences: mainWindowWebPreferences(preloadPath),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_INDEX_URL);
  return win;
}
