import { describe, expect, it } from 'vitest';
import type { MirrorBatch } from '../../shared/bridge';
import { applyBatch, type ConnectionMirror } from './apply-batch';
import { createMirrorStore } from './mirror-store';
import { connectionNodeId, objectId } from './object-id';

const C = 'pool-a';
const vm = (uuid: string, fields: Record<string, unknown> = {}) => ({
  uuid,
  name_label: uuid,
  resident_on: 'OpaqueRef:NULL',
  is_a_snapshot: false,
  snapshot_of: 'OpaqueRef:NULL',
  power_state: 'Halted',
  ...fields,
});
const batch = (parts: Partial<Omit<MirrorBatch, 'connectionId'>>): MirrorBatch => ({ connectionId: C, added: {}, modified: {}, removed: {}, ...parts });
const refs = (m: ConnectionMirror, index: keyof ConnectionMirror['indexes'], key: string) => [...(m.indexes[index].get(key) ?? [])].sort();

const initial = () =>
  applyBatch(
    undefined,
    batch({
      reset: true,
      added: {
        host: { 'OpaqueRef:h1': { uuid: 'h1', name_label: 'host-1' }, 'OpaqueRef:h2': { uuid: 'h2', name_label: 'host-2' } },
        VM: {
          'OpaqueRef:v1': vm('v1', { resident_on: 'OpaqueRef:h1', power_state: 'Running' }),
          'OpaqueRef:v2': vm('v2', { resident_on: 'OpaqueRef:h1', power_state: 'Running' }),
          'OpaqueRef:v3': vm('v3'),
          'OpaqueRef:s1': vm('s1', { is_a_snapshot: true, snapshot_of: 'OpaqueRef:v1' }),
        },
        VBD: { 'OpaqueRef:b1': { uuid: 'b1', VM: 'OpaqueRef:v1', VDI: 'OpaqueRef:d1' }, 'OpaqueRef:b2': { uuid: 'b2', VM: 'OpaqueRef:v2', VDI: 'OpaqueRef:d2' } },
        VIF: { 'OpaqueRef:i1': { uuid: 'i1', VM: 'OpaqueRef:v1', network: 'OpaqueRef:n1' } },
        PBD: { 'OpaqueRef:p1': { uuid: 'p1', SR: 'OpaqueRef:sr1', host: 'OpaqueRef:h1' } },
        message: { 'OpaqueRef:m1': { uuid: 'm1', obj_uuid: 'v1', name: 'VM_STARTED', priority: 3 } },
      },
    }),
  );

