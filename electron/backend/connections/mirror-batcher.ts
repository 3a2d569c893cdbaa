/**
 * Squashes one connection's change sets into one pending MirrorBatch and hands it out at most
 * `maxPerSecond` times a second. A pool changing 5,000 objects a second must cost the renderer ten
 * store updates a second, not thousands. Squashing keeps the batch relative to what the renderer
 * holds: an object added then removed before a flush is never sent, a removal then re-add becomes a
 * modification, and the last full record of an object wins.
 *
 * At flush the batcher compares each modified record with the one it last sent and sends only the
 * top-level fields that changed (a VM whose memory moved costs a few bytes, not its 4 KB record), and
 * splits a big batch (the first load of 5,000 VMs is ~40 MB) into chunks of about `maxChunkBytes` of
 * JSON sent back to back, so the page never parses or applies more than a few tens of ms at once.
 */
import type { MirrorBatch } from '../../../shared/bridge';
import type { ChangeSet } from '../../../shared/api-client/change-set';
import { sameValue } from '../../../shared/api-client/object-cache';
import { RawRecord, recordValue, type MirrorRecord } from '../../../shared/api-client/raw-record';
import type { Clock } from '../ports';

/** A batch being squashed: removals as sets, so folding thousands of deletions stays linear. */
export interface PendingBatch {
  reset: boolean;
  added: Record<string, Record<string, MirrorRecord>>;
  modified: Record<string, Record<string, MirrorRecord>>;
  removed: Map<string, Set<string>>;
}

export const newPendingBatch = (reset = false): PendingBatch => ({ reset, added: {}, modified: {}, removed: new Map() });

type AnyRecord = Record<string, unknown>;

/**
 * Default chunk size: about 1 MB of JSON, which a page parses and applies in about 10 ms (2 MB chunks
 * took 10–40 ms in the `ui` bench, up to 100 with GC on a busy machine).
 */
export const DEFAULT_MAX_CHUNK_BYTES = 1_000_000;
/** Cap on records per chunk whatever their size: applying costs per record too. */
export const MAX_CHUNK_RECORDS = 5_000;

export class MirrorBatcher {
  private pending: PendingBatch | undefined;
  private timer: { cancel(): void } | undefined;
  private lastFlush = -Infinity;
  private disposed = false;
  private readonly intervalMs: number;
  /**
   * The full records the renderer holds, as last sent (class → ref → record): what partial
   * modifications are computed against. The records are the client's own (never mutated, replaced
   * on change), so this costs one map entry per object.
   */
  private sent = new Map<string, Map<string, MirrorRecord>>();

  constructor(
    private readonly connectionId: string,
    private readonly clock: Clock,
    private readonly send: (batch: MirrorBatch) => void,
    maxPerSecond = 10,
    private readonly maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES,
    /** A flush that failed on its timer (nobody else would hear of it): the connection reports it. */
    private readonly onError?: (err: unknown) => void,
  ) {
    this.intervalMs = 1000 / maxPerSecond;
  }

  /** Adds one change set of the client's mirror. */
  push(changes: ChangeSet): void {
    if (this.disposed) return;
    this.pending ??= newPendingBatch();
    mergeInto(this.pending, changes);
    this.schedule();
  }

  /**
   * Replaces whatever is pending with the whole mirror (`snapshot` = every record as added): the
   * renderer drops what it holds of this connection and takes this. An empty snapshot clears it.
   */
  reset(snapshot: ChangeSet['added']): void {
    if (this.disposed) return;
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
    const batch = this.toPartialBatch(pending);
    if (!batch.reset && isEmptyBatch(batch)) return;
    this.lastFlush = this.clock.now();
    // The chunks of one batch go back to back: they are one change, cut so each parses quickly.
    for (const chunk of splitBatch(batch, this.maxChunkBytes, MAX_CHUNK_RECORDS)) this.send(chunk);
  }

  /** Drops what is pending and stops the timer. */
  dispose(): void {
    // A client stopping late (a forgotten connection's teardown) must not send batches afterwards.
    this.disposed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.pending = undefined;
    this.sent = new Map();
  }

