/** The Electron half of the renderer's Bridge, against a preload that delivers JSON text as electron/preload.ts does. */
import { describe, expect, it } from 'vitest';
import { ipcBridge } from './bridge';

function fakePreload() {
  const subscribed = new Map<string, Set<(json: string) => void>>();
  return {
    subscribed,
    emit: (event: string, payload: unknown) => { for (const l of subscribed.get(event) ?? []) l(JSON.stringify(payload)); },
    request: async (name: string) => JSON.stringify(name === 'app.info' ? { ok: true, result: { version: '1' } } : { ok: false, error: { code: 'SESSION_INVALID', params: ['s'], message: 'Session invalid' } }),
    on(event: string, listener: (json: string) => void) {
      const set = subscribed.get(event) ?? new Set();
      subscribed.set(event, set.add(listener));
      return () => { set.delete(listener); };
    },
  };
}

describe('renderer bridge over Electron IPC', () => {
  it('parses replies and keeps XAPI error codes', async () => {
    const bridge = ipcBridge(fakePreload());
    expect(await bridge.request('app.info', undefined)).toEqual({ version: '1' });
    await expect(bridge.request('connections.list', undefined)).rejects.toMatchObject({ code: 'SESSION_INVALID', params: ['s'] });
  });

  it('parses each event once for all its listeners, and lets go of the preload when the last one leaves', () => {
    const preload = fakePreload();
    const bridge = ipcBridge(preload);
    const seen: unknown[] = [];
    const offA = bridge.on('metrics.update', (p) => seen.push(p));
    const offB = bridge.on('metrics.update', (p) => seen.push(p));
    expect(preload.subscribed.get('metrics.update')?.size).toBe(1);
    preload.emit('metrics.update', { subscriptionId: 's1' });
    expect(seen).toEqual([{ subscriptionId: 's1' }, { subscriptionId: 's1' }]);
    expect(seen[0]).toBe(seen[1]);
    offA();
    preload.emit('metrics.update', { subscriptionId: 's2' });
    expect(seen).toHaveLength(3);
    offB();
    expect(preload.subscribed.get('metrics.update')?.size).toBe(0);
    const offC = bridge.on('metrics.update', (p) => seen.push(p));
    preload.emit('metrics.update', { subscriptionId: 's3' });
    expect(seen.at(-1)).toEqual({ subscriptionId: 's3' });
    offC();
  });
});
