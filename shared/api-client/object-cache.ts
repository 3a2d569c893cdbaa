/**
 * The client's mirror of a pool: records by class then ref. Every write goes through a change set so
 * callers learn exactly what changed. Applying an event is idempotent (an `add` for a known ref is a
 * modification, a `del` for an unknown ref is nothing), which makes the overlap between the initial
 * sweep and the first events harmless.
 */
import type { ChangeSet, XapiObject } from './change-set';
import { RawRecord, recordValue, type MirrorRecord } from './raw-record';

export class ObjectCache {
  /** Records as loaded: a RawRecord is parsed the first time it is read, and kept decoded from then on. */
  private readonly byClass = new Map<string, Map<string, MirrorRecord>>();

  get(cls: string, ref: string): XapiObject | undefined {
    const map = this.byClass.get(cls);
    const record = map?.get(ref);
    return record instanceof RawRecord ? this.decode(map!, ref, record) : record;
  }

  /** Every record of a class by ref, decoded: a new map each call, of the cached records (do not mutate them). */
  records(cls: string): Map<string, XapiObject> {
    const map = this.byClass.get(cls);
    const out = new Map<string, XapiObject>();
    if (map) for (const [ref, record] of map) out.set(ref, record instanceof RawRecord ? this.decode(map, ref, record) : record);
    return out;
  }

  size(cls: string): number {
    return this.byClass.get(cls)?.size ?? 0;
  }

  classes(): string[] {
    return [...this.byClass.keys()];
  }

  upsert(cls: string, ref: string, record: MirrorRecord, changes: ChangeSet): void {
    const map = this.classMap(cls);
    const known = map.has(ref);
    map.set(ref, record);
    const removed = changes.removed[cls];
    if (removed) {
      // del then add of the same ref within one batch: the renderer still has it, so it is a modification
      const i = removed.indexOf(ref);
      if (i >= 0) {
        removed.splice(i, 1);
        if (!removed.length) delete changes.removed[cls];
        (changes.modified[cls] ??= {})[ref] = record;
        return;
      }
    }
    if (known && !changes.added[cls]?.[ref]) (changes.modified[cls] ??= {})[ref] = record;
    else (changes.added[cls] ??= {})[ref] = record;
  }

  remove(cls: string, ref: string, changes: ChangeSet): void {
    const map = this.byClass.get(cls);
    if (!map?.delete(ref)) return;
    if (changes.added[cls]?.[ref]) {
      delete changes.added[cls][ref]; // appeared and vanished within one batch: nobody needs to hear of it
      return;
    }
    if (changes.modified[cls]?.[ref]) delete changes.modified[cls][ref];
    (changes.removed[cls] ??= []).push(ref);
  }

  /**
   * Replaces a class with a fresh `get_all_records` result and records the exact difference:
   * new refs added, changed ones modified, vanished ones removed (no ghosts, no duplicates).
   */
  replaceClass(cls: string, fresh: Record<string, MirrorRecord>, changes: ChangeSet): void {
    const old = this.byClass.get(cls);
    if (!old || old.size === 0) {
      // First load: hand the decoded object over as is (no copy, no per-record work).
      const map = new Map<string, MirrorRecord>();
      for (const ref in fresh) map.set(ref, fresh[ref]);
      this.byClass.set(cls, map);
      if (map.size) changes.added[cls] = changes.added[cls] ? Object.assign(changes.added[cls], fresh) : fresh;
      return;
    }
    const next = new Map<string, MirrorRecord>();
    for (const ref in fresh) {
      const record = fresh[ref];
      next.set(ref, record);
      const before = old.get(ref);
      if (before === undefined) (changes.added[cls] ??= {})[ref] = record;
      else if (!sameRecord(before, record)) (changes.modified[cls] ??= {})[ref] = record;
      else next.set(ref, before); // unchanged: keep the old object so identity-based consumers stay quiet
    }
    for (const ref of old.keys()) if (!next.has(ref)) (changes.removed[cls] ??= []).push(ref);
    this.byClass.set(cls, next);
  }

  /** Drops classes no longer tracked. */
  dropClass(cls: string, changes: ChangeSet): void {
    const map = this.byClass.get(cls);
    if (!map) return;
    if (map.size) changes.removed[cls] = [...map.keys()];
    this.byClass.delete(cls);
  }

  /** Everything, as one change set of additions (for a late subscriber). */
  snapshot(): ChangeSet {
    const added: ChangeSet['added'] = {};
    for (const [cls, map] of this.byClass) if (map.size) added[cls] = Object.fromEntries(map);
    return { added, modified: {}, removed: {} };
  }

  clear(): void {
    this.byClass.clear();
  }

  private classMap(cls: string): Map<string, MirrorRecord> {
    let map = this.byClass.get(cls);
    if (!map) this.byClass.set(cls, (map = new Map()));
    return map;
  }

  private decode(map: Map<string, MirrorRecord>, ref: string, raw: RawRecord): XapiObject {
    const value = recordValue(raw);
    map.set(ref, value);
    return value;
  }
}

/** Whether two records hold the same value; the same JSON text settles it without parsing. */
export function sameRecord(a: MirrorRecord, b: MirrorRecord): boolean {
  if (a instanceof RawRecord && b instanceof RawRecord && a.json === b.json) return true;
  return sameValue(recordValue(a), recordValue(b));
}

/** Structural equality of decoded XAPI values (strings, numbers, booleans, arrays, plain objects); a loop, not recursion. */
export function sameValue(a: unknown, b: unknown): boolean {
  const pairs: unknown[] = [a, b];
  while (pairs.length) {
    const y = pairs.pop();
    const x = pairs.pop();
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) {
      if (typeof x === 'number' && typeof y === 'number' && Number.isNaN(x) && Number.isNaN(y)) continue;
      return false;
    }
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pairs.push(x[i], y[i]);
      continue;
    }
    if (Array.isArray(y)) return false;
    const kx = Object.keys(x);
    if (kx.length !== Object.keys(y).length) return false;
    for (const k of kx) {
      if (!Object.hasOwn(y, k)) return false;
      pairs.push((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]);
    }
  }
  return true;
}
