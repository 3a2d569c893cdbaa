/**
 * The Electron transport of the Bridge against the strict Electron stand-in: ipc.ts answers only our
 * windows' top frames on app://xendeck, validates arguments with the Bridge schemas, keeps XAPI error codes,
 * and sends events to our page only. (The preload's side runs in the start-up test, in a sandboxed vm.)
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppInfo, ConnectionInfo } from '../shared/bridge';
import { bridgeError } from '../shared/bridge';
import type { BridgeReply } from '../shared/bridge-wire';
import { RawRecord } from '../shared/api-client/raw-record';
import { createBridgeHost, EventHub, type BridgeHandlers } from './backend/bridge-host';
import { EVENT_CHANNEL, REQUEST_CHANNEL } from './ipc-channels';
import type { StandInPage } from './testing/strict-electron/page';
import { standIn } from './testing/strict-electron/unit-electron';

vi.mock('electron', async () => (await import('./testing/strict-electron/unit-electron')).standIn.main);

const { bindIpc } = await import('./ipc');

beforeAll(() => standIn.launch());

/** A frame as Electron describes one (WebFrameMain's fields that ipc.ts reads). */
interface Frame {
  url: string;
  parent: Frame | null;
  processId: number;
  routingId: number;
}

/** A window's web contents in the stand-in, showing `url`. */
function windowAt(url: string): StandInPage {
  const page = standIn.createWindow({}).webContents;
  page.url = url;
  return page;
}
const mainFrameOf = (page: StandInPage) => page.mainFrameProxy as Frame;

const info: AppInfo = { name: 'XenDeck', version: '1.2.3', mode: 'electron', platform: 'linux', secretStorage: 'os-keychain' };

function backendFor(calls: unknown[]) {
  const events = new EventHub();
  // Only the requests these tests make; every other name still goes through the real schema check first.
  const handlers = {
    'app.info': async () => info,
    'connections.connect': async (a: { id: string }) => void calls.push(a),
    'xapi.call': async () => {
      throw bridgeError('VM_BAD_POWER_STATE', ['OpaqueRef:vm', 'halted', 'running'], 'VM_BAD_POWER_STATE', 'VM.clean_shutdown');
    },
  } as unknown as BridgeHandlers;
  return { host: createBridgeHost(handlers, events), events };
}

/** A request as the page makes it: the reply crosses as JSON text, which the page parses. */
async function invoke(event: { sender: StandInPage; senderFrame: Frame | null }, name: unknown, args: unknown): Promise<BridgeReply> {
  const handler = standIn.ipcHandlers.get(REQUEST_CHANNEL);
  if (!handler) throw new Error('no IPC handler registered');
  const text = await handler({ sender: event.sender.proxy, senderFrame: event.senderFrame }, name, args);
  expect(typeof text).toBe('string');
  return JSON.parse(text as string) as BridgeReply;
}

let calls: unknown[];
let ours: Set<object>;
let win: StandInPage;

beforeEach(() => {
  standIn.ipcHandlers.clear();
  calls = [];
  const backend = backendFor(calls);
  win = windowAt('app://xendeck/index.html');
  ours = new Set([win.proxy]);
  bindIpc(backend.host, (c) => ours.has(c));
});

