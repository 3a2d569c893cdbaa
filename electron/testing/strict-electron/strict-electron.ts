/**
 * A strict stand-in for the installed Electron's main-process module, for running the real built main
 * process (dist/electron/main.cjs, or the one inside the packaged app.asar) in plain Node where the
 * Electron binary cannot run. It models what XenDeck uses, as Electron behaves: the app's lifecycle
 * (`ready`, quit with preventable `will-quit`, exit), windows whose pages are loaded through the app's own
 * protocol handler and whose sandboxed preload runs in a `vm` (page.ts), IPC both ways with structured
 * clones, permission handlers, window.open through the window-open handler, safeStorage with a keychain.
 *
 * Strict: every object is checked against electron.d.ts (strict.ts) — unknown or renamed APIs, unknown
 * events, options Electron does not have and calls on the wrong side of `ready` throw and are recorded.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElectronApi } from './electron-api';
import { StandInPage, withGetters } from './page';
import { checkKeys, strict, violation, type Strictness } from './strict';

export interface StandInOptions {
  api: ElectronApi;
  /** The app's folder: package.json (name, productName, version) and `main`. */
  appRoot: string;
  /** What app.getPath('appData') answers (a temporary folder). */
  appData: string;
  isPackaged: boolean;
  /** Whether another instance holds the single-instance lock. */
  anotherInstanceRunning?: boolean;
}

type Listener = (...args: unknown[]) => unknown;

/** An Electron-style event: `preventDefault()` is remembered. */
function electronEvent(extra: object = {}): { defaultPrevented: boolean; preventDefault(): void } {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
    ...extra,
  };
  return event;
}

export class StrictElectron {
  readonly strictness: Strictness;
  readonly windows: StandInWindow[] = [];
  readonly ipcHandlers = new Map<string, Listener>();
  readonly protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  readonly privilegedSchemes: { scheme: string; privileges?: Record<string, unknown> }[] = [];
  readonly errorBoxes: string[] = [];
  readonly openedExternally: string[] = [];
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  exitCode: number | undefined;
  readonly exited: Promise<number>;
  /** `require('electron')` for the main process. */
  readonly main: Record<string, unknown>;
  private ready = false;
  private resolveExit!: (code: number) => void;
  private readonly appModel: AppModel;
  private nextWebContentsId = 1;

  constructor(readonly options: StandInOptions) {
    this.strictness = {
      api: options.api,
      isReady: () => this.ready,
      violations: [],
      // Stated by Electron's documentation and enforced by Electron itself, not in the doc comments of electron.d.ts.
      extraRules: {
        'Session.protocol': { when: 'after-ready', says: 'sessions exist once the app is ready' },
        'SafeStorage.isAsyncEncryptionAvailable': { when: 'after-ready', says: 'safeStorage initialises its encryptor after the app is ready' },
        'SafeStorage.encryptStringAsync': { when: 'after-ready', says: 'safeStorage initialises its encryptor after the app is ready' },
        'SafeStorage.decryptStringAsync': { when: 'after-ready', says: 'safeStorage initialises its encryptor after the app is ready' },
      },
    };
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    const pkg = JSON.parse(readFileSync(join(options.appRoot, 'package.json'), 'utf8')) as { name: string; productName?: string; version: string };
    this.appModel = new AppModel(this, pkg, options);
    const s = this.strictness;
    const create = (windowOptions: Record<string, unknown> = {}) => {
      if (!this.ready) violation(s, 'new BrowserWindow() before the app is ready');
      return this.createWindow(windowOptions).proxy;
    };
    // The BrowserWindow class: construction needs a ready app (Electron throws "Cannot create BrowserWindow before app is ready").
    const BrowserWindow = function BrowserWindow(windowOptions?: Record<string, unknown>) {
      return create(windowOptions);
    } as unknown as { getAllWindows(): unknown[] };
    Object.assign(BrowserWindow, { getAllWindows: () => this.windows.filter((w) => !w.destroyed).map((w) => w.proxy) });
    const session = withGetters({}, {
      defaultSession: () => {
        if (!this.ready) violation(s, "session.defaultSession before the app is ready (Electron: 'Session can only be received when app is ready')");
        return this.defaultSession;
      },
    });
    const modules: Record<string, unknown> = {
      app: strict(s, 'App', this.appModel, 'app'),
      BrowserWindow: strict(s, 'BrowserWindow', BrowserWindow, 'BrowserWindow', true),
      session,
      protocol: strict(s, 'Protocol', new ProtocolModel(this), 'protocol'),
      ipcMain: strict(s, 'IpcMain', new IpcMainModel(this), 'ipcMain'),
      dialog: strict(s, 'Dialog', { showErrorBox: (title: string, content: string) => void this.errorBoxes.push(`${title}: ${content}`) }, 'dialog'),
      shell: strict(s, 'Shell', { openExternal: async (url: string) => void this.openedExternally.push(url) }, 'shell'),
      nativeTheme: strict(s, 'NativeTheme', Object.assign(new EventEmitter(), { shouldUseDarkColors: false }), 'nativeTheme'),
      safeStorage: strict(s, 'SafeStorage', new KeychainModel(), 'safeStorage'),
    };
    // The module object: names Electron's main process exports, each modelled or refused.
    this.main = new Proxy(modules, {
      get: (target, key) => {
        // Module-loader probes (a module namespace is not a thenable), not the app's use of Electron.
        if (typeof key === 'symbol' || key === '__esModule' || key === 'then') return undefined;
        if (key === 'default') return this.main;
        if (!s.api.mainExports.has(key)) violation(s, `require('electron').${key}: the main process module of Electron ${s.api.version} has no such export`);
        if (!(key in target)) violation(s, `require('electron').${key} exists in Electron ${s.api.version} but the stand-in does not model it`);
        return target[key];
      },
    });
    for (const key of Object.keys(modules)) if (!s.api.mainExports.has(key)) violation(s, `the stand-in models electron.${key}, which Electron ${s.api.version} does not export`);
  }

