import { describe, expect, it } from 'vitest';
import type { MirrorBatch } from '../../../shared/bridge';
import type { ChangeSet } from '../../../shared/api-client/change-set';
import type { Clock } from '../ports';
import { approxJsonSize, MirrorBatcher } from './mirror-batcher';
import { applyToReplica } from './mirror-replica';

/** A clock driven by the test: time moves only when `advance` is called. */
function manualClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms) {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return { cancel: () => { t.live = false; } };
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = due.at;
      due.live = false;
      due.fn();
    }
    now = end;
  };
  return { clock, advance, now: () => now };
}

const change = (partial: Partial<ChangeSet>): ChangeSet => ({ added: {}, modified: {}, removed: {}, ...partial });

/** What a change set does to a view of full records (the client's mirror). */
function applyFull(view: Map<string, unknown>, cs: ChangeSet): void {
  for (const cls in cs.removed) for (const ref of cs.removed[cls]) view.delete(`${cls}/${ref}`);
  for (const group of [cs.added, cs.modified]) for (const cls in group) for (const ref in group[cls]) view.set(`${cls}/${ref}`, group[cls][ref]);
}

describe('MirrorBatcher', () => {
  it('sends at most ten batches a second however many change sets arrive', () => {
    const { clock, advance, now } = manualClock();
    const sent: { at: number; batch: MirrorBatch }[] = [];
    const batcher = new MirrorBatcher('c1', clock, (batch) => sent.push({ at: now(), batch }));
    for (let i = 0; i < 1000; i++) {
      batcher.push(change({ modified: { VM: { [`OpaqueRef:${i % 50}`]: { name_label: `vm ${i}` } } } }));
      advance(2); // 500 change sets a second
    }
    advance(200);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.length).toBeLessThanOrEqual(21);
    for (let i = 1; i < sent.length; i++) expect(sent[i].at - sent[i - 1].at).toBeGreaterThanOrEqual(100);
    // The last full record of each object wins.
    const view = new Map<string, unknown>();
    for (const { batch } of sent) applyToReplica(view, batch);
    expect(view.get('VM/OpaqueRef:49')).toEqual({ name_label: 'vm 999' });
  });

  it('never sends an object that came and went between two batches, and turns remove+add into a modification', () => {
    const { clock, advance } = manualClock();
    const sent: MirrorBatch[] = [];
    const batcher = new MirrorBatcher('c1', clock, (batch) => sent.push(batch));
    batcher.reset({ VM: { 'OpaqueRef:a': { v: 1 } } });
    advance(150);
    batcher.push(change({ added: { task: { 'OpaqueRef:t': { status: 'pending' } } } }));
    batcher.push(change({ modified: { task: { 'OpaqueRef:t': { status: 'success' } } } }));
    batcher.push(change({ removed: { task: ['OpaqueRef:t'], VM: ['OpaqueRef:a'] } }));
    batcher.push(change({ added: { VM: { 'OpaqueRef:a': { v: 2 } } } }));
    advance(150);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual({ connectionId: 'c1', reset: true, added: { VM: { 'OpaqueRef:a': { v: 1 } } }, modified: {}, removed: {} });
    expect(sent[1]).toEqual({ connectionId: 'c1', added: {}, modified: { VM: { 'OpaqueRef:a': { v: 2 } } }, removed: {} });
  });

  it('sends only the fields of a modified record that changed since the last batch', () => {
    const { clock, advance } = manualClock();
    const sent: MirrorBatch[] = [];
    const batcher = new MirrorBatcher('c1', clock, (batch) => sent.push(batch));
    const vm = { name_label: 'web', memory_target: 1024, resident_on: 'OpaqueRef:h1', other_config: { folder: '/a' }, tags: ['x'] };
    batcher.reset({ VM: { 'OpaqueRef:a': vm, 'OpaqueRef:b': { ...vm, name_label: 'db' } } });
    advance(150);
    // Fresh objects with equal nested values count as unchanged; only memory_target and resident_on moved.
    batcher.push(change({ modified: { VM: { 'OpaqueRef:a': { ...vm, memory_target: 2048, resident_on: 'OpaqueRef:h2', other_config: { folder: '/a' }, tags: ['x'] } } } }));
    // b changes and changes back before the flush: nothing to send for it.
    batcher.push(change({ modified: { VM: { 'OpaqueRef:b': { ...vm, name_label: 'db2' } } } }));
    batcher.push(change({ modified: { VM: { 'OpaqueRef:b': { ...vm, name_label: 'db' } } } }));
    advance(150);
    expect(sent[1]).toEqual({ connectionId: 'c1', added: {}, modified: { VM: { 'OpaqueRef:a': { memory_target: 2048, resident_on: 'OpaqueRef:h2' } } }, removed: {} });
    // Compared with what was sent last, not with the load: a second change of the same VM.
    batcher.push(change({ modified: { VM: { 'OpaqueRef:a': { ...vm, memory_target: 2048, resident_on: 'OpaqueRef:h2', tags: ['x', 'y'] } } } }));
    advance(150);
    expect(sent[2].modified).toEqual({ VM: { 'OpaqueRef:a': { tags: ['x', 'y'] } } });
    // Nothing changed at all: no batch.
    batcher.push(change({ modified: { VM: { 'OpaqueRef:b': { ...vm, name_label: 'db' } } } }));
    advance(150);
    expect(sent).toHaveLength(3);
    // A record that lost a field cannot be merged: it goes as a full record in `added`, which replaces.
    const { tags: _gone, ...withoutTags } = vm;
    batcher.push(change({ modified: { VM: { 'OpaqueRef:b': withoutTags } } }));
    advance(150);
    expect(sent[3]).toEqual({ connectionId: 'c1', added: { VM: { 'OpaqueRef:b': withoutTags } }, modified: {}, removed: {} });
  });

  it('cuts a big load into chunks of bounded size that add up to the load, marked reset first and more until the last', () => {
    const { clock, advance } = manualClock();
    const sent: MirrorBatch[] = [];
    const batcher = new MirrorBatcher('c1', clock, (batch) => sent.push(batch), 10, 50_000);
    const snapshot: ChangeSet['added'] = { VM: {}, VBD: {} };
    for (let i = 0; i < 500; i++) snapshot.VM[`OpaqueRef:vm${i}`] = { uuid: `vm${i}`, name_description: 'd'.repeat(400), other_config: { k: 'v'.repeat(100) } };
    for (let i = 0; i < 300; i++) snapshot.VBD[`OpaqueRef:vbd${i}`] = { uuid: `vbd${i}`, VM: `OpaqueRef:vm${i}` };
    batcher.reset(snapshot);
    advance(1);
    expect(sent.length).toBeGreaterThan(5);
    expect(sent.map((b) => Boolean(b.reset))).toEqual(sent.map((_, i) => i === 0));
    expect(sent.map((b) => Boolean(b.more))).toEqual(sent.map((_, i) => i < sent.length - 1));
    for (const chunk of sent) expect(JSON.stringify(chunk).length).toBeLessThan(50_000 + 1_000);
    const view = new Map<string, unknown>();
    for (const chunk of sent) applyToReplica(view, chunk);
    const expected = new Map<string, unknown>();
    applyFull(expected, change({ added: snapshot }));
    expect(view).toEqual(expected);
    // Changes after the load come in a batch of their own, relative to the load.
    batcher.push(change({ modified: { VM: { 'OpaqueRef:vm7': { ...snapshot.VM['OpaqueRef:vm7'], name_description: 'short' } } } }));
    advance(150);
    expect(sent.at(-1)).toEqual({ connectionId: 'c1', added: {}, modified: { VM: { 'OpaqueRef:vm7': { name_description: 'short' } } }, removed: {} });
  });

  it('gives the same result as applying every change set one by one', () => {
    const { clock, advance } = manualClock();
    const squashed: MirrorBatch[] = [];
    const batcher = new MirrorBatcher('c1', clock, (batch) => squashed.push(batch));
    const direct = new Map<string, unknown>();
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const live = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const ref = `OpaqueRef:${rnd(30)}`;
      let cs: ChangeSet;
      // Records of several fields of which a modification changes some (or none).
      const record = () => ({ i: rnd(4), host: `OpaqueRef:h${rnd(3)}`, tags: rnd(2) ? ['a'] : [], ...(rnd(5) ? { extra: rnd(2) } : {}) });
      if (!live.has(ref)) { live.add(ref); cs = change({ added: { VM: { [ref]: record() } } }); }
      else if (rnd(3) === 0) { live.delete(ref); cs = change({ removed: { VM: [ref] } }); }
      else cs = change({ modified: { VM: { [ref]: record() } } });
      applyFull(direct, cs);
      batcher.push(cs);
      advance(rnd(40));
    }
    advance(200);
    const view = new Map<string, unknown>();
    for (const batch of squashed) applyToReplica(view, batch);
    expect(view).toEqual(direct);
    expect(squashed.length).toBeLessThan(2000 / 4);
  });

  it('an empty reset clears the renderer even when nothing else is pending', () => {
    const { clock, advance } = manualClock();
    const sent: MirrorBatch[] = [];
    const batcher = new MirrorBatcher('c1', clock, (batch) => sent.push(batch));
    batcher.reset({});
    advance(1);
    expect(sent).toEqual([{ connectionId: 'c1', reset: true, added: {}, modified: {}, removed: {} }]);
  });
});

describe('approxJsonSize', () => {
  it('measures a value of any depth without recursing (a server may send one)', () => {
    let deep: unknown = [];
    for (let i = 1; i < 100_000; i++) deep = [deep];
    // Two brackets per list, and a comma-sized gap per item.
    expect(approxJsonSize(deep)).toBe(3 * 100_000 - 1);
  });
});