describe('IPC requests', () => {
  it('answers a request from our window top frame on app://xendeck', async () => {
    expect(await invoke({ sender: win, senderFrame: mainFrameOf(win) }, 'app.info', undefined)).toEqual({ ok: true, result: info });
    expect(await invoke({ sender: win, senderFrame: mainFrameOf(win) }, 'connections.connect', { id: 'c1' })).toEqual({ ok: true, result: null });
    expect(calls).toEqual([{ id: 'c1' }]);
  });

  it('refuses a request from an iframe inside our page', async () => {
    const iframe: Frame = { url: 'app://xendeck/index.html', parent: mainFrameOf(win), processId: mainFrameOf(win).processId, routingId: mainFrameOf(win).routingId + 1000 };
    const reply = await invoke({ sender: win, senderFrame: iframe }, 'connections.connect', { id: 'c1' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BRIDGE_SENDER_REFUSED', params: ['not the top frame'] } });
    expect(calls).toEqual([]);
  });

  it('knows the top frame by its ids, not by which object Electron handed out', async () => {
    const sameFrame: Frame = { url: win.url, parent: null, processId: mainFrameOf(win).processId, routingId: mainFrameOf(win).routingId };
    expect(await invoke({ sender: win, senderFrame: sameFrame }, 'app.info', undefined)).toEqual({ ok: true, result: info });
    const otherFrame: Frame = { ...sameFrame, routingId: mainFrameOf(win).routingId + 1 };
    expect(await invoke({ sender: win, senderFrame: otherFrame }, 'app.info', undefined)).toMatchObject({ ok: false, error: { code: 'BRIDGE_SENDER_REFUSED', params: ['not the top frame'] } });
  });

  it('refuses a request once the page has left our origin', async () => {
    win.url = 'https://example.com/';
    const reply = await invoke({ sender: win, senderFrame: mainFrameOf(win) }, 'connections.connect', { id: 'c1' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BRIDGE_SENDER_REFUSED' } });
    expect(calls).toEqual([]);
  });

  it('refuses look-alike origins', async () => {
    for (const url of ['app://xendeck.evil/index.html', 'file:///app/index.html', 'app://user@xendeck/index.html']) {
      win.url = url;
      const reply = await invoke({ sender: win, senderFrame: mainFrameOf(win) }, 'app.info', undefined);
      expect(reply, url).toMatchObject({ ok: false, error: { code: 'BRIDGE_SENDER_REFUSED' } });
    }
  });

  it('refuses a web contents that is not one of our windows', async () => {
    const stranger = windowAt('app://xendeck/index.html');
    const reply = await invoke({ sender: stranger, senderFrame: mainFrameOf(stranger) }, 'app.info', undefined);
    expect(reply).toMatchObject({ ok: false, error: { code: 'BRIDGE_SENDER_REFUSED', params: ['not one of our windows'] } });
  });

  it('refuses a request whose frame is already gone', async () => {
    const reply = await invoke({ sender: win, senderFrame: null }, 'app.info', undefined);
    expect(reply).toMatchObject({ ok: false, error: { code: 'BRIDGE_SENDER_REFUSED' } });
  });

  it('refuses unknown requests and invalid arguments before any handler runs', async () => {
    const from = { sender: win, senderFrame: mainFrameOf(win) };
    expect(await invoke(from, 'shell.exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, error: { code: 'BRIDGE_UNKNOWN_REQUEST' } });
    expect(await invoke(from, '__proto__', undefined)).toMatchObject({ ok: false, error: { code: 'BRIDGE_UNKNOWN_REQUEST' } });
    expect(await invoke(from, 42, undefined)).toMatchObject({ ok: false, error: { code: 'BRIDGE_UNKNOWN_REQUEST' } });
    expect(await invoke(from, 'connections.connect', { id: '' })).toMatchObject({ ok: false, error: { code: 'BRIDGE_INVALID_ARGUMENTS' } });
    expect(await invoke(from, 'connections.connect', { id: 7 })).toMatchObject({ ok: false, error: { code: 'BRIDGE_INVALID_ARGUMENTS' } });
    expect(await invoke(from, 'connections.connect', 'c1')).toMatchObject({ ok: false, error: { code: 'BRIDGE_INVALID_ARGUMENTS' } });
    expect(await invoke(from, 'xapi.call', { connectionId: 'c1', method: 'VM.start; rm', params: [] })).toMatchObject({ ok: false, error: { code: 'BRIDGE_INVALID_ARGUMENTS' } });
    expect(calls).toEqual([]);
  });

  it("keeps XAPI's error code, params and method across IPC", async () => {
    const reply = await invoke({ sender: win, senderFrame: mainFrameOf(win) }, 'xapi.call', { connectionId: 'c1', method: 'VM.clean_shutdown', params: ['OpaqueRef:vm'] });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'VM_BAD_POWER_STATE', params: ['OpaqueRef:vm', 'halted', 'running'], method: 'VM.clean_shutdown', message: 'VM_BAD_POWER_STATE' },
    });
  });
});

describe('IPC events', () => {
  it('sends backend events to an attached window showing our page', () => {
    const backend = backendFor([]);
    standIn.ipcHandlers.clear();
    const ipc = bindIpc(backend.host, () => true);
    ipc.attach(win.proxy as never);
    const list: ConnectionInfo[] = [];
    backend.events.emit('connections.changed', list);
    expect(win.sent).toEqual([[EVENT_CHANNEL, 'connections.changed', '[]']]);
  });

  it('sends a mirror batch with records loaded as text as one JSON text the page parses into objects', () => {
    const backend = backendFor([]);
    standIn.ipcHandlers.clear();
    bindIpc(backend.host, () => true).attach(win.proxy as never);
    const vm = '{"name_label":"web-01 \\"prod\\"","VCPUs_max":4,"tags":["a"]}';
    backend.events.emit('mirror.batch', { connectionId: 'c1', added: { VM: { 'OpaqueRef:1': new RawRecord(vm) } }, modified: {}, removed: {} });
    const [[, name, text]] = win.sent as [string, string, string][];
    expect(name).toBe('mirror.batch');
    expect(text).toContain(vm);
    expect(JSON.parse(text)).toEqual({ connectionId: 'c1', added: { VM: { 'OpaqueRef:1': { name_label: 'web-01 "prod"', VCPUs_max: 4, tags: ['a'] } } }, modified: {}, removed: {} });
  });

  it('sends nothing to a window that navigated away, or after it is destroyed', () => {
    standIn.ipcHandlers.clear();
    const backend = backendFor([]);
    const ipc = bindIpc(backend.host, () => true);
    ipc.attach(win.proxy as never);
    win.url = 'https://example.com/';
    backend.events.emit('connections.changed', []);
    win.url = 'app://xendeck/index.html';
    win.destroy();
    backend.events.emit('connections.changed', []);
    expect(win.sent).toEqual([]);
  });

  it('removes its handler on dispose', () => {
    standIn.ipcHandlers.clear();
    const ipc = bindIpc(backendFor([]).host, () => true);
    expect(standIn.ipcHandlers.has(REQUEST_CHANNEL)).toBe(true);
    ipc.dispose();
    expect(standIn.ipcHandlers.has(REQUEST_CHANNEL)).toBe(false);
  });
});
