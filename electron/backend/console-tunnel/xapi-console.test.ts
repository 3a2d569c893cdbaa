/**
 * The production path end to end against the simulator: the tunnel's XAPI opener finds the VM's
 * console, opens CONNECT /console over TLS pinned to the pool's certificate (or, on a member, trusted
 * by the certificate the pool publishes for it), and an RFB client on the loopback WebSocket sees the
 * guest. After a reboot, a new one-time URL reaches the new console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, createWebSocketStream } from 'ws';
import { startTestSimulator, type TestSimulator } from '../../../simulator/contract/harness';
import { rpc as wireRpc } from '../../../simulator/contract/json-rpc-client';
import { createConsoleExtension } from '../../../simulator/console/console-extension';
import { RfbTestClient } from '../../../simulator/console/rfb-test-client';
import { ConsoleTunnelService } from './console-tunnel';
import { xapiConsoleOpener, type ConsoleConnectionPort } from './xapi-console-opener';
import { consoleTarget } from './xapi-console-connect';
import { publishedFingerprints, type PoolMirror } from '../connections/pool-trust';
import { sameFingerprint } from '../connections/pinned-trust';
import type { XapiObject } from '../../../shared/api-client/change-set';

const ORIGIN = 'http://127.0.0.1:5173';
let sim: TestSimulator;
let session = '';

/** JSON-RPC on the first host over plain HTTP; a XAPI failure arrives as an RpcFailure with its code and params. */
const rpc = <T>(method: string, params: unknown[]) => wireRpc(sim.hosts[0].httpUrl, method, ...params) as Promise<T>;

/** The pool's hosts and Certificate records, read over XAPI as the connection's mirror holds them. */
async function poolMirror(): Promise<PoolMirror> {
  const read = async (cls: string) => new Map(Object.entries(await rpc<Record<string, XapiObject>>(`${cls}.get_all_records`, [session])));
  const byClass = new Map([['host', await read('host')], ['Certificate', await read('Certificate')]]);
  return { masterUrl: sim.url, objects: { records: (cls) => byClass.get(cls) ?? new Map() } };
}

/**
 * What the ConnectionManager provides in the app: calls on its session, the pin, the address in use, and
 * the trust of members' own certificates by what the pool publishes.
 */
function port(pin: () => string, { poolTrust = true } = {}): ConsoleConnectionPort {
  const base: ConsoleConnectionPort = {
    call: (_id, method, params) => rpc(method, [session, ...params]),
    endpoint: async () => ({ sessionId: session, pinnedFingerprint256: pin(), address: new URL(sim.url).host }),
  };
  if (!poolTrust) return base;
  return {
    ...base,
    verifyPeer: async (_id, hostKey, fingerprint256) => {
      const published = publishedFingerprints(await poolMirror(), hostKey) ?? [];
      return published.some((fp) => sameFingerprint(fp, fingerprint256)) ? 'trusted' : 'unknown';
    },
  };
}

async function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, ['binary'], { origin: ORIGIN });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

beforeAll(async () => {
  sim = await startTestSimulator({ seed: 7, timeScale: 50, extensions: [createConsoleExtension({ timing: { bootLineMs: 0 } })] });
  session = await rpc<string>('session.login_with_password', ['root', 'xendeck', '1.0', 'tunnel-test']);
});

afterAll(async () => {
  await sim?.cleanup();
});

describe('console tunnel to the simulator through CONNECT /console', () => {
  it('shows the VM login prompt through the tunnel and reaches the new console after a reboot', async () => {
    const tunnel = new ConsoleTunnelService({ openConsoleSocket: xapiConsoleOpener(port(() => sim.hosts[0].fingerprint256)), isOriginAllowed: (o) => o === ORIGIN });
    try {
      const [vm] = await rpc<string[]>('VM.get_by_name_label', [session, 'web-02']);
      const first = await RfbTestClient.connect(createWebSocketStream(await openWs((await tunnel.open('pool-1', vm)).url)));
      expect(first.name).toBe('web-02');
      await first.waitForText('web-02 login:');
      first.type('root');
      await first.waitForText('web-02 login: root');
      await rpc('VM.hard_reboot', [session, vm]);
      await first.closedPromise;
      const second = await RfbTestClient.connect(createWebSocketStream(await openWs((await tunnel.open('pool-1', vm)).url)));
      await second.waitForText('web-02 login:');
      expect(second.screenText().join('\n')).not.toContain('login: root');
      second.close();
    } finally {
      await tunnel.stop();
    }
  });

  it('refuses a host whose certificate is not the pinned one when nothing else vouches for it', async () => {
    const tunnel = new ConsoleTunnelService({ openConsoleSocket: xapiConsoleOpener(port(() => 'AA:'.repeat(31) + 'AA', { poolTrust: false })), isOriginAllowed: (o) => o === ORIGIN });
    try {
      const [vm] = await rpc<string[]>('VM.get_by_name_label', [session, 'web-01']);
      const ws = await openWs((await tunnel.open('pool-1', vm)).url);
      const [code, reason] = await new Promise<[number, string]>((resolve) => ws.once('close', (c, r) => resolve([c, r.toString()])));
      expect(code).toBe(4001);
      expect(reason).toBe('CERTIFICATE_MISMATCH');
    } finally {
      await tunnel.stop();
    }
  });

  it('reports CONSOLE_NOT_FOUND for a halted VM', async () => {
    const tunnel = new ConsoleTunnelService({ openConsoleSocket: xapiConsoleOpener(port(() => sim.hosts[0].fingerprint256)), isOriginAllowed: (o) => o === ORIGIN });
    try {
      const halted = (await rpc<Record<string, { power_state: string; is_a_template: boolean }>>('VM.get_all_records', [session]));
      const vm = Object.entries(halted).find(([, r]) => r.power_state === 'Halted' && !r.is_a_template)![0];
      const ws = await openWs((await tunnel.open('pool-1', vm)).url);
      const reason = await new Promise<string>((resolve) => ws.once('close', (_c, r) => resolve(r.toString())));
      expect(reason).toBe('CONSOLE_NOT_FOUND');
    } finally {
      await tunnel.stop();
    }
  });
});

describe('console location to dial', () => {
  it('uses the connection port when the location has none, and the connection host when the hostname is empty', () => {
    expect(consoleTarget({ location: 'https://10.0.0.2/console?uuid=u', connectionAddress: '10.0.0.1:8443' })).toEqual({ host: '10.0.0.2', port: 8443, path: '/console?uuid=u' });
    expect(consoleTarget({ location: 'https:///console?uuid=u', connectionAddress: '10.0.0.1' })).toEqual({ host: '10.0.0.1', port: 443, path: '/console?uuid=u' });
    expect(consoleTarget({ location: 'https://[fd00::2]:9443/console?ref=r', connectionAddress: 'pool.example' })).toEqual({ host: 'fd00::2', port: 9443, path: '/console?ref=r' });
  });
});
