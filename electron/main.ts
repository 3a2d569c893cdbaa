/**
 * The Electron main process: app lifecycle only. It hardens sessions and web contents (security.ts),
 * serves the renderer on app:// (renderer-protocol.ts), builds the platform ports (safeStorage secrets,
 * the vetted shell) and hands them to the shared composition root (backend/app-backend.ts), then binds
 * the backend to IPC (ipc.ts) and opens the window (main-window.ts).
 *
 * Bundled by scripts/build-electron.mjs into dist/electron/main.cjs, next to preload.cjs; the renderer is
 * in dist/renderer.
 */
import { app, BrowserWindow, dialog, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from './app-origin';
import { createAppBackend, type AppBackend } from './backend/app-backend';
import { createConnectionService } from './backend/connection-service';
import { FileCertificateStore } from './backend/stores/file-certificate-store';
import { FileSettingsStore } from './backend/stores/file-settings-store';
import { bindIpc, type IpcBinding } from './ipc';
import { createMainWindow } from './main-window';
import { openExternalSafely } from './open-external';
import { registerAppScheme, serveRenderer } from './renderer-protocol';
import { hardenSession, hardenWebContents } from './security';
import { chooseSecretStore } from './safe-storage-secret-store';

const rendererDir = join(__dirname, '..', 'renderer');
const preloadPath = join(__dirname, 'preload.cjs');

if (process.env.XENDECK_STATE_DIR) app.setPath('userData', process.env.XENDECK_STATE_DIR);

// One XenDeck per user: a second launch focuses the first window instead of starting a second demo pool.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternalSafely));
  void app.whenReady().then(start).catch((err: unknown) => {
    dialog.showErrorBox('XenDeck could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
    app.exit(1);
  });
}

let backend: AppBackend | undefined;
let ipc: IpcBinding | undefined;
const windows = new Set<WebContents>();

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  serveRenderer(session.defaultSession, rendererDir);

  const stateDir = app.getPath('userData');
  const log = (line: string) => console.log(`[xendeck] ${line}`);
  backend = await createAppBackend({
    mode: 'electron',
    version: app.getVersion(),
    stateDir,
    secrets: await chooseSecretStore(stateDir, { log }),
    certificates: new FileCertificateStore(stateDir, { log }),
    settings: new FileSettingsStore(stateDir, { log }),
    shell: { openExternal: openExternalSafely },
    createConnections: createConnectionService,
    isPageOrigin: (origin) => origin === APP_ORIGIN,
    demo: process.env.XENDECK_NO_DEMO !== '1',
    log,
  });
  ipc = bindIpc(backend, (contents) => windows.has(contents));
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
}

function openWindow(): void {
  const win = createMainWindow(preloadPath);
  const contents = win.webContents;
  windows.add(contents);
  ipc?.attach(contents);
  contents.once('destroyed', () => windows.delete(contents));
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let disposed = false;
app.on('will-quit', (event) => {
  if (disposed || !backend) return;
  // Log out of every pool and stop the demo simulator before exiting (a clean XAPI logout frees the session).
  event.preventDefault();
  disposed = true;
  ipc?.dispose();
  void backend.dispose().finally(() => app.quit());
});
