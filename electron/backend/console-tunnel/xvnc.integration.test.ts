/**
 * The tunnel against a real VNC server: TigerVNC's Xtigervnc (Debian tigervnc-standalone-server,
 * installed by .ci/run) with security type None, viewed by noVNC in Chromium through the tunnel.
 *
 * TigerVNC is named explicitly: on many machines `Xvnc` is TightVNC (Debian's vncsnapshot pulls it in),
 * which understands none of these options. The server takes a free display itself (`-displayfd`) and
 * listens on a Unix socket in a temporary folder instead of a TCP port, so nothing is guessed or raced.
 *
 * The one difference from production is the injected opener: a plain socket connection to Xtigervnc
 * instead of XAPI's `CONNECT /console` (which Xtigervnc does not speak). Everything from the loopback
 * WebSocket to the noVNC canvas is the production path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleTunnelService } from './console-tunnel';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, openNoVncPage } from './novnc-test-page';

const XTIGERVNC = '/usr/bin/Xtigervnc';
const missing = !existsSync(XTIGERVNC) ? `${XTIGERVNC} is not installed (apt-get install tigervnc-standalone-server)` : !chromiumAvailable() ? `${CHROMIUM} is not installed` : undefined;
if (missing) console.warn(`skipping the Xtigervnc console integration test: ${missing}`);

/** The display number Xtigervnc writes to the `-displayfd` pipe once it accepts connections. */
async function displayChosen(child: ChildProcess): Promise<number> {
  const pipe = child.stdio[3] as Readable;
  let text = '';
  return new Promise<number>((resolve, reject) => {
    pipe.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`Xtigervnc exited with ${code} before it was ready`)));
    child.once('error', reject);
  });
}

describe.skipIf(missing !== undefined)('console tunnel with a real VNC server (Xtigervnc)', () => {
  let xvnc: ChildProcess;
  let dir: string;
  let socketPath: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xendeck-xtigervnc-'));
    socketPath = join(dir, 'rfb.sock');
    // -rfbport -1: no TCP listener at all; RFB on the Unix socket only. fd 3 is the -displayfd pipe.
    xvnc = spawn(XTIGERVNC, ['-displayfd', '3', '-rfbport', '-1', '-rfbunixpath', socketPath, '-SecurityTypes', 'None', '-geometry', '800x600', '-depth', '24', '-nolisten', 'tcp', '-AlwaysShared'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    expect(await displayChosen(xvnc)).toBeGreaterThanOrEqual(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    xvnc?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers a framebuffer update from Xtigervnc to noVNC in Chromium through the loopback tunnel', async () => {
    const page = await openNoVncPage(browser);
    const opened: string[] = [];
    const tunnel = new ConsoleTunnelService({
      openConsoleSocket: (connectionId, vmRef) =>
        new Promise<Duplex>((resolve, reject) => {
          opened.push(`${connectionId} ${vmRef}`);
          const s = connect(socketPath, () => resolve(s));
          s.once('error', reject);
        }),
      isOriginAllowed: (origin) => origin === page.origin,
    });
    try {
      const ticket = await tunnel.open('xvnc', 'OpaqueRef:xvnc-vm');
      await page.page.evaluate((url) => (window as unknown as { startRfb(u: string): Promise<string> }).startRfb(url), ticket.url);
      // Before any FramebufferUpdate the canvas is transparent; Xtigervnc's first update paints it opaque.
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
