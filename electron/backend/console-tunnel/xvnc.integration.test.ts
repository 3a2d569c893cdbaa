/**
 * The tunnel against a real VNC server: TigerVNC's Xvnc (Debian tigervnc-standalone-server,
 * installed by .ci/run) with security type None, viewed by noVNC in Chromium through the tunnel.
 *
 * The one difference from production is the injected opener: a plain TCP connection to Xvnc
 * instead of XAPI's `CONNECT /console` (which Xvnc does not speak). Everything from the loopback
 * WebSocket to the noVNC canvas is the production path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleTunnelService } from './console-tunnel';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, openNoVncPage } from './novnc-test-page';

const XVNC = ['/usr/bin/Xtigervnc', '/usr/bin/Xvnc'].find((p) => existsSync(p));
const missing = !XVNC ? 'Xvnc is not installed (apt-get install tigervnc-standalone-server)' : !chromiumAvailable() ? `${CHROMIUM} is not installed` : undefined;
if (missing) console.warn(`skipping the Xvnc console integration test: ${missing}`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`Xvnc exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('Xvnc did not start listening');
}

describe.skipIf(missing !== undefined)('console tunnel with a real VNC server (Xvnc)', () => {
  let xvnc: ChildProcess;
  let port = 0;
  let browser: Browser;

  beforeAll(async () => {
    port = await freePort();
    const display = `:${200 + (process.pid % 500)}`;
    xvnc = spawn(XVNC!, [display, '-rfbport', String(port), '-localhost', '-SecurityTypes', 'None', '-geometry', '800x600', '-depth', '24', '-nolisten', 'tcp', '-AlwaysShared'], { stdio: 'ignore' });
    await waitForPort(port, xvnc);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    xvnc?.kill('SIGTERM');
  });

  it('delivers a framebuffer update from Xvnc to noVNC in Chromium through the loopback tunnel', async () => {
    const page = await openNoVncPage(browser);
    const opened: string[] = [];
    const tunnel = new ConsoleTunnelService({
      openConsoleSocket: (connectionId, vmRef) =>
        new Promise<Duplex>((resolve, reject) => {
          opened.push(`${connectionId} ${vmRef}`);
          const s = connect(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        }),
      isOriginAllowed: (origin) => origin === page.origin,
    });
    try {
      const ticket = await tunnel.open('xvnc', 'OpaqueRef:xvnc-vm');
      await page.page.evaluate((url) => (window as unknown as { startRfb(u: string): Promise<string> }).startRfb(url), ticket.url);
      // Before any FramebufferUpdate the canvas is transparent; Xvnc's first update paints it opaque.
      await page.page.waitForFunction(() => {
        const p = (window as unknown as { canvasPixel(x: number, y: number): { a: number; width: number } | null }).canvasPixel(400, 300);
        return p !== null && p.width === 800 && p.a === 255;
      });
      const pixel = await page.page.evaluate(() => (window as unknown as { canvasPixel(x: number, y: number): unknown }).canvasPixel(799, 599));
      expect(pixel).toMatchObject({ a: 255, width: 800, height: 600 });
      expect(opened).toEqual(['xvnc OpaqueRef:xvnc-vm']);
    } finally {
      await page.close();
      await tunnel.stop();
    }
  });
});
