/**
 * The Electron security checklist as XenDeck applies it, module by module, against the strict Electron
 * stand-in (electron/testing/strict-electron/): webPreferences and DevTools, the app:// protocol and its CSP,
 * navigation and new-window handlers, permission handlers, and the only way out to the user's browser.
 * The start-up test (startup.integration.test.ts) runs the same modules together in the built app.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { standIn } from './testing/strict-electron/unit-electron';

vi.mock('electron', async () => (await import('./testing/strict-electron/unit-electron')).standIn.main);

const { appWebPreferences, consoleWindowOptions, devToolsWanted } = await import('./app-windows');
const { hardenSession, hardenWebContents } = await import('./security');
const { registerAppScheme, rendererResponse, serveRenderer } = await import('./renderer-protocol');
const { openExternalSafely } = await import('./open-external');
const { contentSecurityPolicy, rendererSecurityHeaders } = await import('./backend/renderer-assets');
const { session } = await import('electron');

const TUNNEL_PORT = 41234;
const CONTENT_SECURITY_POLICY = contentSecurityPolicy(TUNNEL_PORT);
const HEADERS = rendererSecurityHeaders(TUNNEL_PORT);
const settings = { preloadPath: '/app/dist/electron/preload.cjs', devTools: false };
const noWindows = { openExternal: async () => undefined, childWindow: () => undefined };
let preloadPath: string;
/** A built renderer of two files, with a secret beside it that must never be served. */
let dir: string;

// As in the app: the scheme is registered before ready (the stand-in refuses it after), everything else after.
beforeAll(async () => {
  preloadPath = join(await mkdtemp(join(tmpdir(), 'xendeck-preload-')), 'preload.cjs');
  await writeFile(preloadPath, "require('electron').contextBridge.exposeInMainWorld('probe', { ok: true });");
  dir = await mkdtemp(join(tmpdir(), 'xendeck-protocol-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>XenDeck</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  registerAppScheme();
  await standIn.launch();
  hardenSession(session.defaultSession);
});
afterAll(async () => {
  expect(standIn.strictness.violations).toEqual([]);
  await rm(dir, { recursive: true, force: true });
  await rm(dirname(preloadPath), { recursive: true, force: true });
});

/** A web contents of the stand-in showing `url`, for the handlers to be attached to. */
function contentsAt(url = 'app://xendeck/index.html') {
  const page = standIn.createWindow({}).webContents;
  page.url = url;
  return page;
}

describe('windows', () => {
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

  it('keeps its preferences frozen so nothing can loosen them later', () => {
    const prefs = appWebPreferences('/p.cjs', false) as Record<string, unknown>;
    expect(() => {
      prefs.nodeIntegration = true;
    }).toThrow(TypeError);
  });
});

describe('app:// protocol', () => {
  it('is registered as a secure standard scheme without CSP bypass', () => {
    expect(standIn.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const privileges = standIn.privilegedSchemes[0].privileges!;
    expect(privileges.bypassCSP).not.toBe(true);
    expect(privileges.corsEnabled).not.toBe(true);
  });

  it('serves the renderer with the strict CSP as a response header', async () => {
    serveRenderer(session.defaultSession, join(dir, 'renderer'), HEADERS);
    const res = await contentsAt().fetch('app://xendeck/index.html');
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
  const navigate = (contents: ReturnType<typeof contentsAt>, eventName: string, url: string) => {
    const event = { url, preventDefault: vi.fn() };
    contents.emit(eventName, event);
    return event.preventDefault.mock.calls.length > 0;
  };

  it('lets the page navigate within app://xendeck only', () => {
    const contents = contentsAt();
    hardenWebContents(contents.proxy as never, noWindows);
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
    const contents = contentsAt();
    hardenWebContents(contents.proxy as never, noWindows);
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('denies every new window but undocked consoles; https links go to the browser, anything else nowhere', async () => {
    const contents = contentsAt();
    const opened: string[] = [];
    hardenWebContents(contents.proxy as never, { openExternal: async (url) => void opened.push(url), childWindow: (url) => consoleWindowOptions(url, { ...settings, preloadPath }) });
    for (const url of ['https://docs.xenproject.org/', 'http://example.com/', 'app://xendeck/index.html', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(await contents.windowOpen(url), url).toBeUndefined();
    }
    expect(opened).toEqual(['https://docs.xenproject.org/']);
    const child = await contents.windowOpen('app://xendeck/index.html#console/c1/OpaqueRef%3Avm');
    expect(child?.windowOptions.webPreferences).toEqual(appWebPreferences(preloadPath, false));
    expect(child?.webContents.mainWorld).toEqual({ probe: { ok: true } });
  });
});

describe('permissions', () => {
  const request = (permission: string, url: string) =>
    new Promise<boolean>((resolve) => standIn.permissionRequestHandler!(contentsAt(url).proxy, permission, resolve, { requestingUrl: url, isMainFrame: true }));
  const check = (permission: string, origin: string) => standIn.permissionCheckHandler!(null, permission, origin, {});

  it('denies permission requests and checks by default, from any page', async () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'pointerLock', 'openExternal', 'clipboard-read', 'hid', 'serial', 'usb', 'local-network']) {
      for (const url of ['app://xendeck/index.html', 'https://example.com/']) {
        expect(await request(permission, url), `${permission} from ${url}`).toBe(false);
        expect(check(permission, url), `${permission} check`).toBe(false);
      }
    }
  });

  it('allows only sanitized clipboard writes, fullscreen and loopback access (the console), and only to our own page', async () => {
    for (const permission of ['clipboard-sanitized-write', 'fullscreen', 'local-network-access', 'loopback-network']) {
      expect(await request(permission, 'app://xendeck/index.html'), permission).toBe(true);
      expect(await request(permission, 'https://example.com/'), permission).toBe(false);
      expect(await request(permission, 'app://xendeck.evil/index.html'), permission).toBe(false);
      expect(check(permission, 'app://xendeck'), permission).toBe(true);
      expect(check(permission, 'http://127.0.0.1:1234'), permission).toBe(false);
    }
  });
});

describe('opening links outside the app', () => {
  it('opens https links through shell.openExternal', async () => {
    await openExternalSafely('https://xcp-ng.org/docs/');
    expect(standIn.openedExternally).toEqual(['https://xcp-ng.org/docs/']);
  });

  it('refuses every other scheme and credentials in the URL, before reaching the shell', async () => {
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'smb://server/share', 'javascript:alert(1)', 'ms-settings:', 'https://user:pw@example.com/', 'no url at all']) {
      await expect(openExternalSafely(url), url).rejects.toMatchObject({ code: 'EXTERNAL_URL_REFUSED' });
    }
    expect(standIn.openedExternally).toEqual(['https://xcp-ng.org/docs/']);
  });
});
