import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, createWebSocketStream } from 'ws';
import { realConsoleClock } from '../../../simulator/console/console-clock';
import { guestInfo } from '../../../simulator/console/guest-info';
import { LinuxScreen } from '../../../simulator/console/linux-screen';
import { serveRfb } from '../../../simulator/console/rfb-server';
import { RfbTestClient } from '../../../simulator/console/rfb-test-client';
import { ConsoleTunnelService } from './console-tunnel';

const APP_ORIGIN = 'http://127.0.0.1:5173';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A plain RFB server (the simulator's, without XAPI around it) standing in for the VM's console. */
async function rfbServer(): Promise<{ port: number; screen: LinuxScreen; sockets: Socket[] }> {
  const screen = new LinuxScreen(guestInfo({ desktopName: 'web-01' }), realConsoleClock, 0);
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    serveRfb(s, screen);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    screen.dispose();
    sockets.forEach((s) => s.destroy());
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as { port: number }).port, screen, sockets };
}

function tcpOpener(port: number, seen: { connectionId: string; vmRef: string }[] = []) {
  return (connectionId: string, vmRef: string): Promise<Duplex> => {
    seen.push({ connectionId, vmRef });
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
  };
}

async function tunnel(open: (c: string, v: string) => Promise<Duplex>): Promise<ConsoleTunnelService> {
  const service = new ConsoleTunnelService({ openConsoleSocket: open, isOriginAllowed: (o) => o === APP_ORIGIN });
  await service.start();
  cleanups.push(() => service.stop());
  return service;
}

function openWs(url: string, options: { origin?: string; protocols?: string[] } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? ['binary'], { origin: options.origin ?? APP_ORIGIN });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('console tunnel', () => {
  it('bridges a loopback WebSocket to the VM console so an RFB client sees the login prompt and can type', async () => {
    const { port } = await rfbServer();
    const seen: { connectionId: string; vmRef: string }[] = [];
    const service = await tunnel(tcpOpener(port, seen));
    const ticket = await service.open('conn-1', 'OpaqueRef:vm-1');
    expect(ticket.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/console\/[\w-]+\?token=[\w-]{20,}$/);
    const ws = await openWs(ticket.url);
    expect(ws.protocol).toBe('binary');
    const client = await RfbTestClient.connect(createWebSocketStream(ws));
    await client.waitForText('web-01 login:');
    client.type('root');
    await client.waitForText('web-01 login: root');
    expect(seen).toEqual([{ connectionId: 'conn-1', vmRef: 'OpaqueRef:vm-1' }]);
    client.close();
  });

  it('accepts each URL once: a second connection with the same token is refused', async () => {
    const { port } = await rfbServer();
    const service = await tunnel(tcpOpener(port));
    const ticket = await service.open('conn-1', 'OpaqueRef:vm-1');
    const first = await openWs(ticket.url);
    await expect(openWs(ticket.url)).rejects.toThrow('HTTP 401');
    first.close();
  });

  it('refuses a wrong token, a foreign origin and a client that does not speak the binary subprotocol', async () => {
    const { port } = await rfbServer();
    const service = await tunnel(tcpOpener(port));
    const ticket = await service.open('conn-1', 'OpaqueRef:vm-1');
    await expect(openWs(ticket.url.replace(/token=.*/, 'token=guessed-token-guessed-token-1234'))).rejects.toThrow('HTTP 401');
    await expect(openWs(ticket.url, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openWs(ticket.url, { protocols: ['chat'] })).rejects.toThrow();
    // none of those spent the ticket
    const ok = await openWs(ticket.url);
    ok.close();
  });

  it('closes the WebSocket with code 4000 when the host closes the console (reboot, migration)', async () => {
    const { port, sockets } = await rfbServer();
    const service = await tunnel(tcpOpener(port));
    const ws = await openWs((await service.open('conn-1', 'OpaqueRef:vm-1')).url);
    const client = await RfbTestClient.connect(createWebSocketStream(ws));
    await client.waitForText('login:');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    sockets.forEach((s) => s.destroy());
    expect(await closed).toBe(4000);
  });

  it('reports a console that cannot be opened with the failure code in the close reason', async () => {
    const service = await tunnel(() => Promise.reject(Object.assign(new Error('gone'), { code: 'CONSOLE_NOT_FOUND' })));
    const ws = await openWs((await service.open('conn-1', 'OpaqueRef:vm-1')).url);
    const [code, reason] = await new Promise<[number, string]>((resolve) => ws.once('close', (c, r) => resolve([c, r.toString()])));
    expect(code).toBe(4001);
    expect(reason).toBe('CONSOLE_NOT_FOUND');
  });

  it('drops the host connection when the app closes the tunnel', async () => {
    const { port, sockets } = await rfbServer();
    const service = await tunnel(tcpOpener(port));
    const ticket = await service.open('conn-1', 'OpaqueRef:vm-1');
    const ws = await openWs(ticket.url);
    const client = await RfbTestClient.connect(createWebSocketStream(ws));
    await client.waitForText('login:');
    const upstreamClosed = new Promise<void>((resolve) => sockets[0].once('close', () => resolve()));
    service.close(ticket.tunnelId);
    await upstreamClosed;
    expect(sockets[0].destroyed).toBe(true);
  });
});
