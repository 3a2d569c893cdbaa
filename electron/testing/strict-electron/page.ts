/**
 * One window's web contents in the stand-in: the WebContents the main process sees (strict, against
 * electron.d.ts) and the page the renderer would be. A page is loaded through the app's registered protocol
 * handler, keeps the CSP its document came with, runs the sandboxed preload in a `vm`, and holds the "main
 * world" where contextBridge puts what the preload exposes. IPC crosses as structured clones both ways.
 * The page's network is modelled as Chromium enforces it for what XenDeck does: WebSockets must pass the
 * CSP's connect-src and, from an app:// document to loopback, Local Network Access (permission handlers).
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { runSandboxedPreload } from './sandboxed-preload';
import { strict, violation } from './strict';
import type { StandInWindow, StrictElectron } from './strict-electron';

type Listener = (...args: unknown[]) => unknown;
type WindowOpenHandler = (details: Record<string, unknown>) => { action: 'allow' | 'deny'; overrideBrowserWindowOptions?: Record<string, unknown>; outlivesOpener?: boolean };

/**
 * Which LNA permission a Chromium build asks for depends on its Local Network Access version (the older
 * `local-network-access`, then `loopback-network` for 127.0.0.0/8); electron.d.ts of this Electron names
 * both. The stand-in asks for each, so the app must grant both to its own page.
 */
const LOOPBACK_PERMISSIONS = ['local-network-access', 'loopback-network'];