describe('applyBatch', () => {
  it('files a full load under every index and marks the mirror loaded', () => {
    const m = initial();
    expect(m.loaded).toBe(true);
    expect(m.objects.VM?.size).toBe(4);
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h1')).toEqual(['OpaqueRef:v1', 'OpaqueRef:v2']);
    expect(m.indexes.vmsByHost.has('OpaqueRef:NULL')).toBe(false);
    expect(refs(m, 'snapshotsByVm', 'OpaqueRef:v1')).toEqual(['OpaqueRef:s1']);
    expect(refs(m, 'vbdsByVm', 'OpaqueRef:v2')).toEqual(['OpaqueRef:b2']);
    expect(refs(m, 'vifsByVm', 'OpaqueRef:v1')).toEqual(['OpaqueRef:i1']);
    expect(refs(m, 'pbdsBySr', 'OpaqueRef:sr1')).toEqual(['OpaqueRef:p1']);
    expect(refs(m, 'pbdsByHost', 'OpaqueRef:h1')).toEqual(['OpaqueRef:p1']);
    expect(refs(m, 'messagesByObject', 'v1')).toEqual(['OpaqueRef:m1']);
    expect(refs(m, 'vmByUuid', 'v3')).toEqual(['OpaqueRef:v3']);
  });

  it('moves a migrated VM between hosts and leaves untouched entries and records identical', () => {
    const before = initial();
    const after = applyBatch(before, batch({ modified: { VM: { 'OpaqueRef:v2': vm('v2', { resident_on: 'OpaqueRef:h2', power_state: 'Running' }) } } }));
    expect(refs(after, 'vmsByHost', 'OpaqueRef:h1')).toEqual(['OpaqueRef:v1']);
    expect(refs(after, 'vmsByHost', 'OpaqueRef:h2')).toEqual(['OpaqueRef:v2']);
    // What the batch did not touch keeps its identity, so components reading it do not re-render.
    expect(after.objects.VM?.get('OpaqueRef:v1')).toBe(before.objects.VM?.get('OpaqueRef:v1'));
    expect(after.objects.host).toBe(before.objects.host);
    expect(after.indexes.vbdsByVm).toBe(before.indexes.vbdsByVm);
    expect(after.indexes.snapshotsByVm).toBe(before.indexes.snapshotsByVm);
    // The input mirror is not changed.
    expect(refs(before, 'vmsByHost', 'OpaqueRef:h1')).toEqual(['OpaqueRef:v1', 'OpaqueRef:v2']);
  });

  it('leaves every index alone when a modification does not change its keys', () => {
    const before = initial();
    const after = applyBatch(before, batch({ modified: { VM: { 'OpaqueRef:v1': vm('v1', { resident_on: 'OpaqueRef:h1', power_state: 'Paused' }) } } }));
    expect(after.indexes).toBe(before.indexes);
    expect(after.objects.VM?.get('OpaqueRef:v1')?.power_state).toBe('Paused');
  });

  it('drops a halted VM from its host and a removed VM from every index', () => {
    let m = initial();
    m = applyBatch(m, batch({ modified: { VM: { 'OpaqueRef:v1': vm('v1') } } }));
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h1')).toEqual(['OpaqueRef:v2']);
    m = applyBatch(m, batch({ removed: { VM: ['OpaqueRef:s1', 'OpaqueRef:v2'], VBD: ['OpaqueRef:b2'], message: ['OpaqueRef:m1'] } }));
    expect(m.objects.VM?.has('OpaqueRef:v2')).toBe(false);
    expect(m.indexes.vmsByHost.has('OpaqueRef:h1')).toBe(false);
    expect(m.indexes.snapshotsByVm.has('OpaqueRef:v1')).toBe(false);
    expect(m.indexes.vbdsByVm.has('OpaqueRef:v2')).toBe(false);
    expect(m.indexes.messagesByObject.has('v1')).toBe(false);
    expect(m.indexes.vmByUuid.has('v2')).toBe(false);
  });

  it('adds new objects and indexes them, in the same batch as removals of others', () => {
    const m = applyBatch(
      initial(),
      batch({
        removed: { VIF: ['OpaqueRef:i1'] },
        added: {
          VIF: { 'OpaqueRef:i2': { uuid: 'i2', VM: 'OpaqueRef:v1', network: 'OpaqueRef:n2' } },
          VM: { 'OpaqueRef:s2': vm('s2', { is_a_snapshot: true, snapshot_of: 'OpaqueRef:v1' }) },
        },
      }),
    );
    expect(refs(m, 'vifsByVm', 'OpaqueRef:v1')).toEqual(['OpaqueRef:i2']);
    expect(m.indexes.vifsByNetwork.has('OpaqueRef:n1')).toBe(false);
    expect(refs(m, 'vifsByNetwork', 'OpaqueRef:n2')).toEqual(['OpaqueRef:i2']);
    expect(refs(m, 'snapshotsByVm', 'OpaqueRef:v1')).toEqual(['OpaqueRef:s1', 'OpaqueRef:s2']);
  });

  it('replaces everything on reset: objects absent from it disappear, with their index entries', () => {
    const m = applyBatch(
      initial(),
      batch({ reset: true, added: { VM: { 'OpaqueRef:v9': vm('v9', { resident_on: 'OpaqueRef:h2' }) } } }),
    );
    expect([...(m.objects.VM?.keys() ?? [])]).toEqual(['OpaqueRef:v9']);
    expect(m.objects.host).toBeUndefined();
    expect(m.indexes.vmsByHost.has('OpaqueRef:h1')).toBe(false);
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h2')).toEqual(['OpaqueRef:v9']);
    expect(m.indexes.vbdsByVm.size).toBe(0);
  });

  it('applies a replayed batch without duplicating anything', () => {
    const b = batch({ added: { VM: { 'OpaqueRef:v4': vm('v4', { resident_on: 'OpaqueRef:h2' }) } } });
    const once = applyBatch(initial(), b);
    const twice = applyBatch(once, b);
    expect(refs(twice, 'vmsByHost', 'OpaqueRef:h2')).toEqual(['OpaqueRef:v4']);
    expect(twice.objects.VM?.size).toBe(5);
    // A removal of an unknown ref is a no-op.
    const after = applyBatch(twice, batch({ removed: { VM: ['OpaqueRef:nope'] } }));
    expect(after.objects.VM).toBe(twice.objects.VM);
  });

  it('merges partial modified records: fields not sent are kept, index keys read from the merged record', () => {
    const before = initial();
    // Only the power state: v1 stays filed under h1 although resident_on is not in the batch.
    let m = applyBatch(before, batch({ modified: { VM: { 'OpaqueRef:v1': { power_state: 'Paused' } } } }));
    expect(m.objects.VM?.get('OpaqueRef:v1')).toEqual({ ...before.objects.VM?.get('OpaqueRef:v1'), power_state: 'Paused' });
    expect(m.indexes).toBe(before.indexes);
    expect(m.objects.VM?.get('OpaqueRef:v2')).toBe(before.objects.VM?.get('OpaqueRef:v2'));
    // Only resident_on: v1 moves to h2, its other fields stay.
    m = applyBatch(m, batch({ modified: { VM: { 'OpaqueRef:v1': { resident_on: 'OpaqueRef:h2' } } } }));
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h1')).toEqual(['OpaqueRef:v2']);
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h2')).toEqual(['OpaqueRef:v1']);
    expect(m.objects.VM?.get('OpaqueRef:v1')).toMatchObject({ uuid: 'v1', name_label: 'v1', power_state: 'Paused', resident_on: 'OpaqueRef:h2' });
    // A snapshot whose snapshot_of is not sent stays filed under its VM when only its name changes.
    m = applyBatch(m, batch({ modified: { VM: { 'OpaqueRef:s1': { name_label: 'before upgrade' } } } }));
    expect(refs(m, 'snapshotsByVm', 'OpaqueRef:v1')).toEqual(['OpaqueRef:s1']);
  });

  it('keeps a record identical when a replayed partial record changes nothing', () => {
    const before = initial();
    const held = before.objects.VM?.get('OpaqueRef:v1');
    const after = applyBatch(before, batch({ modified: { VM: { 'OpaqueRef:v1': { power_state: 'Running', resident_on: 'OpaqueRef:h1' } } } }));
    expect(after.objects.VM?.get('OpaqueRef:v1')).toBe(held);
    expect(after.indexes).toBe(before.indexes);
  });

  it('replaces a known record given in added as a whole (a field went away)', () => {
    const before = initial();
    const { power_state: _gone, ...rest } = vm('v3');
    const after = applyBatch(before, batch({ added: { VM: { 'OpaqueRef:v3': rest } } }));
    expect(after.objects.VM?.get('OpaqueRef:v3')).toEqual(rest);
    expect(after.objects.VM?.get('OpaqueRef:v3')).not.toHaveProperty('power_state');
  });

  it('is loaded only once the last chunk of a chunked load is applied', () => {
    let m = applyBatch(initial(), batch({ reset: true, more: true, added: { host: { 'OpaqueRef:h9': { uuid: 'h9', name_label: 'host-9' } } } }));
    expect(m.loaded).toBe(false);
    expect(m.objects.VM).toBeUndefined(); // the reset dropped what was held
    m = applyBatch(m, batch({ more: true, added: { VM: { 'OpaqueRef:v9': vm('v9', { resident_on: 'OpaqueRef:h9' }) } } }));
    expect(m.loaded).toBe(false);
    m = applyBatch(m, batch({ added: { VBD: { 'OpaqueRef:b9': { uuid: 'b9', VM: 'OpaqueRef:v9', VDI: 'OpaqueRef:d9' } } } }));
    expect(m.loaded).toBe(true);
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h9')).toEqual(['OpaqueRef:v9']);
    expect(refs(m, 'vbdsByVm', 'OpaqueRef:v9')).toEqual(['OpaqueRef:b9']);
    // A batch cut in chunks after the load keeps the pool loaded throughout.
    m = applyBatch(m, batch({ more: true, modified: { VM: { 'OpaqueRef:v9': { power_state: 'Running' } } } }));
    expect(m.loaded).toBe(true);
    // An unchunked reset is a whole load.
    expect(applyBatch(m, batch({ reset: true, added: {} })).loaded).toBe(true);
  });

  it('keeps the index consistent when the same ref moves twice within one batch sequence', () => {
    let m = initial();
    for (const host of ['OpaqueRef:h2', 'OpaqueRef:h1', 'OpaqueRef:h2']) {
      m = applyBatch(m, batch({ modified: { VM: { 'OpaqueRef:v1': vm('v1', { resident_on: host }) } } }));
    }
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h2')).toEqual(['OpaqueRef:v1']);
    expect(refs(m, 'vmsByHost', 'OpaqueRef:h1')).toEqual(['OpaqueRef:v2']);
  });
});

