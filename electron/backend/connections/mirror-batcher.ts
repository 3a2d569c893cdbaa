/**
 * Squashes one connection's change sets into one pending MirrorBatch and hands it out at most
 * `maxPerSecond` times a second. A pool changing 5,000 objects a second must cost the renderer ten
 * store updates a second, not thousands. Squashing keeps the batch relative to what the renderer
 * holds: an object added then removed before a flush is never sent, a removal then re-add becomes a
 * modification, and the last full record of an object wins.
 */
import type { MirrorBatch } from '../../../shared/bridge';
import type { ChangeSet } from '../../../shared/api-client/change-set';
import type { Clock } from '../ports';

/** A batch being squashed: removals as sets, so folding thousands of deletions stays linear. */
export interface PendingBatch {
  reset: boolean;
  added: Record<string, Record<string, unknown>>;
  modified: Record<string, Record<string, unknown>>;
  removed: Map<string, Set<string>>;
}

export const newPendingBatch = (reset = false): PendingBatch => ({ reset, added: {}, modified: {}, removed: new Map() });

export class MirrorBatcher {
  private pending: PendingBatch | undefined;
  private timer: { cancel(): void } | undefined;
  private lastFlush = -Infinity;
  private readonly intervalMs: number;

  constructor(
    private readonly connectionId: string,
    private readonly clock: Clock,
    private readonly send: (batch: MirrorBatch) => void,
    maxPerSecond = 10,
  ) {
    this.intervalMs = 1000 / maxPerSecond;
  }

  /** Adds one change set of the client's mirror. */
  push(changes: ChangeSet): void {
    this.pending ??= newPendingBatch();
    mergeInto(this.pending, changes);
    this.schedule();
  }

  /**
   * Replaces whatever is pending with the whole mirror (`snapshot` = every record as added): the
   * renderer drops what it holds of this connection and takes this. An empty snapshot clears it.
   */
  reset(snapshot: ChangeSet['added']): void {
    this.pending = newPendingBatch(true);
    for (const cls in snapshot) this.pending.added[cls] = { ...snapshot[cls] };
    this.schedule();
  }

  /** Sends what is pending now. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    const batch = toBatch(this.connectionId, pending);
    if (!batch.reset && isEmptyBatch(batch)) return;
    this.lastFlush = this.clock.now();
    this.send(batch);
  }

  /** Drops what is pending and stops the timer. */
  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    // Even when the last flush is long past, wait one macrotask: change sets emitted back to back
    // (a load and the first events) travel together.
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }
}

export function toBatch(connectionId: string, pending: PendingBatch): MirrorBatch {
  const removed: Record<string, string[]> = {};
  for (const [cls, refs] of pending.removed) if (refs.size) removed[cls] = [...refs];
  const batch: MirrorBatch = { connectionId, added: pending.added, modified: pending.modified, removed };
  if (pending.reset) batch.reset = true;
  return batch;
}

/** Folds `next` into `batch` so that applying `batch` equals applying the old batch and then `next`. */
export function mergeInto(batch: PendingBatch, next: ChangeSet): void {
  for (const cls in next.added) {
    const records = next.added[cls];
    const removed = batch.removed.get(cls);
    for (const ref in records) {
      if (removed?.delete(ref)) {
        // Removed then back: the renderer still holds the old record, so this is a modification.
        (batch.modified[cls] ??= {})[ref] = records[ref];
      } else if (batch.modified[cls] && ref in batch.modified[cls]) {
        batch.modified[cls][ref] = records[ref];
      } else {
        (batch.added[cls] ??= {})[ref] = records[ref];
      }
    }
  }
  for (const cls in next.modified) {
    const records = next.modified[cls];
    for (const ref in records) {
      if (batch.added[cls] && ref in batch.added[cls]) batch.added[cls][ref] = records[ref];
      else (batch.modified[cls] ??= {})[ref] = records[ref];
    }
  }
  for (const cls in next.removed) {
    for (const ref of next.removed[cls]) {
      if (batch.added[cls] && ref in batch.added[cls]) {
        // Never shown to the renderer (or, in a reset, simply not part of it any more).
        delete batch.added[cls][ref];
        if (isEmptyObject(batch.added[cls])) delete batch.added[cls];
        continue;
      }
      if (batch.modified[cls] && ref in batch.modified[cls]) {
        delete batch.modified[cls][ref];
        if (isEmptyObject(batch.modified[cls])) delete batch.modified[cls];
      }
      let refs = batch.removed.get(cls);
      if (!refs) batch.removed.set(cls, (refs = new Set()));
      refs.add(ref);
    }
  }
}

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

export function isEmptyBatch(batch: MirrorBatch): boolean {
  return isEmptyObject(batch.added) && isEmptyObject(batch.modified) && isEmptyObject(batch.removed);
}
