import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realConsoleClock } from './console-clock';
import { guestInfo } from './guest-info';
import { XK } from './keysyms';
import { LinuxScreen } from './linux-screen';
import { ENCODING_COPYRECT, ENCODING_CURSOR, ENCODING_QEMU_EXT_KEY, ENCODING_RAW, serveRfb, type RfbScreen } from './rfb-server';
import { RfbTestClient } from './rfb-test-client';

const servers: Server[] = [];
const screens: LinuxScreen[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of screens.splice(0)) s.dispose();
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A plain TCP RFB server on 127.0.0.1 for one screen. */
async function listen(screen: RfbScreen): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    serveRfb(socket, screen);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function socketTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function linux(partial: Parameters<typeof guestInfo>[0], bootLineMs = 0): LinuxScreen {
  const screen = new LinuxScreen(guestInfo(partial), realConsoleClock, bootLineMs);
  screens.push(screen);
  return screen;
}

describe('RFB server with a Linux guest screen', () => {
  it('handshakes RFB 3.8 with security None and announces the VM resolution and name', async () => {
    const port = await listen(linux({ desktopName: 'web-01', width: 800, height: 600 }));
    const client = await RfbTestClient.connect(await socketTo(port));
    expect(client.width).toBe(800);
    expect(client.height).toBe(600);
    expect(client.name).toBe('web-01');
    client.close();
  });

  it('shows the boot log and then a login prompt, read back from the pixels', async () => {
    const port = await listen(linux({ desktopName: 'web-01' }));
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('web-01 login:');
    const text = client.screenText().join('\n');
    expect(text).toContain('Linux version 6.1.0-18-amd64');
    expect(text).toContain('Debian GNU/Linux 12 web-01 tty1');
    // systemd's green OK: the pixels of "OK" are green on black
    const row = client.screenText().findIndex((r) => r.startsWith('[  OK  ] Reached target multi-user.target'));
    expect(row).toBeGreaterThan(0);
    const okInk = inkColours(client, 3, row, 2);
    expect(okInk).toEqual(new Set([0x00aa00]));
    client.close();
  });

  it('echoes typed keys, hides the password and opens a shell that answers commands', async () => {
    const port = await listen(linux({ desktopName: 'db-02' }));
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('db-02 login:');
    client.type('root\n');
    await client.waitForText('Password:');
    client.type('secret\n');
    await client.waitForText('root@db-02:~#');
    expect(client.screenText().join('\n')).not.toContain('secret');
    client.type('echo hello xendeck\n');
    await client.waitForText('hello xendeck');
    client.type('frobnicate\n');
    await client.waitForText('-bash: frobnicate: command not found');
    client.close();
  });

  it('restarts the boot log on Ctrl+Alt+Del', async () => {
    const screen = linux({ desktopName: 'web-01' });
    const port = await listen(screen);
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('web-01 login:');
    client.type('abc');
    await client.waitForText('web-01 login: abc');
    client.chord(XK.Control_L, XK.Alt_L, XK.Delete);
    await client.waitFor((c) => !c.screenText().join('\n').includes('login: abc'), 'the typed text to go away');
    await client.waitFor((c) => c.screenText()[0].includes('Linux version') && c.screenText().some((r) => r.endsWith('web-01 login:')), 'a fresh boot log');
    client.close();
  });

  it('switches virtual terminals with Ctrl+Alt+F2 and back with Alt+F1', async () => {
    const port = await listen(linux({ desktopName: 'web-01' }));
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('web-01 login:');
    client.chord(XK.Control_L, XK.Alt_L, XK.F1 + 1);
    await client.waitForText('web-01 tty2');
    expect(client.screenText().join('\n')).not.toContain('Linux version');
    client.chord(XK.Alt_L, XK.F1);
    await client.waitForText('Linux version');
    client.close();
  });

  it('scrolls the console with CopyRect when the client supports it', async () => {
    const screen = linux({ desktopName: 'web-01', width: 640, height: 480 });
    const port = await listen(screen);
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('web-01 login:');
    client.type('root\n');
    await client.waitForText('Password:');
    client.type('x\n');
    await client.waitForText('root@web-01:~#');
    const before = client.updates.length;
    for (let i = 0; i < 40; i++) client.type(`echo line-${i}\n`);
    await client.waitForText('line-39');
    const rects = client.updates.slice(before).flatMap((u) => u.rects);
    expect(rects.some((r) => r.encoding === ENCODING_COPYRECT)).toBe(true);
    // the decoded picture equals the server's own framebuffer, so the copies were exact
    expect(Array.from(client.pixels)).toEqual(Array.from(screen.framebuffer.pixels));
    client.close();
  });

  it('sends whole pixels instead of CopyRect to a client that only asked for Raw', async () => {
    const screen = linux({ desktopName: 'web-01', width: 640, height: 480 });
    const port = await listen(screen);
    const client = await RfbTestClient.connect(await socketTo(port), { encodings: [ENCODING_RAW] });
    await client.waitForText('web-01 login:');
    expect(client.updates.flatMap((u) => u.rects).every((r) => r.encoding === ENCODING_RAW)).toBe(true);
    expect(Array.from(client.pixels)).toEqual(Array.from(screen.framebuffer.pixels));
    client.close();
  });

  it('serves the server-native pixel format to a client that keeps it', async () => {
    const screen = linux({ desktopName: 'web-01', width: 640, height: 480 });
    const port = await listen(screen);
    const client = await RfbTestClient.connect(await socketTo(port), { pixelFormat: 'native' });
    await client.waitForText('web-01 login:');
    expect(Array.from(client.pixels)).toEqual(Array.from(screen.framebuffer.pixels));
    client.close();
  });

  it('sends the pointer shape and acknowledges QEMU extended key events when asked', async () => {
    const port = await listen(linux({ desktopName: 'web-01' }));
    const client = await RfbTestClient.connect(await socketTo(port), { encodings: [ENCODING_RAW, ENCODING_CURSOR, ENCODING_QEMU_EXT_KEY] });
    await client.waitFor((c) => c.cursor !== undefined && c.qemuExtendedKeys, 'cursor and QEMU key ack');
    expect(client.cursor).toMatchObject({ width: 12, height: 19, hotX: 0, hotY: 0 });
    // a QEMU extended key event (type 255, subtype 0) types like a keysym: 'q' with XT scan code 0x10
    await client.waitForText('login:');
    const msg = Buffer.alloc(12);
    msg[0] = 255;
    msg.writeUInt16BE(1, 2);
    msg.writeUInt32BE(0x71, 4);
    msg.writeUInt32BE(0x10, 8);
    client.writeRaw(msg);
    await client.waitForText('login: q');
    client.close();
  });

  it('shows the mouse position on the text console as an inverse cell', async () => {
    const port = await listen(linux({ desktopName: 'web-01' }));
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('login:');
    const x = 100 * 8 + 3;
    const y = 40 * 16 + 5;
    expect(client.pixel(100 * 8, 40 * 16)).toBe(0x000000);
    client.pointer(0, x, y);
    await client.waitFor((c) => c.pixel(100 * 8, 40 * 16) === 0xaaaaaa, 'inverse pointer cell');
    client.close();
  });

  it('ignores clipboard text and keeps serving', async () => {
    const port = await listen(linux({ desktopName: 'web-01' }));
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('login:');
    client.cutText('pasted text that the guest cannot receive');
    client.type('ok');
    await client.waitForText('login: ok');
    expect(client.isClosed).toBe(false);
    client.close();
  });

  it('closes the connection on an unknown client message instead of hanging', async () => {
    const port = await listen(linux({ desktopName: 'web-01' }));
    const client = await RfbTestClient.connect(await socketTo(port));
    await client.waitForText('login:');
    client.writeRaw(Buffer.from([99, 1, 2, 3]));
    await client.closedPromise;
    expect(client.isClosed).toBe(true);
  });

  it('lets two viewers watch the same guest and see each other’s typing', async () => {
    const port = await listen(linux({ desktopName: 'web-01' }));
    const a = await RfbTestClient.connect(await socketTo(port));
    const b = await RfbTestClient.connect(await socketTo(port));
    await a.waitForText('login:');
    a.type('alice');
    await b.waitForText('login: alice');
    a.close();
    b.close();
  });
});

function inkColours(client: RfbTestClient, col: number, row: number, cells: number): Set<number> {
  const colours = new Set<number>();
  for (let y = row * 16; y < row * 16 + 12; y++) {
    for (let x = col * 8; x < (col + cells) * 8; x++) if (client.pixel(x, y) !== 0) colours.add(client.pixel(x, y));
  }
  return colours;
}