describe('MirrorStore', () => {
  it('applies a batch in one update and keeps other connections untouched', () => {
    const store = createMirrorStore();
    store.getState().applyBatch({ ...batch({ reset: true, added: { VM: { 'OpaqueRef:x': vm('x') } } }), connectionId: 'other' });
    const other = store.getState().mirrors.other;
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().applyBatch(batch({ reset: true, added: { VM: { 'OpaqueRef:v1': vm('v1'), 'OpaqueRef:v2': vm('v2') } } }));
    expect(updates).toBe(1);
    expect(store.getState().mirrors[C].objects.VM?.size).toBe(2);
    expect(store.getState().mirrors.other).toBe(other);
  });

  it('marks the pool loaded in the performance timeline once, when the last chunk of its load is applied', () => {
    const store = createMirrorStore();
    const marks = () => performance.getEntriesByName('xendeck:mirror-loaded').filter((e) => (e as PerformanceMark).detail === 'chunked').length;
    const chunk = (parts: Partial<Omit<MirrorBatch, 'connectionId'>>): MirrorBatch => ({ ...batch(parts), connectionId: 'chunked' });
    const before = marks();
    store.getState().applyBatch(chunk({ reset: true, more: true, added: { VM: { 'OpaqueRef:v1': vm('v1') } } }));
    store.getState().applyBatch(chunk({ more: true, added: { VM: { 'OpaqueRef:v2': vm('v2') } } }));
    expect(marks()).toBe(before);
    expect(store.getState().mirrors.chunked.loaded).toBe(false);
    store.getState().applyBatch(chunk({ added: { VM: { 'OpaqueRef:v3': vm('v3') } } }));
    expect(marks()).toBe(before + 1);
    expect(store.getState().mirrors.chunked.loaded).toBe(true);
    store.getState().applyBatch(chunk({ modified: { VM: { 'OpaqueRef:v3': { power_state: 'Running' } } } }));
    expect(marks()).toBe(before + 1);
  });

  it('forgets the objects of a connection that is no longer listed', () => {
    const store = createMirrorStore();
    store.getState().applyBatch(batch({ reset: true, added: { VM: { 'OpaqueRef:v1': vm('v1') } } }));
    store.getState().setConnections([]);
    expect(store.getState().mirrors[C]).toBeUndefined();
  });

  it('drops the rows of a forgotten connection from the selection and keeps the rest', () => {
    const store = createMirrorStore();
    const info = (id: string) => ({ id, address: id, user: 'root', label: id, demo: false, remembered: false, hidden: false, status: { state: 'disconnected' as const } });
    store.getState().setConnections([info('kept'), info('gone')]);
    store.getState().select([connectionNodeId('gone'), objectId('kept', 'VM', 'OpaqueRef:v1'), objectId('gone', 'VM', 'OpaqueRef:v2')]);
    const before = store.getState().selection;
    store.getState().setConnections([info('kept'), info('gone')]);
    expect(store.getState().selection).toBe(before);
    store.getState().setConnections([info('kept')]);
    expect(store.getState().selection).toEqual({ ids: [objectId('kept', 'VM', 'OpaqueRef:v1')], anchor: objectId('kept', 'VM', 'OpaqueRef:v1') });
  });

  it('selects, toggles and remembers the active tab per object', () => {
    const store = createMirrorStore();
    store.getState().select(['a', 'b', 'a']);
    expect(store.getState().selection).toEqual({ ids: ['a', 'b'], anchor: 'a' });
    store.getState().toggleSelected('b');
    store.getState().toggleSelected('c');
    expect(store.getState().selection.ids).toEqual(['a', 'c']);
    store.getState().setActiveTab('a', 'memory');
    const tabs = store.getState().activeTabs;
    store.getState().setActiveTab('a', 'memory');
    expect(store.getState().activeTabs).toBe(tabs);
    expect(tabs.a).toBe('memory');
  });
});
