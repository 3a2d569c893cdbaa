import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realConsoleClock } from './console-clock';
import { guestInfo } from './guest-info';
import { XK } from './keysyms';
import { serveRfb } from './rfb-server';
import { RfbTestClient } from './rfb-test-client';
import { WindowsScreen } from './windows-screen';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function windowsClient(): Promise<{ client: RfbTestClient; screen: WindowsScreen }> {
  const screen = new WindowsScreen(guestInfo({ desktopName: 'win-2022', os: 'windows' }), realConsoleClock, 0);
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    serveRfb(s, screen);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    screen.dispose();
    for (const s of sockets) s.destroy();
    server.close();
  });
  const port = (server.address() as { port: number }).port;
  const socket = await new Promise<Socket>((resolve) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
  });
  return { client: await RfbTestClient.connect(socket), screen };
}

const SIGNIN_BG = 0x003a78;
const WHITE = 0xffffff;

describe('Windows guest screen over RFB', () => {
  it('asks for Ctrl+Alt+Delete, then shows a password box that masks typed characters', async () => {
    const { client, screen } = await windowsClient();
    await client.waitForText('Press Ctrl+Alt+Delete to sign in.');
    client.chord(XK.Control_L, XK.Alt_L, XK.Delete);
    await client.waitFor((c) => c.pixel(0, 0) === SIGNIN_BG, 'the sign-in screen');
    const box = { x: 1024 / 2 - 140, y: 768 / 2 + 20 };
    expect(client.pixel(box.x + 2, box.y + 2)).toBe(WHITE);
    client.type('hunter2');
    await client.waitFor((c) => c.pixel(box.x + 10 + 6 * 11 + 3, box.y + 15) !== WHITE, 'seven password dots');
    expect(client.pixel(box.x + 10 + 7 * 11 + 3, box.y + 15)).toBe(WHITE); // no eighth dot
    expect(client.screenText().join('\n')).not.toContain('hunter2');
    client.type('\n');
    await client.waitFor(() => screen.currentStage === 'desktop', 'the desktop');
    await client.waitFor((c) => c.pixel(10, 10) === 0x0063b1, 'the desktop background');
    client.close();
  });

  it('opens the Start menu when the Start button is clicked', async () => {
    const { client, screen } = await windowsClient();
    await client.waitForText('Press Ctrl+Alt+Delete');
    client.chord(XK.Control_L, XK.Alt_L, XK.Delete);
    client.type('pw\n');
    await client.waitFor(() => screen.currentStage === 'desktop', 'the desktop');
    await client.waitFor((c) => c.pixel(10, 500) === 0x0063b1, 'the desktop background');
    client.pointer(1, 30, 768 - 20);
    client.pointer(0, 30, 768 - 20);
    await client.waitForText('Windows PowerShell');
    client.close();
  });
});
