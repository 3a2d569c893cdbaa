/**
 * What a page starts ends when the page goes, over both transports, against the simulator: a browser tab's
 * charts stop polling its hosts when its WebSocket closes (another tab's chart of the same host keeps
 * polling), its console tunnels close, and an Electron window's charts stop when it is destroyed, reloads or
 * its renderer dies. Hosts' RRD requests are counted on the simulator; the metrics service's timers run on a
 * hand-driven clock, so nothing waits on wall time.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { eventually, startTestSimulator, type TestSimulator } from '../simulator/contract/harness';
import { rpc as wireRpc } from '../simulator/contract/json-rpc-client';
import { rrdRequestLogs } from '../simulator/rrd/rrd-extension';
import type { MetricsUpdate } from '../shared/bridge';
import type { BridgeReply, ServerFrame } from '../shared/bridge-wire';
import { createBridgeHost, EventHub, type BridgeHandlers, type BridgeHost } from './backend/bridge-host';
import { ConsoleTunnelService } from './backend/console-tunnel/console-tunnel';
import { xapiConsoleOpener } from './backend/console-tunnel/xapi-console-opener';
import { MetricsService, type MetricsConnectionPort } from './backend/metrics/metrics-service';
import { consoleHandlers, metricsHandlers } from './backend/page-state-handlers';
import { REQUEST_CHANNEL } from './ipc-channels';
import { ManualClock } from './testing/manual-clock';
import type { StandInPage } from './testing/strict-electron/page';
import { standIn } from './testing/strict-electron/unit-electron';
import { startWebHost, type WebHost } from './web-host';

vi.mock('electron', async () => (await import('./testing/strict-electron/unit-electron')).standIn.main);

const { bindIpc } = await import('./ipc');

const CONN = 'prod';
let sim: TestSimulator;
let session = '';
let dir: string;
let clock: ManualClock;
let metrics: MetricsService;
let consoles: ConsoleTunnelService;
let backend: BridgeHost;
let web: WebHost;

const rpc = <T>(method: string, params: unknown[]) => wireRpc(sim.hosts[0].httpUrl, method, ...params) as Promise<T>;

/** What the connection manager provides in the app: calls on its session, the pin, the address in use. */
const port: MetricsConnectionPort = {
  call: (_id, method, params) => rpc(method, [session, ...params]),
  endpoint: async () => ({ sessionId: session, pinnedFingerprint256: sim.hosts[0].fingerprint256, address: new URL(sim.url).host }),
};

/** rrd_updates requests of the live archive that a host has received so far. */
function liveRequests(hostRef: string): number {
  const uuid = String(sim.db.get('host', hostRef).uuid);
  return (rrdRequestLogs.get(sim.pools[0].pool) ?? []).filter(
    (r) => r.path === '/rrd_updates' && r.host === uuid && new URLSearchParams(r.query).get('interval') === '5',
  ).length;
}

/** Moves the simulator's and the service's clocks in 5-second steps, letting each step's fetches finish. */
async function advance(ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 5_000) {
    await sim.clock.advance(5_000);
    clock.tick(5_000);
    await metrics.settled();
  }
}

/** The pool master: the host whose certificate the port pins (each simulated host has its own). */
const firstHost = () => sim.db.refs('host').find((ref) => sim.db.get('host', ref).uuid === sim.hosts[0].uuid)!;

/** A running guest on the master, for a console the pinned certificate reaches. */
const guestOnMaster = () =>
  [...sim.db.all('VM')].find(([, v]) => v.resident_on === firstHost() && v.power_state === 'Running' && !v.is_control_domain)![0];