  /**
   * The batch to send for `pending`, with modified records cut down to the fields that differ from
   * what was last sent; records what the renderer will hold after it.
   */
  private toPartialBatch(pending: PendingBatch): MirrorBatch {
    if (pending.reset) this.sent = new Map();
    const sentOf = (cls: string) => {
      let m = this.sent.get(cls);
      if (!m) this.sent.set(cls, (m = new Map()));
      return m;
    };
    for (const [cls, refs] of pending.removed) {
      const m = this.sent.get(cls);
      if (m) for (const ref of refs) m.delete(ref);
    }
    for (const cls in pending.added) {
      const m = sentOf(cls);
      const records = pending.added[cls];
      for (const ref in records) m.set(ref, records[ref]);
    }
    const added = pending.added;
    const modified: MirrorBatch['modified'] = {};
    for (const cls in pending.modified) {
      const m = sentOf(cls);
      const records = pending.modified[cls];
      let out: Record<string, unknown> | undefined;
      for (const ref in records) {
        const next = records[ref];
        const before = m.get(ref);
        m.set(ref, next);
        if (before === next) continue;
        if (!before) {
          // Not known to the renderer as far as this batcher knows: the full record.
          (out ??= modified[cls] = {})[ref] = next;
          continue;
        }
        if (before instanceof RawRecord && next instanceof RawRecord && before.json === next.json) continue;
        const delta = changedFields(recordValue(before), recordValue(next));
        if (delta === 'replace') (added[cls] ??= {})[ref] = next; // a field went away: a partial merge cannot say so
        else if (delta) (out ??= modified[cls] = {})[ref] = delta;
      }
    }
    const removed: Record<string, string[]> = {};
    for (const [cls, refs] of pending.removed) if (refs.size) removed[cls] = [...refs];
    const batch: MirrorBatch = { connectionId: this.connectionId, added, modified, removed };
    if (pending.reset) batch.reset = true;
    return batch;
  }

  private schedule(): void {
    if (this.timer) return;
    // Even when the last flush is long past, wait one macrotask: change sets emitted back to back
    // (a load and the first events) travel together.
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (err) {
        // A throw here would end the process: the batch is lost, the connection says why.
        this.onError?.(err);
      }
    }, wait);
  }
}

/**
 * The top-level fields of `next` that differ from `before` (undefined when none does), or 'replace'
 * when `before` has a field `next` lacks: only the full record can tell the renderer that.
 */
export function changedFields(before: AnyRecord, next: AnyRecord): AnyRecord | undefined | 'replace' {
  let delta: AnyRecord | undefined;
  for (const key in next) if (!sameValue(before[key], next[key]) || !(key in before)) (delta ??= {})[key] = next[key];
  for (const key in before) if (!(key in next)) return 'replace';
  return delta;
}

/**
 * Cuts a batch into chunks of at most about `maxBytes` of JSON and `maxRecords` records each, in
 * order: the first keeps `reset`, every one but the last has `more`. Refs are disjoint between
 * `removed`, `added` and `modified` of a squashed batch, so applying the chunks one after the other
 * equals applying the batch. A batch under both limits is returned as is.
 */
export function splitBatch(batch: MirrorBatch, maxBytes: number, maxRecords = MAX_CHUNK_RECORDS): MirrorBatch[] {
  const chunks: MirrorBatch[] = [];
  let current: MirrorBatch = { connectionId: batch.connectionId, added: {}, modified: {}, removed: {} };
  let bytes = 0;
  let records = 0;
  const room = (size: number) => {
    if ((bytes > 0 && bytes + size > maxBytes) || records >= maxRecords) {
      chunks.push(current);
      current = { connectionId: batch.connectionId, added: {}, modified: {}, removed: {} };
      bytes = 0;
      records = 0;
    }
    bytes += size;
    records++;
  };
  for (const cls in batch.removed) {
    for (const ref of batch.removed[cls]) {
      room(ref.length + 3);
      (current.removed[cls] ??= []).push(ref);
    }
  }
  for (const part of ['added', 'modified'] as const) {
    for (const cls in batch[part]) {
      const group = batch[part][cls];
      for (const ref in group) {
        room(ref.length + 4 + approxJsonSize(group[ref]));
        (current[part][cls] ??= {})[ref] = group[ref];
      }
    }
  }
  if (!chunks.length) return [batch];
  chunks.push(current);
  if (batch.reset) chunks[0].reset = true;
  for (let i = 0; i < chunks.length - 1; i++) chunks[i].more = true;
  return chunks;
}

/** About the length of JSON.stringify(value), without building the string (a loop: values come from servers). */
export function approxJsonSize(value: unknown): number {
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length) {
    const v = pending.pop();
    if (v instanceof RawRecord) {
      size += v.json.length;
      continue;
    }
    switch (typeof v) {
      case 'string':
        size += v.length + 2;
        break;
      case 'number':
        size += 10;
        break;
      case 'boolean':
        size += 5;
        break;
      case 'object':
        if (v === null) {
          size += 4;
          break;
        }
        size += 2;
        if (Array.isArray(v)) {
          for (const item of v) pending.push(item);
          size += v.length;
        } else {
          for (const key in v) {
            size += key.length + 4;
            pending.push((v as AnyRecord)[key]);
          }
        }
        break;
      default:
        break;
    }
  }
  return size;
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
