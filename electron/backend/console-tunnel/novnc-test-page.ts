/**
 * Test support: serves a page on 127.0.0.1 that runs the real noVNC `RFB` client (bundled on the
 * fly with esbuild, as Vite would) and drives it from Playwright in Debian's Chromium. Used by the
 * tunnel's integration tests and the console bench; not part of the app.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

const ENTRY = `
import RFB from '@novnc/novnc';
window.startRfb = (url) => new Promise((resolve, reject) => {
  const target = document.getElementById('screen');
  const rfb = new RFB(target, url, { wsProtocols: ['binary'] });
  window.rfb = rfb;
  rfb.addEventListener('connect', () => resolve('connected'));
  rfb.addEventListener('disconnect', (e) => reject(new Error('disconnected, clean=' + e.detail.clean)));
});
/** Alpha and colour of a canvas pixel: alpha 0 until a framebuffer update has drawn it. */
window.canvasPixel = (x, y) => {
  const canvas = document.querySelector('#screen canvas');
  if (!canvas || canvas.width === 0) return null;
  const d = canvas.getContext('2d').getImageData(x, y, 1, 1).data;
  return { r: d[0], g: d[1], b: d[2], a: d[3], width: canvas.width, height: canvas.height };
};
`;

export interface NoVncPage {
  origin: string;
  page: Page;
  close(): Promise<void>;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Starts the page server and opens it in a new page of `browser`. */
export async function openNoVncPage(browser: Browser): Promise<NoVncPage> {
  const bundle = await build({ stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' }, bundle: true, format: 'esm', write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0].text;
  const html = `<!doctype html><meta charset="utf-8"><title>noVNC test</title><div id="screen" style="width:1024px;height:768px"></div><script type="module" src="/app.js"></script>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/app.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const page = await browser.newPage();
  await page.goto(origin + '/');
  await page.waitForFunction(() => typeof (window as unknown as { startRfb?: unknown }).startRfb === 'function');
  return {
    origin,
    page,
    close: async () => {
      await page.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
