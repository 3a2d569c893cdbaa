import { describe, expect, it } from 'vitest';
import type { Bridge, BridgeEvents, ConnectionInfo, EventName, MirrorBatch } from '../../shared/bridge';
import { createMirrorStore } from './mirror-store';
import { startMirrorSync } from './sync';

/** A bridge whose replies the test releases by hand, to order replies and events as a slow main process would. */
function manualBridge() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const replies: { name: string; args: unknown; resolve: (v: unknown) => void }[] = [];
  const bridge: Bridge = {
    request: (name, args) => new Promise((resolve) => replies.push({ name, args, resolve: resolve as (v: unknown) => void })) as never,
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const emit = <E extends EventName>(event: E, payload: BridgeEvents[E]) => listeners.get(event)?.forEach((l) => l(payload));
  const answer = async (name: string, value: unknown) => {
    const i = replies.findIndex((r) => r.name === name);
    if (i < 0) throw new Error(`no pending ${name}`);
    replies.splice(i, 1)[0].resolve(value);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { bridge, emit, answer, replies };
}

const conn = (id: string, state: 'connected' | 'connecting'): ConnectionInfo => ({
  id, address: id, user: 'root', label: id, demo: false, remembered: true, hidden: false, status: { state },
});
const vmBatch = (name: string, reset = false): MirrorBatch => ({
  connectionId: 'a', reset, added: {}, modified: { VM: { 'OpaqueRef:v': { uuid: 'v', name_label: name } } }, removed: {},
});

describe('startMirrorSync', () => {
  it('loads each connected pool and replays batches that arrived while its snapshot was on the way', async () => {
    const { bridge, emit, answer, replies } = manualBridge();
    const store = createMirrorStore();
    const stop = startMirrorSync(bridge, store);
    await answer('connections.list', [conn('a', 'connected'), conn('b', 'connecting')]);
    expect(store.getState().connections.map((c) => c.id)).toEqual(['a', 'b']);
    // Only the connected pool is asked for its objects.
    expect(replies.map((r) => [r.name, r.args])).toEqual([['mirror.snapshot', { connectionId: 'a' }]]);
    emit('mirror.batch', vmBatch('renamed'));
    await answer('mirror.snapshot', { ...vmBatch('original'), added: { VM: { 'OpaqueRef:v': { uuid: 'v', name_label: 'original' } } }, modified: {} });
    const vm = store.getState().mirrors.a.objects.VM?.get('OpaqueRef:v');
    expect(vm?.name_label).toBe('renamed');
    expect(store.getState().mirrors.a.loaded).toBe(true);
    // Later batches apply at once.
    emit('mirror.batch', vmBatch('again'));
    expect(store.getState().mirrors.a.objects.VM?.get('OpaqueRef:v')?.name_label).toBe('again');
    stop();
    emit('mirror.batch', vmBatch('after stop'));
    expect(store.getState().mirrors.a.objects.VM?.get('OpaqueRef:v')?.name_label).toBe('again');
  });

  it('never holds a partial record: a batch for a pool it has not loaded yet (before connections.list answers) waits for its snapshot', async () => {
    const { bridge, emit, answer, replies } = manualBridge();
    const store = createMirrorStore();
    startMirrorSync(bridge, store);
    // A rename of a VM the page has never seen: the batch carries only the changed field.
    emit('mirror.batch', { connectionId: 'a', reset: false, added: {}, modified: { VM: { 'OpaqueRef:v': { name_label: 'renamed' } } }, removed: {} });
    expect(store.getState().mirrors.a?.objects.VM?.get('OpaqueRef:v')).toBeUndefined();
    expect(replies.map((r) => [r.name, r.args])).toEqual([['connections.list', undefined], ['mirror.snapshot', { connectionId: 'a' }]]);
    await answer('connections.list', [conn('a', 'connected')]);
    // Known connected now, and already loading: not asked twice.
    expect(replies.map((r) => r.name)).toEqual(['mirror.snapshot']);
    await answer('mirror.snapshot', { connectionId: 'a', reset: false, added: { VM: { 'OpaqueRef:v': { uuid: 'v', name_label: 'original', power_state: 'Running' } } }, modified: {}, removed: {} });
    expect(store.getState().mirrors.a.objects.VM?.get('OpaqueRef:v')).toMatchObject({ uuid: 'v', name_label: 'renamed', power_state: 'Running' });
    expect(store.getState().mirrors.a.loaded).toBe(true);
  });

  it('loads a pool that connects later from its reset batch, without asking for a snapshot', async () => {
    const { bridge, emit, answer, replies } = manualBridge();
    const store = createMirrorStore();
    startMirrorSync(bridge, store);
    await answer('connections.list', [conn('a', 'connecting')]);
    emit('mirror.batch', { ...vmBatch('loaded'), reset: true, added: { VM: { 'OpaqueRef:v': { uuid: 'v', name_label: 'loaded' } } }, modified: {} });
    emit('connections.changed', [conn('a', 'connected')]);
    expect(replies).toHaveLength(0);
    expect(store.getState().mirrors.a.loaded).toBe(true);
  });

  it('fetches a pool first seen already connected, and skips its snapshot when a reset batch overtakes it', async () => {
    const { bridge, emit, answer, replies } = manualBridge();
    const store = createMirrorStore();
    startMirrorSync(bridge, store);
    emit('connections.changed', [conn('a', 'connected')]);
    expect(replies.map((r) => r.name)).toEqual(['connections.list', 'mirror.snapshot']);
    emit('mirror.batch', { ...vmBatch('from reset'), reset: true, added: { VM: { 'OpaqueRef:v': { uuid: 'v', name_label: 'from reset' } } }, modified: {} });
    await answer('mirror.snapshot', { ...vmBatch('stale'), added: { VM: { 'OpaqueRef:old': { uuid: 'old', name_label: 'stale' } } }, modified: {} });
    expect([...(store.getState().mirrors.a.objects.VM?.keys() ?? [])]).toEqual(['OpaqueRef:v']);
  });

  it('loads a snapshot that comes in chunks, one chunk at a time, and replays what arrived meanwhile after the last', async () => {
    const { bridge, emit, answer, replies } = manualBridge();
    const store = createMirrorStore();
    startMirrorSync(bridge, store);
    await answer('connections.list', [conn('a', 'connected')]);
    const vm = (ref: string, name: string) => ({ [ref]: { uuid: ref, name_label: name } });
    await answer('mirror.snapshot', { connectionId: 'a', reset: true, more: true, cursor: 'k1', added: { VM: vm('OpaqueRef:1', 'one') }, modified: {}, removed: {} });
    // The first chunk is in the store, the pool is not loaded yet, and the next chunk is asked for with the cursor.
    expect(store.getState().mirrors.a.objects.VM?.get('OpaqueRef:1')?.name_label).toBe('one');
    expect(store.getState().mirrors.a.loaded).toBe(false);
    expect(replies.map((r) => r.args)).toEqual([{ connectionId: 'a', cursor: 'k1' }]);
    emit('mirror.batch', { connectionId: 'a', added: {}, modified: { VM: { 'OpaqueRef:1': { name_label: 'one, renamed' } } }, removed: {} });
    await answer('mirror.snapshot', { connectionId: 'a', more: true, cursor: 'k1', added: { VM: vm('OpaqueRef:2', 'two') }, modified: {}, removed: {} });
    await answer('mirror.snapshot', { connectionId: 'a', added: { VM: vm('OpaqueRef:3', 'three') }, modified: {}, removed: {} });
    const vms = store.getState().mirrors.a.objects.VM;
    expect([...(vms?.values() ?? [])].map((r) => r.name_label)).toEqual(['one, renamed', 'two', 'three']);
    expect(store.getState().mirrors.a.loaded).toBe(true);
    expect(replies).toHaveLength(0);
  });

  it('loads a pool again when the host says the page missed its batches, after a load under way, and retries a refused load', async () => {
    const { bridge, emit, answer, replies } = manualBridge();
    const store = createMirrorStore();
    startMirrorSync(bridge, store);
    await answer('connections.list', [conn('a', 'connected'), conn('b', 'connected'), conn('c', 'connecting')]);
    const snapshot = (id: string, name: string) => ({ connectionId: id, added: { VM: { 'OpaqueRef:v': { uuid: 'v', name_label: name } } }, modified: {}, removed: {} });
    await answer('mirror.snapshot', snapshot('a', 'a-1'));
    // The host refuses b's load: the page was not reading.
    const refusal = replies.findIndex((r) => (r.args as { connectionId: string }).connectionId === 'b');
    replies.splice(refusal, 1)[0].resolve(Promise.reject(Object.assign(new Error('behind'), { code: 'BRIDGE_PAGE_BEHIND', params: ['refused'] })));
    await new Promise((r) => setTimeout(r, 0));
    expect(replies).toHaveLength(0);
    // Caught up: a's batches were dropped (c is not connected: its reset batch comes when it connects).
    emit('mirror.resync', { connectionIds: ['a', 'c'] });
    expect(replies.map((r) => r.args)).toEqual([{ connectionId: 'a' }, { connectionId: 'b' }]);
    // Another resync while a's load is under way: a is loaded once more after it.
    emit('mirror.resync', { connectionIds: ['a'] });
    expect(replies).toHaveLength(2);
    await answer('mirror.snapshot', snapshot('a', 'a-2'));
    await answer('mirror.snapshot', snapshot('b', 'b-1'));
    expect(store.getState().mirrors.b.objects.VM?.get('OpaqueRef:v')?.name_label).toBe('b-1');
    expect(replies.map((r) => r.args)).toEqual([{ connectionId: 'a' }]);
    await answer('mirror.snapshot', snapshot('a', 'a-3'));
    expect(store.getState().mirrors.a.objects.VM?.get('OpaqueRef:v')?.name_label).toBe('a-3');
    expect(replies).toHaveLength(0);
  });
});
