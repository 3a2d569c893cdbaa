/**
 * The Electron main process: app lifecycle only. It hardens sessions and web contents (security.ts),
 * serves the renderer on app:// (renderer-protocol.ts), opens the window at once and builds the backend
 * behind it (the page waits for its first answers: deferred-bridge-host.ts), handing the platform ports
 * (safeStorage secrets, the vetted shell) to the shared composition root (backend/app-backend.ts), and binds
 * the backend to IPC (ipc.ts) for the main window and undocked consoles (app-windows.ts).
 *
 * One XenDeck per user: a second launch hands its links and files to the first and quits.
 *
 * Bundled by scripts/build-electron.mjs into dist/electron/main.cjs, next to preload.cjs; the renderer is
 * in dist/renderer.
 */
import { app, BrowserWindow, dialog, session, type WebContents } from 'electron';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileRequest, parseXendeckUrl } from '../shared/open-request';
import { APP_ORIGIN } from './app-origin';
import { consoleWindowOptions, createMainWindow, devToolsWanted, type WindowSettings } from './app-windows';
import { createAppBackend, listenForConsoles, type AppBackend, type ConsoleListener } from './backend/app-backend';
import { createConnectionService } from './backend/connection-service';
import { OpenRequestQueue } from './backend/open-requests';
import { rendererSecurityHeaders } from './backend/renderer-assets';
import { FileCertificateStore } from './backend/stores/file-certificate-store';
import { FileSettingsStore } from './backend/stores/file-settings-store';
import { deferredBridgeHost } from './deferred-bridge-host';
import { bindIpc, type IpcBinding } from './ipc';
import { openRequestsFromArgv } from './launch-arguments';
import { openExternalSafely } from './open-external';
import { desktopProfileDir } from './profile-dir';
import { registerAppScheme, serveRenderer } from './renderer-protocol';
import { hardenSession, hardenWebContents } from './security';
import { chooseSecretStore } from './safe-storage-secret-store';
import { runSmokeTest, smokeTestDir } from './smoke-test';

const rendererDir = join(__dirname, '..', 'renderer');
const log = (line: string) => console.log(`[xendeck] ${line}`);
const smokeDir = smokeTestDir(process.argv);
const linuxIcon = join(__dirname, '..', '..', 'assets', 'icons', '512x512.png');
const windowSettings: WindowSettings = {
  preloadPath: join(__dirname, 'preload.cjs'),
  devTools: devToolsWanted(),
  iconPath: process.platform === 'linux' && existsSync(linuxIcon) ? linuxIcon : undefined,
};

if (process.env.XENDECK_STATE_DIR) app.setPath('userData', process.env.XENDECK_STATE_DIR);
else if (smokeDir) app.setPath('userData', mkdtempSync(join(tmpdir(), 'xendeck-smoke-test-')));
else app.setPath('userData', desktopProfileDir(app.getPath('appData')));

const openRequests = new OpenRequestQueue();
let backendReady: Promise<AppBackend> | undefined;
let consoleListener: ConsoleListener | undefined;
let ipc: IpcBinding | undefined;
let mainWindow: BrowserWindow | undefined;
let exitCode = 0;
const windows = new Set<WebContents>();

// A smoke test runs beside whatever the user has open, in its own temporary profile.
if (!smokeDir && !app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, { openExternal: openExternalSafely, childWindow: (url) => consoleWindowOptions(url, windowSettings) }),
  );
  // macOS hands links and files to the running app as events, also before it is ready.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const request = parseXendeckUrl(url);
    if (request) deliver([request]);
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    const request = openFileRequest(path);
    if (request) deliver([request]);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => deliver(openRequestsFromArgv(argv, workingDirectory)));
  for (const request of openRequestsFromArgv(process.argv, process.cwd())) openRequests.push(request);
  void app.whenReady().then(start).catch((err: unknown) => {
    // The user reads the reason (e.g. which process holds the state folder); the stack goes to the log.
    if (err instanceof Error && err.stack) log(err.stack);
    dialog.showErrorBox('XenDeck could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  // The console listener is bound first: its port is in the CSP of the page the window loads right away.
  consoleListener = await listenForConsoles((origin) => origin === APP_ORIGIN);
  serveRenderer(session.defaultSession, rendererDir, rendererSecurityHeaders(consoleListener.port));
  backendReady = startBackend(consoleListener);
  ipc = bindIpc(deferredBridgeHost(backendReady, log), (contents) => windows.has(contents));
  const win = openMainWindow();
  backendReady.catch((err: unknown) => {
    log(`the backend could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (smokeDir) {
      exitCode = 1;
      app.quit();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
  if (smokeDir) {
    void runSmokeTest(win, smokeDir, log).then((code) => {
      exitCode = code;
      app.quit();
    });
  }
}

async function startBackend(listener: ConsoleListener): Promise<AppBackend> {
  const stateDir = app.getPath('userData');
  return createAppBackend({
    mode: 'electron',
    version: app.getVersion(),
    stateDir,
    // May wait for a keychain prompt or a D-Bus timeout: the window is already open.
    secrets: await chooseSecretStore(stateDir, { log }),
    certificates: new FileCertificateStore(stateDir, { log }),
    settings: new FileSettingsStore(stateDir, { log }),
    shell: { openExternal: openExternalSafely },
    createConnections: createConnectionService,
    isPageOrigin: (origin) => origin === APP_ORIGIN,
    demo: process.env.XENDECK_NO_DEMO !== '1',
    log,
    consoleListener: listener,
    openRequests,
  });
}

function openMainWindow(): BrowserWindow {
  const win = createMainWindow(windowSettings);
  mainWindow = win;
  registerWindow(win);
  return win;
}

/** A window of ours: its page may use the Bridge, and so may the consoles it undocks. */
function registerWindow(win: BrowserWindow): void {
  const contents = win.webContents;
  windows.add(contents);
  ipc?.attach(contents);
  contents.once('destroyed', () => windows.delete(contents));
  contents.on('did-create-window', (child) => registerWindow(child));
}

/** Links and files from the OS: queued for the page, and the app comes to the front (a new window if none is left, as on macOS). */
function deliver(requests: ReturnType<typeof openRequestsFromArgv>): void {
  for (const request of requests) openRequests.push(request);
  if (!ipc) return; // not started yet: the page takes them when it loads
  const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : openMainWindow();
  if (win.isMinimized()) win.restore();
  win.focus();
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin' || smokeDir) app.quit();
});

let disposed = false;
app.on('will-quit', (event) => {
  if (disposed) return;
  // Log out of every pool and stop the demo simulator before exiting (a clean XAPI logout frees the session).
  event.preventDefault();
  disposed = true;
  ipc?.dispose();
  const backend = backendReady?.catch(() => undefined);
  void Promise.resolve(backend)
    .then((b) => (b ? b.dispose() : consoleListener?.service.stop()))
    .catch((err: unknown) => log(`stopping the backend failed: ${err instanceof Error ? err.message : String(err)}`))
    .finally(() => app.exit(exitCode));
});