beforeAll(async () => {
  // One certificate for every host, so the port's single pin covers them all (members trusted by their own
  // published certificates: connections/pool-trust.integration.test.ts).
  sim = await startTestSimulator({ seed: 3, timeScale: 0, startTime: 1_750_000_002_500, certificates: 'shared' });
  session = await rpc<string>('session.login_with_password', ['root', 'xendeck', '1.0', 'page-state-test']);
  clock = new ManualClock();
  const events = new EventHub();
  metrics = new MetricsService({ connections: port, clock, emit: (u) => events.emit('metrics.update', u) });
  consoles = new ConsoleTunnelService({ openConsoleSocket: xapiConsoleOpener(port), isOriginAllowed: (o) => o === web.origin });
  // The requests these tests make, wired as the app wires them; any other name is refused by the Bridge schemas.
  const handlers = { ...metricsHandlers(metrics), ...consoleHandlers(consoles) } as unknown as BridgeHandlers;
  backend = createBridgeHost(handlers, events);
  dir = await mkdtemp(join(tmpdir(), 'xendeck-page-state-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>XenDeck</title>');
  await consoles.start();
  web = await startWebHost({ backend, rendererDir: join(dir, 'renderer'), consoleTunnelPort: consoles.listeningPort });
});

afterEach(async () => {
  await eventually('every page gone', () => metrics.subscriptionCount === 0);
});

afterAll(async () => {
  await web?.close();
  await consoles?.stop();
  await metrics?.dispose();
  await sim?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** A browser tab: the bridge WebSocket with the token and the page's Origin, its replies and its metrics updates. */
class Page {
  readonly updates: MetricsUpdate[] = [];
  private readonly waiting = new Map<number, (frame: ServerFrame) => void>();
  private nextId = 1;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.type === 'event') {
        if (frame.event === 'metrics.update') this.updates.push(frame.payload as MetricsUpdate);
      } else this.waiting.get(frame.id)?.(frame);
    });
  }

  static async open(): Promise<Page> {
    const ws = new WebSocket(`${web.origin.replace('http:', 'ws:')}/bridge?token=${encodeURIComponent(web.token)}`, { origin: web.origin });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Page(ws);
  }

  async request<T>(name: string, args: unknown): Promise<T> {
    const id = this.nextId++;
    const frame = await new Promise<ServerFrame>((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'request', id, name, args }));
    });
    if (frame.type !== 'response' || !frame.ok) throw new Error(`${name} failed: ${JSON.stringify(frame)}`);
    return frame.result as T;
  }

  async subscribeLive(hostRef: string): Promise<string> {
    const { subscriptionId } = await this.request<{ subscriptionId: string }>('metrics.subscribe', {
      connectionId: CONN, objectClass: 'host', ref: hostRef, range: 'live', visible: true,
    });
    await metrics.settled();
    return subscriptionId;
  }

  updatesOf(subscriptionId: string): number {
    return this.updates.filter((u) => u.subscriptionId === subscriptionId && u.state === 'ok').length;
  }

  close(): void {
    this.ws.close();
  }
}

describe('browser mode: a tab that goes takes its charts and consoles with it', () => {
  it("stops polling a host when the tab's socket closes, while another tab's chart of the host keeps polling", async () => {
    const host = firstHost();
    const a = await Page.open();
    const b = await Page.open();
    const chartA = await a.subscribeLive(host);
    const chartB = await b.subscribeLive(host);
    expect(metrics.subscriptionCount).toBe(2);

    // Both charts share the host's feed: one request per 5 s.
    let count = liveRequests(host);
    await advance(10_000);
    expect(liveRequests(host)).toBe(count + 2);
    expect(a.updatesOf(chartA)).toBeGreaterThan(0);

    a.close();
    await eventually('the closed tab\'s chart ended', () => metrics.subscriptionCount === 1);
    count = liveRequests(host);
    const seenByB = b.updatesOf(chartB);
    await advance(10_000);
    expect(liveRequests(host)).toBe(count + 2);
    await eventually('the other tab still updated', () => b.updatesOf(chartB) >= seenByB + 2);

    b.close();
    await eventually('the last chart ended', () => metrics.subscriptionCount === 0);
    count = liveRequests(host);
    await advance(60_000);
    expect(liveRequests(host)).toBe(count);
  });

  it("a tab can neither stop nor pause another tab's chart; its own unsubscribe stops it", async () => {
    const host = firstHost();
    const a = await Page.open();
    const b = await Page.open();
    const chartA = await a.subscribeLive(host);
    await b.request('metrics.unsubscribe', { subscriptionId: chartA });
    await b.request('metrics.setVisible', { subscriptionId: chartA, visible: false });
    let count = liveRequests(host);
    await advance(10_000);
    expect(liveRequests(host)).toBe(count + 2);

    await a.request('metrics.unsubscribe', { subscriptionId: chartA });
    expect(metrics.subscriptionCount).toBe(0);
    count = liveRequests(host);
    await advance(10_000);
    expect(liveRequests(host)).toBe(count);
    a.close();
    b.close();
  });

  it("closes the tab's console tunnels, live and not yet used, when the tab goes", async () => {
    const vm = guestOnMaster();
    const a = await Page.open();
    const live = await a.request<{ url: string }>('console.open', { connectionId: CONN, vmRef: vm });
    const unused = await a.request<{ url: string }>('console.open', { connectionId: CONN, vmRef: vm });

    // The viewer's socket reaches the VM's console: the RFB greeting comes through.
    const viewer = new WebSocket(live.url, ['binary'], { origin: web.origin });
    const greeting = new Promise<string>((resolve, reject) => {
      viewer.once('message', (data: Buffer) => resolve(data.toString('latin1')));
      viewer.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => viewer.once('close', (code) => resolve(code)));
    expect(await greeting).toMatch(/^RFB 003\.00\d\n/);

    a.close();
    expect(await closed).toBe(1000);
    // The unused one-time URL (valid for a minute otherwise) is refused at once.
    const late = new WebSocket(unused.url, ['binary'], { origin: web.origin });
    const status = await new Promise<number | undefined>((resolve) => {
      late.on('error', () => undefined); // terminating a refused upgrade reports one
      late.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode);
        late.terminate();
      });
      late.once('open', () => {
        resolve(undefined);
        late.close();
      });
    });
    expect(status).toBe(401);
  });
});

