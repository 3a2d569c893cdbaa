/**
 * The start-up test's scenario, run against a built app folder (dist/ of the repo, or the packaged app.asar
 * extracted): the real main process and preload against the strict stand-in, the renderer's real ipcBridge on
 * what the preload exposes, the real backend with its demo pools behind it. Registered as a Vitest suite by
 * electron/startup.integration.test.ts and electron/packaging.integration.test.ts.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge, ConnectionInfo } from '../../../shared/bridge';
import { ipcBridge } from '../../../renderer/bridge';
import { loadElectronApi } from './electron-api';
import { runMainProcess } from './run-main';
import { StrictElectron, type StandInWindow } from './strict-electron';
import { SANDBOXED_PRELOAD_MODULES } from './sandboxed-preload';

interface Preload {
  request(name: string, args: unknown): Promise<string>;
  on(event: string, listener: (json: string) => void): () => void;
}

const bridgeOf = (win: StandInWindow): Bridge => ipcBridge(win.webContents.mainWorld.xendeck as Preload);

async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const refused = (address: string) =>
  new Promise<boolean>((resolve) => {
    const u = new URL(address.includes('://') ? address : `https://${address}`);
    const socket = connect(Number(u.port || 443), u.hostname);
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

export function describeStartup(label: string, appRootOf: () => string, options: { isPackaged: boolean }): void {
  describe(`XenDeck starts as Electron would run it (${label})`, () => {
    let appRoot: string;
    let appData: string;
    let standIn: StrictElectron;
    let main: StandInWindow;
    let bridge: Bridge;
    let demo: ConnectionInfo[];
    const launchUrl = 'xendeck://add-server?address=pool.example.com%3A8443&user=admin';

    beforeAll(async () => {
      appRoot = appRootOf();
      appData = await mkdtemp(join(tmpdir(), 'xendeck-standin-appdata-'));
      standIn = new StrictElectron({ api: loadElectronApi(), appRoot, appData, isPackaged: options.isPackaged });
      const env = { ...process.env };
      delete env.XENDECK_STATE_DIR;
      delete env.XENDECK_NO_DEMO;
      delete env.XENDECK_DEVTOOLS;
      runMainProcess(appRoot, standIn, { argv: ['/opt/XenDeck/xendeck', launchUrl], env });
      await standIn.launch();
    }, 60_000);

    afterAll(async () => {
      if (standIn && standIn.exitCode === undefined) standIn.app.quit();
      await Promise.race([standIn?.exited, new Promise((r) => setTimeout(r, 10_000))]);
      await rm(appData, { recursive: true, force: true });
    });

    it('registers app:// as a privileged scheme before ready and opens one hardened window at once', async () => {
      expect(standIn.privilegedSchemes.map((s) => s.scheme)).toEqual(['app']);
      // The window is there right after ready, while the backend (keychain, demo certificates) is still starting.
      expect(standIn.windows).toHaveLength(1);
      main = standIn.windows[0];
      expect(main.windowOptions.webPreferences).toEqual({
        preload: join(appRoot, 'dist', 'electron', 'preload.cjs'),
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
        disableBlinkFeatures: 'Auxclick',
        devTools: false,
      });
      await eventually('the page to load', () => main.webContents.url === 'app://xendeck/index.html');
      expect(main.shown).toBe(true);
      expect(standIn.app.getPath('userData')).toBe(join(appData, process.platform === 'linux' ? 'xendeck-desktop' : 'XenDeck Desktop'));
    });

    it('exposes window.xendeck with two functions, from a preload that needs only what a sandbox gives', () => {
      expect(Object.keys(main.webContents.mainWorld)).toEqual(['xendeck']);
      const api = main.webContents.mainWorld.xendeck as Record<string, unknown>;
      expect(Object.keys(api).sort()).toEqual(['on', 'request']);
      expect([...SANDBOXED_PRELOAD_MODULES]).not.toContain('path');
    });

    it('answers requests through the real IPC handler and the renderer ipcBridge, once the backend is up', async () => {
      bridge = bridgeOf(main);
      const info = await bridge.request('app.info', undefined);
      expect(info).toMatchObject({ name: 'XenDeck', mode: 'electron', secretStorage: 'os-keychain' });
      demo = (await bridge.request('connections.list', undefined)).filter((c) => c.demo);
      expect(demo.map((c) => c.label).sort()).toEqual(['Lab', 'Production', 'xcp-lab-03']);
      await expect(bridge.request('xapi.call', { connectionId: 'no-such-connection', method: 'VM.get_all', params: [] })).rejects.toMatchObject({ code: expect.any(String) });
      await expect(bridge.request('no.such.request' as never, undefined as never)).rejects.toMatchObject({ code: 'BRIDGE_UNKNOWN_REQUEST' });
    }, 60_000);

    it('delivers backend events to the page: connecting a demo pool streams its status and its objects', async () => {
      const statuses: string[] = [];
      let batches = 0;
      const offStatus = bridge.on('connections.changed', (all) => statuses.push(...all.filter((c) => c.id === demo[0].id).map((c) => c.status.state)));
      const offMirror = bridge.on('mirror.batch', (batch) => void (batch.connectionId === demo[0].id && batches++));
      await bridge.request('connections.connect', { id: demo[0].id });
      await eventually('the pool to connect', async () => (await bridge.request('connections.list', undefined)).find((c) => c.id === demo[0].id && c.status.state === 'connected'));
      await eventually('a connected status event', () => statuses.includes('connected'));
      const snapshot = await bridge.request('mirror.snapshot', { connectionId: demo[0].id });
      expect(Object.keys(snapshot.added ?? {})).toContain('VM');
      await eventually('mirror events', () => batches > 0 || undefined, 15_000).catch(() => undefined);
      offStatus();
      offMirror();
    }, 60_000);

    it('hands the page what the OS asked to open: the launch link pre-fills Add server, a second launch forwards files and links', async () => {
      expect(await bridge.request('app.takeOpenRequests', undefined)).toEqual([{ kind: 'add-server', address: 'pool.example.com:8443', user: 'admin' }]);
      let told = 0;
      const off = bridge.on('app.openRequest', () => void told++);
      const event = { preventDefault: () => undefined, defaultPrevented: false };
      standIn.app.emit('second-instance', event, ['/opt/XenDeck/xendeck', '--some-switch', 'xendeck://add-server?address=10.0.0.1&password=secret', 'images/web.xva', 'xendeck://add-server?address=lab.example.com'], '/home/user', {});
      await eventually('the page to be told', () => told > 0);
      expect(await bridge.request('app.takeOpenRequests', undefined)).toEqual([
        { kind: 'open-file', path: '/home/user/images/web.xva', fileKind: 'xva' },
        { kind: 'add-server', address: 'lab.example.com' },
      ]);
      expect(await bridge.request('app.takeOpenRequests', undefined)).toEqual([]);
      expect(standIn.windows.filter((w) => !w.destroyed)).toHaveLength(1);
      off();
    });

    it('serves every file of the built renderer on app://xendeck with the CSP, and nothing outside it', async () => {
      const rendererDir = join(appRoot, 'dist', 'renderer');
      const files = await filesUnder(rendererDir);
      expect(files).toContain('index.html');
      const port = (await standIn.windows[0].webContents.fetch('app://xendeck/index.html')).headers.get('content-security-policy')!.match(/ws:\/\/127\.0\.0\.1:(\d+)/)![1];
      for (const file of files) {
        const res = await main.webContents.fetch(`app://xendeck/${file}`);
        expect(res.status, file).toBe(200);
        expect(res.headers.get('content-type'), file).not.toBe('application/octet-stream');
        expect(res.headers.get('content-security-policy'), file).toContain(`connect-src 'self' ws://127.0.0.1:${port};`);
      }
      const html = await (await main.webContents.fetch('app://xendeck/index.html')).text();
      for (const [, ref] of html.matchAll(/(?:src|href)="(?:\.?\/)?([^"#?]+)"/g)) expect(files, `index.html refers to ${ref}`).toContain(ref);
      // The app runs React's production build, whatever NODE_ENV the build ran under.
      const scripts = await Promise.all(files.filter((f) => f.endsWith('.js')).map(async (f) => (await main.webContents.fetch(`app://xendeck/${f}`)).text()));
      // No development-only warning of React, and JSX compiled for the production runtime (a bundle calling
      // jsxDEV against React's production build is a blank window).
      expect(scripts.some((code) => code.includes('Each child in a list should have a unique "key" prop'))).toBe(false);
      expect(scripts.some((code) => /\bjsxDEV\b/.test(code))).toBe(false);
      for (const bad of ['app://xendeck/../package.json', 'app://xendeck/%2e%2e/package.json', 'app://other/index.html']) expect((await main.webContents.fetch(bad)).status, bad).toBe(404);
    });

    it("reaches a VM's console through the tunnel from the app:// page: CSP, loopback permission and Origin pass", async () => {
      const records = (await bridge.request('xapi.call', { connectionId: demo[0].id, method: 'VM.get_all_records', params: [] })) as Record<string, { power_state: string; is_control_domain: boolean; is_a_template: boolean }>;
      const [vmRef] = Object.entries(records).find(([, vm]) => vm.power_state === 'Running' && !vm.is_control_domain && !vm.is_a_template)!;
      const ticket = await bridge.request('console.open', { connectionId: demo[0].id, vmRef });
      const ws = await main.webContents.openWebSocket(ticket.url, ['binary']);
      const banner = await new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString('latin1'))));
      expect(banner).toMatch(/^RFB 003\.00\d\n/);
      ws.close();
      await bridge.request('console.close', { tunnelId: ticket.tunnelId });
      // The CSP names this port only: another loopback port is refused before any socket opens.
      const other = new URL(ticket.url);
      other.port = String(Number(other.port) === 65535 ? 65534 : Number(other.port) + 1);
      await expect(main.webContents.openWebSocket(other.toString(), ['binary'])).rejects.toThrow(/Content Security Policy/);
    }, 60_000);

    it('grants its own page exactly the permissions it needs, under the names this Electron uses, and nothing to others', () => {
      const names = loadElectronApi().stringUnion('Session', 'setPermissionCheckHandler', 0, 1);
      const check = standIn.permissionCheckHandler!;
      const granted = [...names].filter((p) => check(null, p, 'app://xendeck', {}) === true).sort();
      expect(granted).toEqual(['clipboard-sanitized-write', 'fullscreen', 'local-network-access', 'loopback-network']);
      expect([...names].filter((p) => check(null, p, 'https://example.com', {}) === true)).toEqual([]);
    });

    it('undocks a console into a second window with the same webPreferences and its own IPC; refuses other windows', async () => {
      const url = `app://xendeck/index.html#console/${encodeURIComponent(demo[0].id)}/OpaqueRef%3Aany`;
      const child = await main.webContents.windowOpen(url, 'xendeck-console-x', 'popup,width=1060,height=860');
      expect(child).toBeDefined();
      expect(child!.windowOptions.webPreferences).toEqual(main.windowOptions.webPreferences);
      const childBridge = bridgeOf(child!);
      expect(await childBridge.request('app.info', undefined)).toMatchObject({ mode: 'electron' });
      let events = 0;
      const off = childBridge.on('connections.changed', () => void events++);
      await bridge.request('connections.setHidden', { id: demo[1].id, hidden: true });
      await bridge.request('connections.setHidden', { id: demo[1].id, hidden: false });
      await eventually('an event in the console window', () => events > 0);
      off();
      expect(await main.webContents.windowOpen('app://xendeck/index.html')).toBeUndefined();
      expect(await main.webContents.windowOpen('https://docs.xenproject.org/')).toBeUndefined();
      expect(standIn.openedExternally).toEqual(['https://docs.xenproject.org/']);
      child!.close();
      expect(standIn.windows.filter((w) => !w.destroyed)).toHaveLength(1);
    }, 30_000);

    it('quits by disposing the backend: the demo pools and the console tunnel stop listening', async () => {
      const tunnel = (await bridge.request('console.open', { connectionId: demo[0].id, vmRef: 'OpaqueRef:none' })).url;
      const addresses = demo.map((c) => c.address);
      for (const address of addresses) expect(await refused(address), address).toBe(false);
      main.close(); // the last window: 'window-all-closed', then quit (not on macOS)
      if (process.platform === 'darwin') standIn.app.quit();
      expect(await standIn.exited).toBe(0);
      for (const address of [...addresses, tunnel.replace('ws://', 'http://')]) expect(await refused(address), address).toBe(true);
    }, 30_000);

    it('met every rule of the stand-in: no unknown API, no wrong order, no error box', () => {
      expect(standIn.strictness.violations).toEqual([]);
      expect(standIn.errorBoxes).toEqual([]);
    });
  });
}
