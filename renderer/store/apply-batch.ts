/**
 * Applies one `mirror.batch` to a connection's mirror, purely: the result shares every class map,
 * record and index entry the batch did not touch with the input, which is what lets components
 * select narrowly and skip re-rendering. Records come from servers: each is checked against the
 * datamodel's field types on its way in (sanitise-record.ts), so views may trust their types.
 */
import type { MirrorBatch } from '../../shared/bridge';
import type { XapiClassName, XapiRecordByClass } from '../../shared/xapi/generated/records';
import { emptyIndexes, INDEXES_BY_CLASS, IndexWriter, indexKeys, type IndexName, type Indexes } from './indexes';
import { sanitiseRecord } from './sanitise-record';

export type ClassMap<C extends XapiClassName> = ReadonlyMap<string, XapiRecordByClass[C]>;
export type MirrorObjects = { readonly [C in XapiClassName]?: ClassMap<C> };

/** Everything known of one connection's pool. */
export interface ConnectionMirror {
  objects: MirrorObjects;
  indexes: Indexes;
  /** True once a full load (snapshot, or a reset batch and every chunk after it) has been applied. */
  loaded: boolean;
  /** True while the chunks of a load are arriving (a reset batch with `more`, and no last chunk yet). */
  loading: boolean;
  /** Number of batches applied; changes with every batch. */
  version: number;
}

export function emptyMirror(): ConnectionMirror {
  return { objects: {}, indexes: emptyIndexes(), loaded: false, loading: false, version: 0 };
}

type AnyRecord = Record<string, unknown>;

export function applyBatch(mirror: ConnectionMirror | undefined, batch: MirrorBatch): ConnectionMirror {
  // A reset replaces everything: start from nothing so objects absent from it are gone.
  const base = batch.reset || !mirror ? emptyMirror() : mirror;
  const objects = { ...base.objects } as Record<string, ReadonlyMap<string, AnyRecord> | undefined>;
  const writers = new Map<IndexName, IndexWriter>();
  const writer = (name: IndexName) => {
    let w = writers.get(name);
    if (!w) writers.set(name, (w = new IndexWriter(base.indexes[name])));
    return w;
  };
  const ownedMaps = new Map<string, Map<string, AnyRecord>>();
  const own = (cls: string) => {
    let m = ownedMaps.get(cls);
    if (!m) {
      m = new Map(objects[cls]);
      ownedMaps.set(cls, m);
      objects[cls] = m;
    }
    return m;
  };

  const unindex = (cls: string, ref: string, record: AnyRecord) => {
    for (const name of INDEXES_BY_CLASS.get(cls) ?? []) for (const key of indexKeys(name, record)) writer(name).remove(key, ref);
  };
  const index = (cls: string, ref: string, record: AnyRecord) => {
    for (const name of INDEXES_BY_CLASS.get(cls) ?? []) for (const key of indexKeys(name, record)) writer(name).add(key, ref);
  };
  const put = (cls: string, ref: string, record: AnyRecord) => {
    const map = own(cls);
    const previous = map.get(ref);
    const names = INDEXES_BY_CLASS.get(cls);
    if (names) {
      for (const name of names) {
        const before = previous ? indexKeys(name, previous) : [];
        const after = indexKeys(name, record);
        // Most modifications leave the keys alone (a VM's memory changes, not its host): touch nothing then.
        if (before.length === after.length && before.every((k, i) => k === after[i])) continue;
        for (const key of before) if (!after.includes(key)) writer(name).remove(key, ref);
        for (const key of after) if (!before.includes(key)) writer(name).add(key, ref);
      }
    }
    map.set(ref, record);
  };

  // Removals first: a batch never re-adds a ref it removes (refs are not reused), but may remove and add others.
  for (const cls in batch.removed) {
    for (const ref of batch.removed[cls]) {
      const previous = objects[cls]?.get(ref);
      if (!previous) continue;
      unindex(cls, ref, previous);
      own(cls).delete(ref);
    }
  }
  // `added` carries full records: an add of a known ref replaces it (the record as it now is).
  for (const cls in batch.added) {
    const records = batch.added[cls];
    for (const ref in records) {
      const record = sanitiseRecord(cls, records[ref]);
      if (!record) continue; // not a record at all
      if (objects[cls]?.get(ref) === undefined) {
        own(cls).set(ref, record);
        index(cls, ref, record);
      } else put(cls, ref, record);
    }
  }
  // `modified` carries the changed fields only, merged into the record held; the index keys are read
  // from the merged record, so a key field (resident_on) counts whether or not it was sent. A modify
  // of an unknown ref is the full record.
  for (const cls in batch.modified) {
    const records = batch.modified[cls];
    for (const ref in records) {
      const partial = sanitiseRecord(cls, records[ref]);
      if (!partial) continue;
      const held = objects[cls]?.get(ref);
      if (held === undefined) {
        own(cls).set(ref, partial);
        index(cls, ref, partial);
      } else {
        const merged = mergeRecord(held, partial);
        if (merged !== held) put(cls, ref, merged);
      }
    }
  }

  let indexes = base.indexes;
  if (writers.size) {
    const next = { ...base.indexes } as Record<IndexName, Indexes[IndexName]>;
    for (const [name, w] of writers) next[name] = w.result();
    indexes = next;
  }
  // A load is complete at its last chunk: until then the tree shows the pool as still connecting.
  const loading = batch.reset ? Boolean(batch.more) : base.loading && Boolean(batch.more);
  const loaded = batch.reset ? !batch.more : base.loaded || (base.loading && !batch.more);
  return { objects: objects as MirrorObjects, indexes, loaded, loading, version: (mirror?.version ?? 0) + 1 };
}

/** `held` with the fields of `partial`; `held` itself when they change nothing (a replayed batch). */
function mergeRecord(held: AnyRecord, partial: AnyRecord): AnyRecord {
  for (const key in partial) if (!Object.is(held[key], partial[key]) || !(key in held)) return { ...held, ...partial };
  return held;
}