/** Crossing a context boundary: what structured clone keeps (functions and class instances do not survive). */
function cloneAcross<T>(value: T, what: string): T {
  try {
    return structuredClone(value);
  } catch (err) {
    throw new Error(`${what}: an object could not be cloned (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

export class StandInPage extends EventEmitter {
  readonly proxy: object;
  readonly mainFrameProxy: object;
  /** What contextBridge put on the page's `window`. */
  readonly mainWorld: Record<string, unknown> = {};
  url = '';
  csp: string | undefined;
  /** Every message the main process sent to this page: [channel, ...args]. */
  readonly sent: unknown[][] = [];
  destroyed = false;
  private windowOpenHandler: WindowOpenHandler | undefined;
  private readonly rendererListeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly standIn: StrictElectron,
    readonly window: StandInWindow,
    readonly id: number,
    readonly webPreferences: Record<string, unknown>,
  ) {
    super();
    const s = standIn.strictness;
    this.mainFrameProxy = strict(s, 'WebFrameMain', withGetters({ parent: null, processId: 100 + id, routingId: 1, frameTreeNodeId: id * 10 }, { url: () => this.url }), `webContents#${id}.mainFrame`);
    this.proxy = strict(s, 'WebContents', withGetters({
      id,
      getURL: () => this.url,
      isDestroyed: () => this.destroyed,
      send: (channel: string, ...args: unknown[]) => this.sendToRenderer(channel, args),
      setWindowOpenHandler: (handler: WindowOpenHandler) => void (this.windowOpenHandler = handler),
      on: (event: string, l: Listener) => void this.on(event, l),
      once: (event: string, l: Listener) => void this.once(event, l),
    }, { mainFrame: () => this.mainFrameProxy }), `webContents#${id}`);
  }

  /** `loadURL`: the document through the protocol handler, the preload, then the load events. */
  async load(url: string): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const response = await this.fetch(url);
    if (response.status !== 200) throw new Error(`ERR_FILE_NOT_FOUND (${response.status}) loading '${url}'`);
    this.csp = response.headers.get('content-security-policy') ?? undefined;
    this.url = url;
    this.emit('did-start-navigation', { url, isMainFrame: true, isSameDocument: false });
    this.emit('did-navigate', {}, url, 200, 'OK');
    const preload = this.webPreferences.preload;
    if (typeof preload === 'string') {
      if (this.webPreferences.sandbox !== true || this.webPreferences.contextIsolation !== true) violation(this.standIn.strictness, 'the stand-in runs sandboxed, context-isolated preloads only');
      runSandboxedPreload(preload, this.rendererModule(), { platform: process.platform, versions: { ...process.versions, electron: this.standIn.strictness.api.version } });
    }
    this.emit('dom-ready', {});
    this.emit('did-finish-load');
    this.window.emit('ready-to-show');
  }

  /** A request of the page (document or subresource) to the app's own scheme. */
  async fetch(url: string): Promise<Response> {
    const scheme = new URL(url).protocol.replace(/:$/, '');
    const handler = this.standIn.protocolHandlers.get(scheme);
    if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME: no protocol handler for ${scheme}:`);
    return handler(new Request(url));
  }

  /** The page calls window.open(url, frameName, features): the main process's handler decides. */
  async windowOpen(url: string, frameName = '', features = ''): Promise<StandInWindow | undefined> {
    const handler = this.windowOpenHandler;
    if (!handler) violation(this.standIn.strictness, `window.open(${url}) with no window-open handler: Electron would open any window`);
    const details = { url, frameName, features, disposition: 'new-window', referrer: { url: this.url, policy: 'strict-origin-when-cross-origin' }, postBody: undefined };
    const answer = handler(details);
    checkKeysOf(this.standIn, answer);
    if (answer.action !== 'allow') return undefined;
    const options = { ...(answer.overrideBrowserWindowOptions ?? {}) };
    const child = this.standIn.createWindow(options, this.window);
    this.emit('did-create-window', child.proxy, { ...details, options });
    await child.webContents.load(url);
    return child;
  }

  /**
   * A WebSocket from the page, as Chromium would allow it: the CSP's connect-src must name the target, and an
   * app:// page reaching loopback needs the Local Network Access permissions. Sends the page's Origin header.
   */
  async openWebSocket(target: string, protocols: string[]): Promise<WebSocket> {
    if (!allowedByConnectSrc(this.csp, this.url, target)) throw new Error(`Refused to connect to '${target}' because it violates the Content Security Policy directive: connect-src (${this.csp})`);
    const origin = `${new URL(this.url).protocol}//${new URL(this.url).host}`;
    const host = new URL(target).hostname;
    if (/^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(host)) {
      for (const permission of LOOPBACK_PERMISSIONS) {
        if (!(await this.permitted(permission, origin))) throw new Error(`Local Network Access: ${origin} was refused '${permission}' for ${target}`);
      }
    }
    const ws = new WebSocket(target, protocols, { headers: { Origin: origin } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
    });
    return ws;
  }

  private async permitted(permission: string, origin: string): Promise<boolean> {
    const { permissionCheckHandler: check, permissionRequestHandler: request } = this.standIn;
    if (!check && !request) return true; // Electron's default grants
    if (check?.(this.proxy, permission, origin, { requestingUrl: this.url, isMainFrame: true, embeddingOrigin: origin }) === true) return true;
    if (!request) return false;
    return new Promise<boolean>((resolve) => request(this.proxy, permission, (granted: boolean) => resolve(granted === true), { requestingUrl: this.url, isMainFrame: true }));
  }

  /** The renderer's `require('electron')`: contextBridge and ipcRenderer of this page, strict like the rest. */
  private rendererModule(): object {
    const s = this.standIn.strictness;
    const ipcRenderer: object = strict(s, 'IpcRenderer', Object.assign(new EventEmitter(), {
      invoke: (channel: string, ...args: unknown[]) => this.invoke(channel, args),
      on: (channel: string, listener: Listener) => {
        let set = this.rendererListeners.get(channel);
        if (!set) this.rendererListeners.set(channel, (set = new Set()));
        set.add(listener);
        return ipcRenderer;
      },
    }), 'ipcRenderer');
    const contextBridge = strict(s, 'ContextBridge', {
      exposeInMainWorld: (key: string, api: unknown) => {
        if (Object.hasOwn(this.mainWorld, key)) throw new Error(`Cannot bind an API on top of an existing property on the window object (${key})`);
        this.mainWorld[key] = bridgeValue(api);
      },
    }, 'contextBridge');
    const modules: Record<string, unknown> = { ipcRenderer, contextBridge };
    return new Proxy(modules, {
      get(target, key) {
        if (typeof key === 'symbol' || key === '__esModule') return undefined;
        if (!s.api.rendererExports.has(key)) violation(s, `require('electron').${key} in a sandboxed preload: Electron ${s.api.version}'s renderer module has no such export`);
        if (!(key in target)) violation(s, `require('electron').${key} (renderer) is not modelled by the stand-in`);
        return target[key];
      },
    });
  }

  private async invoke(channel: string, args: unknown[]): Promise<unknown> {
    const cloned = cloneAcross(args, `ipcRenderer.invoke('${channel}')`);
    const handler = this.standIn.ipcHandlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const event = strict(this.standIn.strictness, 'IpcMainInvokeEvent', {
      sender: this.proxy,
      senderFrame: this.destroyed ? null : this.mainFrameProxy,
      processId: 100 + this.id,
      frameId: 1,
      type: 'frame' as const,
      preventDefault: () => undefined,
      defaultPrevented: false,
    }, `IpcMainInvokeEvent(${channel})`);
    try {
      return cloneAcross(await handler(event, ...cloned), `reply to '${channel}'`);
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err });
    }
  }

  private sendToRenderer(channel: string, args: unknown[]): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    const cloned = cloneAcross(args, `webContents.send('${channel}')`);
    this.sent.push([channel, ...cloned]);
    setImmediate(() => {
      if (this.destroyed) return;
      for (const listener of this.rendererListeners.get(channel) ?? []) listener({ sender: 'ipcRenderer', ports: [] }, ...cloned);
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

/** `fields` with read-only live properties added (a model's view of state kept elsewhere). */
export function withGetters<T extends object>(fields: T, getters: Record<string, () => unknown>): T {
  for (const [key, get] of Object.entries(getters)) Object.defineProperty(fields, key, { get, enumerable: true });
  return fields;
}

/**
 * contextBridge's copy of a value into the main world: functions become proxies whose arguments and results
 * are copied back across (functions among the arguments too), promises resolve to copies, objects are copied.
 */
function bridgeValue(value: unknown): unknown {
  if (typeof value === 'function') {
    return (...args: unknown[]) => {
      const result = (value as (...a: unknown[]) => unknown)(...args.map(bridgeValue));
      return result instanceof Promise ? result.then(bridgeValue) : bridgeValue(result);
    };
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(bridgeValue);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bridgeValue(v)]));
}

