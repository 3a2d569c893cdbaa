/**
 * What the page may not call on a pool (shared/page-xapi-reach.ts), over both real transports of the Bridge
 * (the browser-mode WebSocket and Electron IPC, against the real backend connected to the embedded demo pools):
 * every entry of the list is refused in every spelling xapi dispatches, by `xapi.call` and `xapi.callAsync`,
 * before anything reaches the pool; what SR creation needs (`secret.create`) still works.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionInfo } from '../shared/bridge';
import type { BridgeReply } from '../shared/bridge-wire';
import { PAGE_REFUSED_CLASSES, PAGE_REFUSED_MESSAGES, refusedToPage } from '../shared/page-xapi-reach';
import { startAppUnderAttack, type AppUnderAttack } from './hostile/app-under-attack';
import { OPCODE, openRawWebSocket, type RawWebSocket } from './hostile/raw-ws';
import { REQUEST_CHANNEL } from './ipc-channels';
import type { StandInPage } from './testing/strict-electron/page';
import { standIn } from './testing/strict-electron/unit-electron';

vi.mock('electron', async () => (await import('./testing/strict-electron/unit-electron')).standIn.main);

const { bindIpc } = await import('./ipc');

let app: AppUnderAttack;
let ws: RawWebSocket;
let demoId = '';
let nextId = 1;
let win: StandInPage;

type Reply = { ok: boolean; result?: unknown; error?: { code: string; params: string[] } };

const transports: Record<'WebSocket' | 'IPC', (name: string, args: unknown) => Promise<Reply>> = {
  async WebSocket(name, args) {
    const id = nextId++;
    ws.sendText(JSON.stringify({ type: 'request', id, name, args }));
    const frame = await ws.next((f) => f.opcode === OPCODE.text && (JSON.parse(f.payload.toString()) as { id?: number }).id === id, 15_000);
    if (frame === 'closed') throw new Error('the bridge closed');
    return JSON.parse(frame.payload.toString()) as Reply;
  },
  async IPC(name, args) {
    const text = await standIn.ipcHandlers.get(REQUEST_CHANNEL)!({ sender: win.proxy, senderFrame: win.mainFrameProxy }, name, args);
    return JSON.parse(text as string) as BridgeReply as Reply;
  },
};

beforeAll(async () => {
  app = await startAppUnderAttack({ demo: true });
  await standIn.launch();
  standIn.ipcHandlers.clear();
  win = standIn.createWindow({}).webContents;
  win.url = 'app://xendeck/index.html';
  bindIpc(app.backend, (c) => c === win.proxy);
  const socket = await openRawWebSocket(app.host.port, { path: `/bridge?token=${encodeURIComponent(app.host.token)}`, origin: app.host.origin });
  if (!('socket' in socket)) throw new Error(`bridge refused: ${socket.refused}`);
  ws = socket;
  // The demo pools connect in the background.
  for (const deadline = Date.now() + 30_000; !demoId && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const list = (await transports.WebSocket('connections.list', undefined)).result as ConnectionInfo[];
    demoId = list.find((c) => c.demo && c.status.state === 'connected')?.id ?? '';
  }
  if (!demoId) throw new Error('no demo pool connected');
}, 60_000);
afterAll(async () => {
  ws?.destroy();
  await app?.stop();
});

/** Every spelling of a message xapi (or the simulator, or a database of an old host) dispatches. */
function spellings(message: string): string[] {
  const [cls, name] = message.split('.');
  const Cls = cls[0].toUpperCase() + cls.slice(1);
  return [message, `${Cls}.${name}`, `${cls.toUpperCase()}.${name}`, `Async.${message}`, `Async.${Cls}.${name}`, `${message.replace('.', '_')}`];
}

const refusedClassSamples = PAGE_REFUSED_CLASSES.flatMap((cls) => [`${cls}.get_all`, `${cls}.get_record`, cls === 'session' ? 'session.logout' : 'event.from']);

describe.each(Object.keys(transports) as (keyof typeof transports)[])('over %s, the page', (transport) => {
  const ask = (name: string, args: unknown) => transports[transport](name, args);

  it.each([...PAGE_REFUSED_MESSAGES, ...refusedClassSamples])('may not call %s, in any spelling, nor as a task', async (message) => {
    for (const method of spellings(message)) {
      expect(refusedToPage(method), method).toBe(true);
      const reply = await ask('xapi.call', { connectionId: demoId, method, params: ['OpaqueRef:whatever'] });
      // `secret_get_value` (xapi's other wire name) has no dot: the Bridge's schema refuses it even earlier.
      const code = method.includes('.') ? 'METHOD_NOT_ALLOWED' : 'BRIDGE_INVALID_ARGUMENTS';
      expect(reply, method).toMatchObject({ ok: false, error: { code } });
      if (!method.startsWith('Async.') && method.includes('.')) {
        expect(await ask('xapi.callAsync', { connectionId: demoId, method, params: ['OpaqueRef:whatever'] }), `Async ${method}`).toMatchObject({ ok: false, error: { code: 'METHOD_NOT_ALLOWED' } });
      }
    }
  });

  it('creates a secret for an SR, and cannot read it back', async () => {
    const created = await ask('xapi.call', { connectionId: demoId, method: 'secret.create', params: [{ value: 'cifs-password', other_config: {} }] });
    expect(created).toMatchObject({ ok: true, result: expect.stringMatching(/^OpaqueRef:/) });
    const ref = created.result as string;
    // What reveals no value is still there.
    expect(await ask('xapi.call', { connectionId: demoId, method: 'secret.get_uuid', params: [ref] })).toMatchObject({ ok: true, result: expect.any(String) });
    expect(await ask('xapi.call', { connectionId: demoId, method: 'secret.get_value', params: [ref] })).toMatchObject({ ok: false, error: { code: 'METHOD_NOT_ALLOWED' } });
    expect(await ask('xapi.call', { connectionId: demoId, method: 'secret.destroy', params: [ref] })).toMatchObject({ ok: true });
  });

  it('still makes ordinary calls', async () => {
    expect(await ask('xapi.call', { connectionId: demoId, method: 'pool.get_all', params: [] })).toMatchObject({ ok: true, result: [expect.stringMatching(/^OpaqueRef:/)] });
  });
});