describe('Electron: a window that goes, reloads or crashes takes its charts with it', () => {
  beforeAll(() => standIn.launch());
  let ipc: ReturnType<typeof bindIpc> | undefined;

  afterEach(() => {
    ipc?.dispose();
    ipc = undefined;
  });

  /** A request as the window's page makes it (the reply crosses as JSON text). */
  async function invoke<T>(win: StandInPage, name: string, args: unknown): Promise<T> {
    const text = await standIn.ipcHandlers.get(REQUEST_CHANNEL)!({ sender: win.proxy, senderFrame: win.mainFrameProxy }, name, args);
    const reply = JSON.parse(text as string) as BridgeReply;
    if (!reply.ok) throw new Error(`${name} failed: ${reply.error.code}`);
    return reply.result as T;
  }

  async function subscribeLive(win: StandInPage, hostRef: string): Promise<string> {
    const { subscriptionId } = await invoke<{ subscriptionId: string }>(win, 'metrics.subscribe', {
      connectionId: CONN, objectClass: 'host', ref: hostRef, range: 'live', visible: true,
    });
    await metrics.settled();
    return subscriptionId;
  }

  function openWindows(count: number): StandInPage[] {
    standIn.ipcHandlers.clear();
    const windows = Array.from({ length: count }, () => {
      const page = standIn.createWindow({}).webContents;
      page.url = 'app://xendeck/index.html';
      return page;
    });
    ipc = bindIpc(backend, (c) => windows.some((w) => w.proxy === c));
    for (const win of windows) ipc.attach(win.proxy as never);
    return windows;
  }

  it("stops a destroyed window's charts and keeps another window's", async () => {
    const host = firstHost();
    const [first, second] = openWindows(2);
    await subscribeLive(first, host);
    await subscribeLive(second, host);
    first.destroy();
    expect(metrics.subscriptionCount).toBe(1);
    let count = liveRequests(host);
    await advance(10_000);
    expect(liveRequests(host)).toBe(count + 2);

    second.destroy();
    expect(metrics.subscriptionCount).toBe(0);
    count = liveRequests(host);
    await advance(30_000);
    expect(liveRequests(host)).toBe(count);
  });

  it('a reload ends the old page’s charts; the new page subscribes afresh and cannot touch the old ids', async () => {
    const host = firstHost();
    const [win] = openWindows(1);
    const old = await subscribeLive(win, host);
    win.emit('did-navigate', {}, 'app://xendeck/index.html', 200, 'OK');
    expect(metrics.subscriptionCount).toBe(0);

    const fresh = await subscribeLive(win, host);
    expect(fresh).not.toBe(old);
    let count = liveRequests(host);
    await advance(10_000);
    expect(liveRequests(host)).toBe(count + 2);

    // The renderer dies: its page's charts stop, though the window stays.
    win.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(metrics.subscriptionCount).toBe(0);
    count = liveRequests(host);
    await advance(30_000);
    expect(liveRequests(host)).toBe(count);
  });

  it('ends every page when the binding is disposed (the app quits)', async () => {
    const [win] = openWindows(1);
    await subscribeLive(win, firstHost());
    ipc!.dispose();
    ipc = undefined;
    expect(metrics.subscriptionCount).toBe(0);
  });
});