function checkKeysOf(standIn: StrictElectron, answer: object): void {
  const declared = standIn.strictness.api.members('WindowOpenHandlerResponse');
  for (const key of Object.keys(answer)) if (!declared.has(key)) violation(standIn.strictness, `setWindowOpenHandler answered ${key}, which WindowOpenHandlerResponse does not have`);
}

/** connect-src (or default-src) of `csp` allows `target` from a document at `documentUrl`. */
export function allowedByConnectSrc(csp: string | undefined, documentUrl: string, target: string): boolean {
  if (!csp) return true;
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([name, ...sources]) => [name.toLowerCase(), sources]));
  const sources = directives.get('connect-src') ?? directives.get('default-src');
  if (!sources) return true;
  const t = new URL(target);
  const doc = new URL(documentUrl);
  const port = (u: URL) => u.port || ({ 'http:': '80', 'ws:': '80', 'https:': '443', 'wss:': '443' } as Record<string, string>)[u.protocol] || '';
  return sources.some((source) => {
    if (source === "'none'") return false;
    if (source === "'self'") {
      const sameScheme = t.protocol === doc.protocol || (doc.protocol === 'http:' && t.protocol === 'ws:') || (doc.protocol === 'https:' && t.protocol === 'wss:');
      return sameScheme && t.hostname === doc.hostname && port(t) === port(doc);
    }
    const m = /^([a-z][\w+.-]*:)\/\/([^/:]+)(?::(\d+|\*))?$/i.exec(source);
    if (!m) return false;
    return m[1].toLowerCase() === t.protocol && m[2].toLowerCase() === t.hostname && (m[3] === '*' || (m[3] ?? '') === port(t));
  });
}
