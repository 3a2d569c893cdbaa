/**
 * A stand-in for the `electron` module in unit tests (Vitest runs in plain Node; the Electron binary is not
 * there). It records what the code under test asks of Electron (window options, IPC handlers, protocol
 * registrations, openExternal calls, contextBridge exposures) so tests can assert the hardening settings.
 * Use: `vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron)`.
 */
import { EventEmitter } from 'node:events';

type Handler = (...args: unknown[]) => unknown;

export interface FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: 'allow' | 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void;
  getURL(): string;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  sent: unknown[][];
  mainFrame: FakeFrame;
  url: string;
  destroyed: boolean;
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

let nextRoutingId = 1;

export function createFakeWebContents(url = 'app://xendeck/index.html'): FakeWebContents {
  const contents = Object.assign(new EventEmitter(), {
    url,
    destroyed: false,
    sent: [] as unknown[][],
    mainFrame: { url, parent: null, processId: 7, routingId: nextRoutingId++ } as FakeFrame,
    windowOpenHandler: undefined as FakeWebContents['windowOpenHandler'],
    setWindowOpenHandler(handler: NonNullable<FakeWebContents['windowOpenHandler']>) {
      contents.windowOpenHandler = handler;
    },
    getURL: () => contents.url,
    isDestroyed: () => contents.destroyed,
    send(channel: string, ...args: unknown[]) {
      contents.sent.push([channel, ...args]);
    },
  });
  return contents;
}

export interface FakeSession {
  permissionRequestHandler?: (wc: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void;
  permissionCheckHandler?: (wc: unknown, permission: string, requestingOrigin: string) => boolean;
  setPermissionRequestHandler(h: FakeSession['permissionRequestHandler']): void;
  setPermissionCheckHandler(h: FakeSession['permissionCheckHandler']): void;
  protocol: { handlers: Map<string, (request: { url: string }) => Promise<Response>>; handle(scheme: string, h: (request: { url: string }) => Promise<Response>): void };
}

export function createFakeSession(): FakeSession {
  const s: FakeSession = {
    setPermissionRequestHandler: (h) => (s.permissionRequestHandler = h),
    setPermissionCheckHandler: (h) => (s.permissionCheckHandler = h),
    protocol: {
      handlers: new Map(),
      handle: (scheme, h) => void s.protocol.handlers.set(scheme, h),
    },
  };
  return s;
}

/** Everything the fake has recorded; `reset()` between tests. */
export const recorded = {
  windows: [] as Array<{ options: Record<string, unknown>; loadedUrl?: string; webContents: FakeWebContents }>,
  ipcHandlers: new Map<string, Handler>(),
  ipcRendererListeners: new Map<string, Handler>(),
  invoked: [] as unknown[][],
  exposed: new Map<string, unknown>(),
  privilegedSchemes: [] as unknown[],
  openedExternally: [] as Array<{ url: string; options: unknown }>,
  reset() {
    this.windows.length = 0;
    this.ipcHandlers.clear();
    this.ipcRendererListeners.clear();
    this.invoked.length = 0;
    this.exposed.clear();
    this.privilegedSchemes.length = 0;
    this.openedExternally.length = 0;
  },
};

class FakeBrowserWindow extends EventEmitter {
  readonly webContents = createFakeWebContents('');
  constructor(readonly options: Record<string, unknown>) {
    super();
    recorded.windows.push({ options, webContents: this.webContents });
  }
  async loadURL(url: string): Promise<void> {
    const entry = recorded.windows.find((w) => w.webContents === this.webContents);
    if (entry) entry.loadedUrl = url;
    this.webContents.url = url;
  }
  show(): void {}
}

export const fakeElectron = {
  BrowserWindow: FakeBrowserWindow,
  nativeTheme: { shouldUseDarkColors: false },
  ipcMain: {
    handle(channel: string, handler: Handler) {
      if (recorded.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      recorded.ipcHandlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      recorded.ipcHandlers.delete(channel);
    },
  },
  ipcRenderer: {
    on(channel: string, listener: Handler) {
      recorded.ipcRendererListeners.set(channel, listener);
    },
    async invoke(...args: unknown[]) {
      recorded.invoked.push(args);
      return { ok: true, result: args };
    },
  },
  contextBridge: {
    exposeInMainWorld(key: string, api: unknown) {
      recorded.exposed.set(key, api);
    },
  },
  protocol: {
    registerSchemesAsPrivileged(schemes: unknown[]) {
      recorded.privilegedSchemes.push(...schemes);
    },
  },
  shell: {
    async openExternal(url: string, options?: unknown) {
      recorded.openedExternally.push({ url, options });
    },
  },
};