  private defaultSessionModel: object | undefined;
  get defaultSession(): object {
    this.defaultSessionModel ??= strict(this.strictness, 'Session', new SessionModel(this), 'session.defaultSession');
    return this.defaultSessionModel;
  }

  get app(): AppModel {
    return this.appModel;
  }

  /** Electron's start: 'will-finish-launching', then ready (whenReady resolves, 'ready' is emitted). */
  async launch(): Promise<void> {
    this.appModel.emit('will-finish-launching', electronEvent());
    this.ready = true;
    this.appModel._resolveReadyNow();
    this.appModel.emit('ready', electronEvent(), {});
    await new Promise((r) => setImmediate(r));
  }

  createWindow(windowOptions: Record<string, unknown>, opener?: StandInWindow): StandInWindow {
    checkKeys(this.strictness, 'BrowserWindowConstructorOptions', windowOptions, 'new BrowserWindow(options)');
    if (windowOptions.webPreferences) checkKeys(this.strictness, 'WebPreferences', windowOptions.webPreferences as object, 'webPreferences');
    const win = new StandInWindow(this, windowOptions, this.nextWebContentsId++, opener);
    this.windows.push(win);
    // Electron emits this as the contents are created, before anyone can load a page into them.
    this.appModel.emit('web-contents-created', electronEvent(), win.webContents.proxy);
    this.appModel.emit('browser-window-created', electronEvent(), win.proxy);
    return win;
  }

  exit(code: number): void {
    if (this.exitCode !== undefined) return;
    for (const win of this.windows) win.destroy();
    this.exitCode = code;
    this.resolveExit(code);
  }
}

class AppModel extends EventEmitter {
  private readonly _paths = new Map<string, string>();
  private _resolveReady!: () => void;
  private readonly _readyPromise = new Promise<void>((r) => (this._resolveReady = r));
  private _quitting = false;
  readonly name: string;
  readonly isPackaged: boolean;

  constructor(
    private readonly _standIn: StrictElectron,
    private readonly _pkg: { name: string; productName?: string; version: string },
    private readonly _options: StandInOptions,
  ) {
    super();
    this.name = _pkg.productName ?? _pkg.name;
    this.isPackaged = _options.isPackaged;
    this._paths.set('appData', _options.appData);
    this._paths.set('temp', join(_options.appData, '..', 'tmp'));
    // Electron's default: the app's name under appData.
    this._paths.set('userData', join(_options.appData, this.name));
  }

  _resolveReadyNow(): void {
    this._resolveReady();
  }

