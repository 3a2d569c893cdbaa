import { describe, expect, it } from 'vitest';
import type { MirrorBatch } from '../../../shared/bridge';
import type { ChangeSet } from '../../../shared/api-client/change-set';
import type { Clock } from '../ports';
import { MirrorBatcher } from './mirror-batcher';

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

/** Applies batches as the renderer store does, to check that squashing never changes the outcome. */
function apply(view: Map<string, unknown>, batch: MirrorBatch): void {
  if (batch.reset) view.clear();
  for (const group of [batch.added, batch.modified]) for (const cls in group) for (const ref in group[cls]) view.set(`${cls}/${ref}`, group[cls][ref]);
  for (const cls in batch.removed) for (const ref of batch.removed[cls]) view.delete(`${cls}/${ref}`);
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
    for (const { batch } of sent) apply(view, batch);
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
      if (!live.has(ref)) { live.add(ref); cs = change({ added: { VM: { [ref]: { i } } } }); }
      else if (rnd(3) === 0) { live.delete(ref); cs = change({ removed: { VM: [ref] } }); }
      else cs = change({ modified: { VM: { [ref]: { i } } } });
      apply(direct, { connectionId: 'c1', ...cs });
      batcher.push(cs);
      advance(rnd(40));
    }
    advance(200);
    const view = new Map<string, unknown>();
    for (const batch of squashed) apply(view, batch);
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
