/**
 * The Electron security checklist as XenDeck applies it, asserted against a fake `electron` module:
 * the window's webPreferences, the app:// protocol and its CSP, navigation and new-window handlers,
 * permission handlers, and the only way out to the user's browser.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeSession, createFakeWebContents, recorded } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron);

const { appWebPreferences, consoleWindowOptions, createMainWindow, devToolsWanted } = await import('./app-windows');
const { hardenSession, hardenWebContents } = await import('./security');
const { registerAppScheme, rendererResponse, serveRenderer } = await import('./renderer-protocol');
const { openExternalSafely } = await import('./open-external');
const { contentSecurityPolicy, rendererSecurityHeaders } = await import('./backend/renderer-assets');

const TUNNEL_PORT = 41234;
const CONTENT_SECURITY_POLICY = contentSecurityPolicy(TUNNEL_PORT);
const HEADERS = rendererSecurityHeaders(TUNNEL_PORT);
const settings = { preloadPath: '/app/dist/electron/preload.cjs', devTools: false };
const noWindows = { openExternal: async () => undefined, childWindow: () => undefined };

beforeEach(() => recorded.reset());

describe('main window', () => {
  it('opens with isolation, sandbox and web security on, and Node and DevTools off everywhere', () => {
    createMainWindow(settings);
    expect(recorded.windows).toHaveLength(1);
    const prefs = recorded.windows[0].options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
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
      devTools: false,
    });
  });

  it('has DevTools only when asked for with --devtools or XENDECK_DEVTOOLS=1', () => {
    expect(devToolsWanted(['electron', '.'], {})).toBe(false);
    expect(devToolsWanted(['electron', '.', '--devtools'], {})).toBe(true);
    expect(devToolsWanted(['xendeck'], { XENDECK_DEVTOOLS: '1' })).toBe(true);
    expect(devToolsWanted(['xendeck'], { XENDECK_DEVTOOLS: '0' })).toBe(false);
  });

  it('opens undocked consoles, and only them, with the same webPreferences as the main window', () => {
    const url = 'app://xendeck/index.html#console/c1/OpaqueRef%3Avm-1';
    expect(consoleWindowOptions(url, settings)?.webPreferences).toEqual(appWebPreferences(settings.preloadPath, false));
    for (const other of ['app://xendeck/index.html', 'app://xendeck/index.html#home', 'app://xendeck/other.html#console/c1/OpaqueRef%3Avm-1', 'app://xendeck.evil/index.html#console/c1/r', 'https://example.com/#console/c1/r', 'app://xendeck/index.html?x=1#console/c1/r']) {
      expect(consoleWindowOptions(other, settings), other).toBeUndefined();
    }
  });

  it('loads the renderer from app://xendeck, never from file://', () => {
    createMainWindow(settings);
    expect(recorded.windows[0].loadedUrl).toBe('app://xendeck/index.html');
  });

  it('keeps its preferences frozen so nothing can loosen them later', () => {
    const prefs = appWebPreferences('/p.cjs', false) as Record<string, unknown>;
    expect(() => {
      prefs.nodeIntegration = true;
    }).toThrow(TypeError);
  });
});

describe('app:// protocol', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xendeck-protocol-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>XenDeck</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is registered as a secure standard scheme without CSP bypass', () => {
    registerAppScheme();
    expect(recorded.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const privileges = (recorded.privilegedSchemes[0] as { privileges: Record<string, unknown> }).privileges;
    expect(privileges.bypassCSP).not.toBe(true);
    expect(privileges.corsEnabled).not.toBe(true);
  });

  it('serves the renderer with the strict CSP as a response header', async () => {
    const session = createFakeSession();
    serveRenderer(session as never, join(dir, 'renderer'), HEADERS);
    const handler = session.protocol.handlers.get('app');
    expect(handler).toBeDefined();
    const res = await handler!({ url: 'app://xendeck/index.html' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>XenDeck</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy');
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${TUNNEL_PORT};`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends the CSP on errors too, and serves nothing outside the renderer folder', async () => {
    const rendererDir = join(dir, 'renderer');
    for (const url of ['app://xendeck/../secret.txt', 'app://xendeck/%2e%2e/secret.txt', 'app://xendeck/assets/..%2f..%2fsecret.txt', 'app://xendeck/missing.js', 'app://other/index.html']) {
      const res = await rendererResponse(rendererDir, url, HEADERS);
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('outside the renderer');
      expect(res.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await rendererResponse(rendererDir, 'app://xendeck/assets/app.js', HEADERS)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });
});

describe('navigation and new windows', () => {
  const navigate = (contents: ReturnType<typeof createFakeWebContents>, eventName: string, url: string) => {
    const event = { url, preventDefault: vi.fn() };
    contents.emit(eventName, event);
    return event.preventDefault.mock.calls.length > 0;
  };

  it('lets the page navigate within app://xendeck only', () => {
    const contents = createFakeWebContents();
    hardenWebContents(contents as never, noWindows);
    for (const eventName of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(navigate(contents, eventName, 'app://xendeck/index.html#console/c/OpaqueRef:1'), eventName).toBe(false);
      expect(navigate(contents, eventName, 'https://example.com/'), eventName).toBe(true);
      expect(navigate(contents, eventName, 'file:///etc/passwd'), eventName).toBe(true);
      expect(navigate(contents, eventName, 'app://xendeck.evil/index.html'), eventName).toBe(true);
      expect(navigate(contents, eventName, 'app://user:pw@xendeck/index.html'), eventName).toBe(true);
      expect(navigate(contents, eventName, 'not a url'), eventName).toBe(true);
    }
  });

  it('refuses <webview> attachment', () => {
    const contents = createFakeWebContents();
    hardenWebContents(contents as never, noWindows);
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('denies every new window but undocked consoles; https links go to the browser, anything else nowhere', async () => {
    const contents = createFakeWebContents();
    const opened: string[] = [];
    hardenWebContents(contents as never, { openExternal: async (url) => void opened.push(url), childWindow: (url) => consoleWindowOptions(url, settings) });
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'https://docs.xenproject.org/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'app://xendeck/index.html' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'app://xendeck/index.html#console/c1/OpaqueRef%3Avm' })).toMatchObject({
      action: 'allow',
      overrideBrowserWindowOptions: { webPreferences: appWebPreferences(settings.preloadPath, false) },
    });
    expect(opened).toEqual(['https://docs.xenproject.org/']);
  });
});

describe('permissions', () => {
  it('denies permission requests and checks by default, from any page', () => {
    const session = createFakeSession();
    hardenSession(session as never);
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'pointerLock', 'openExternal', 'clipboard-read', 'hid', 'serial', 'usb']) {
      for (const requestingUrl of ['app://xendeck/index.html', 'https://example.com/']) {
        const callback = vi.fn();
        session.permissionRequestHandler!(createFakeWebContents(requestingUrl), permission, callback, { requestingUrl });
        expect(callback, `${permission} from ${requestingUrl}`).toHaveBeenCalledWith(false);
        expect(session.permissionCheckHandler!(null, permission, requestingUrl), `${permission} check`).toBe(false);
      }
    }
  });

  it('allows only sanitized clipboard writes, fullscreen and loopback access (the console), and only to our own page', () => {
    const session = createFakeSession();
    hardenSession(session as never);
    const granted = (permission: string, url: string) => {
      const callback = vi.fn();
      session.permissionRequestHandler!(createFakeWebContents(url), permission, callback, { requestingUrl: url });
      return callback.mock.calls[0][0] as boolean;
    };
    for (const permission of ['clipboard-sanitized-write', 'fullscreen', 'local-network-access', 'loopback-network']) {
      expect(granted(permission, 'app://xendeck/index.html'), permission).toBe(true);
      expect(granted(permission, 'https://example.com/'), permission).toBe(false);
      expect(granted(permission, 'app://xendeck.evil/index.html'), permission).toBe(false);
    }
    expect(session.permissionCheckHandler!(null, 'clipboard-sanitized-write', 'app://xendeck')).toBe(true);
    expect(session.permissionCheckHandler!(null, 'clipboard-sanitized-write', 'http://127.0.0.1:1234')).toBe(false);
    expect(session.permissionCheckHandler!(null, 'loopback-network', 'app://xendeck')).toBe(true);
    expect(session.permissionCheckHandler!(null, 'local-network', 'app://xendeck')).toBe(false);
    expect(session.permissionCheckHandler!(null, 'loopback-network', 'https://example.com')).toBe(false);
  });
});

describe('opening links outside the app', () => {
  it('opens https links through shell.openExternal', async () => {
    await openExternalSafely('https://xcp-ng.org/docs/');
    expect(recorded.openedExternally.map((o) => o.url)).toEqual(['https://xcp-ng.org/docs/']);
  });

  it('refuses every other scheme and credentials in the URL, before reaching the shell', async () => {
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'smb://server/share', 'javascript:alert(1)', 'ms-settings:', 'https://user:pw@example.com/', 'no url at all']) {
      await expect(openExternalSafely(url), url).rejects.toMatchObject({ code: 'EXTERNAL_URL_REFUSED' });
    }
    expect(recorded.openedExternally).toEqual([]);
  });
});
