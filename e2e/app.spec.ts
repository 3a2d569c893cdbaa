/**
 * The app in browser mode, in Chromium: it opens with the XenCenter layout and the embedded demo pools in
 * the resource tree, without console errors; it follows the OS theme; and its bridge WebSocket answers only
 * a page of its own origin holding the per-launch token.
 */
import { createServer, type Server } from 'node:http';
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test } from './fixtures';

/** From inside `page`: opens a WebSocket to `url`, sends one app.info request, and reports what happened. */
function tryBridge(page: Page, url: string) {
  return page.evaluate(
    (target) =>
      new Promise<{ opened: boolean; reply?: unknown }>((resolve) => {
        const ws = new WebSocket(target);
        let opened = false;
        ws.onopen = () => {
          opened = true;
          ws.send(JSON.stringify({ type: 'request', id: 1, name: 'app.info' }));
        };
        ws.onmessage = (message) => {
          const frame = JSON.parse(String(message.data)) as { type: string; id?: number };
          if (frame.type === 'response' && frame.id === 1) {
            resolve({ opened, reply: frame });
            ws.close();
          }
        };
        ws.onclose = () => resolve({ opened });
      }),
    url,
  );
}

test('opens with the toolbar, the resource tree, the detail tabs and the demo pools', async ({ appPage, app }) => {
  await expect(appPage.getByRole('toolbar').first()).toBeVisible();
  const tree = appPage.getByRole('tree').first();
  await expect(tree).toBeVisible();
  await expect(appPage.getByRole('tablist').first()).toBeVisible();
  await expect(appPage.getByRole('tab', { selected: true }).first()).toBeVisible();
  for (const pool of app.demo!.pools) {
    const item = tree.getByRole('treeitem', { name: new RegExp(`^${pool.label}\\b`), level: 1 });
    await expect(item, `${pool.label} in the tree`).toBeVisible();
    // The tree draws only the rows in view: fold an open pool so the next one comes into view.
    if ((await item.getAttribute('aria-expanded')) === 'true') {
      await item.click();
      await appPage.keyboard.press('ArrowLeft');
      await expect(item).toHaveAttribute('aria-expanded', 'false');
    }
  }
  await saveScreenshot(appPage, 'app--demo-pools');
});

test('takes the access token out of the address bar once the page has it', async ({ appPage, app }) => {
  await expect(appPage.getByRole('tree').first()).toBeVisible();
  expect(appPage.url()).not.toContain(app.token);
  expect(new URL(appPage.url()).searchParams.has('token')).toBe(false);
  // A reload of the same tab still works: the token stayed in this tab's sessionStorage.
  await appPage.reload();
  await expect(appPage.getByRole('treeitem', { name: new RegExp(`^${app.demo!.pools[0].label}\\b`), level: 1 })).toBeVisible();
});

test('follows the OS light or dark theme', async ({ appPage }) => {
  const background = () => appPage.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const luminance = (rgb: string) => {
    const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  await appPage.emulateMedia({ colorScheme: 'light' });
  expect(luminance(await background())).toBeGreaterThan(180);
  await appPage.emulateMedia({ colorScheme: 'dark' });
  expect(luminance(await background())).toBeLessThan(60);
  await saveScreenshot(appPage, 'app--dark');
});

test('explains how to get in when opened without its token', async ({ page, app }) => {
  await page.goto(`${app.origin}/`);
  await expect(page.getByRole('heading', { name: 'XenDeck cannot reach its host' })).toBeVisible();
  await expect(page.getByText('npm run start:browser').first()).toBeVisible();
  await saveScreenshot(page, 'app--no-token');
});

test.describe('the bridge WebSocket in the browser', () => {
  let other: Server;
  let otherOrigin: string;
  test.beforeAll(async () => {
    // Another site open in the same browser: a page on a different port of the same machine.
    other = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Another site</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
  });
  test.afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  test('answers a request from the app origin with the token', async ({ page, app }) => {
    await page.goto(`${app.origin}/favicon.svg`);
    const result = await tryBridge(page, `${app.origin.replace('http:', 'ws:')}/bridge?token=${encodeURIComponent(app.token)}`);
    expect(result).toMatchObject({ opened: true, reply: { ok: true, result: { name: 'XenDeck', mode: 'browser' } } });
  });

  test('refuses a socket without the token, or with a wrong one', async ({ page, app }) => {
    await page.goto(`${app.origin}/favicon.svg`);
    expect(await tryBridge(page, `${app.origin.replace('http:', 'ws:')}/bridge`)).toEqual({ opened: false });
    expect(await tryBridge(page, `${app.origin.replace('http:', 'ws:')}/bridge?token=guess`)).toEqual({ opened: false });
  });

  test('refuses a socket from another origin, even with the token', async ({ page, app }) => {
    await page.goto(otherOrigin);
    expect(await tryBridge(page, `${app.origin.replace('http:', 'ws:')}/bridge?token=${encodeURIComponent(app.token)}`)).toEqual({ opened: false });
    await saveScreenshot(page, 'app--other-origin');
  });
});