  whenReady(): Promise<void> {
    return this._readyPromise;
  }
  isReady(): boolean {
    return this._standIn.strictness.isReady();
  }
  getPath(name: string): string {
    const path = this._paths.get(name);
    if (!path) throw new Error(`Failed to get '${name}' path`);
    return path;
  }
  setPath(name: string, path: string): void {
    if (this._standIn.strictness.isReady() && name === 'userData') violation(this._standIn.strictness, "app.setPath('userData') after ready: Chromium has already opened its profile there");
    this._paths.set(name, path);
  }
  getVersion(): string {
    return this._pkg.version;
  }
  getName(): string {
    return this.name;
  }
  getAppPath(): string {
    return this._options.appRoot;
  }
  requestSingleInstanceLock(): boolean {
    return !this._options.anotherInstanceRunning;
  }
  quit(): void {
    if (this._standIn.exitCode !== undefined) return;
    const before = electronEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    this._quitting = true;
    for (const win of this._standIn.windows) win.close();
    const willQuit = electronEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.emit('quit', electronEvent(), 0);
    this._standIn.exit(0);
  }
  exit(code = 0): void {
    this._standIn.exit(code);
  }
  /** Closing the last window (not while quitting) is what makes Electron emit 'window-all-closed'. */
  _windowClosed(): void {
    if (!this._quitting && this._standIn.windows.every((w) => w.destroyed)) this.emit('window-all-closed', electronEvent());
  }
}

class ProtocolModel {
  constructor(private readonly _standIn: StrictElectron) {}
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, unknown> }[]): void {
    for (const scheme of schemes) {
      checkKeys(this._standIn.strictness, 'CustomScheme', scheme, 'registerSchemesAsPrivileged(scheme)');
      if (scheme.privileges) checkKeys(this._standIn.strictness, 'Privileges', scheme.privileges, `privileges of ${scheme.scheme}`);
      this._standIn.privilegedSchemes.push(scheme);
    }
  }
}

class IpcMainModel extends EventEmitter {
  constructor(private readonly _standIn: StrictElectron) {
    super();
  }
  handle(channel: string, listener: Listener): void {
    if (this._standIn.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this._standIn.ipcHandlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this._standIn.ipcHandlers.delete(channel);
  }
}

class SessionModel extends EventEmitter {
  readonly protocol: object;
  constructor(private readonly _standIn: StrictElectron) {
    super();
    this.protocol = strict(_standIn.strictness, 'Protocol', {
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        if (_standIn.protocolHandlers.has(scheme)) throw new Error(`The scheme has been handled: ${scheme}`);
        _standIn.protocolHandlers.set(scheme, handler);
      },
    }, 'session.protocol');
  }
  setPermissionRequestHandler(handler: Listener | null): void {
    this._standIn.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this._standIn.permissionCheckHandler = handler;
  }
}

/** safeStorage on a machine with a keychain: AES-256-GCM under a key that lives as long as the stand-in. */
class KeychainModel {
  private readonly _key = randomBytes(32);
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    return true;
  }
  getSelectedStorageBackend(): string {
    return 'gnome_libsecret';
  }
  async encryptStringAsync(text: string): Promise<Buffer> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this._key, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  async decryptStringAsync(data: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    const decipher = createDecipheriv('aes-256-gcm', this._key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return { shouldReEncrypt: false, result: Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8') };
  }
}

export class StandInWindow extends EventEmitter {
  readonly proxy: object;
  readonly webContents: StandInPage;
  destroyed = false;
  private _shown = false;

  constructor(
    private readonly _standIn: StrictElectron,
    readonly windowOptions: Record<string, unknown>,
    id: number,
    readonly opener?: StandInWindow,
  ) {
    super();
    this.webContents = new StandInPage(_standIn, this, id, (windowOptions.webPreferences ?? {}) as Record<string, unknown>);
    this.proxy = strict(_standIn.strictness, 'BrowserWindow', withGetters({
      loadURL: (url: string) => this.webContents.load(url),
      show: () => void (this._shown = true),
      focus: () => undefined,
      isMinimized: () => false,
      restore: () => undefined,
      isDestroyed: () => this.destroyed,
      close: () => this.close(),
      on: (event: string, l: Listener) => void this.on(event, l),
      once: (event: string, l: Listener) => void this.once(event, l),
    }, { webContents: () => this.webContents.proxy }), `BrowserWindow#${id}`);
  }

  get shown(): boolean {
    return this._shown;
  }

  /** The user closes the window (or the app quits). */
  close(): void {
    if (this.destroyed) return;
    const event = electronEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
    this.emit('closed');
    this._standIn.app._windowClosed();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroy();
  }
}
