/**
 * The pool database: records by class and ref, with the change log behind event.from / event.next.
 * Every create/update/destroy bumps a generation number; event.from(token) returns each object changed
 * after `token` once, with its latest snapshot (xapi coalesces the same way).
 */
import { XapiError } from '../xapi-error';
import { classes } from '../model';
import type { SeededRandom } from '../random';
import { buildRecord, type XRecord } from './defaults';
import { relationsByChild } from './relations';

export type { XRecord };
export const NULL_REF = 'OpaqueRef:NULL';

/** Reverse sets that grow with the size of a scenario and that scenario builders never read. */
const BULK_SETS = new Set(['SR.VDIs', 'VDI.VBDs', 'network.VIFs', 'network.PIFs', 'host.resident_VMs']);

export interface Entry { rec: XRecord; gen: number; createdGen: number }
export interface Change { cls: string; ref: string; op: 'add' | 'mod' | 'del'; rec: XRecord; before?: XRecord; gen: number }
interface LogItem { gen: number; cls: string; ref: string }
interface Tombstone { cls: string; rec: XRecord; gen: number; createdGen: number }

/** How many change-log items are kept before the oldest half is dropped (older tokens get EVENTS_LOST). */
const LOG_LIMIT = 400_000;

export class ObjectDb {
  private tables = new Map<string, Map<string, Entry>>();
  private uuids = new Map<string, Map<string, string>>();
  private log: LogItem[] = [];
  private tombstones = new Map<string, Tombstone>();
  private listeners = new Set<(c: Change) => void>();
  /** Per class: the generation of its newest change, and the ref-keyed map of its records as of then. */
  private classGens = new Map<string, number>();
  private recordMaps = new Map<string, { gen: number; records: Readonly<Record<string, XRecord>> }>();
  /** While building a scenario: reverse-set additions collected per parent, applied once at the end. */
  private pendingLinks: Map<string, { cls: string; ref: string; field: string; add: string[] }> | undefined;
  /** Current generation: the newest change's number. */
  gen = 0;
  /** Tokens below this generation can no longer be served (EVENTS_LOST). */
  horizon = 0;

  constructor(readonly rng: SeededRandom) {
    for (const name of classes.keys()) this.tables.set(name, new Map());
  }

  newUuid(): string {
    return this.rng.uuid();
  }
  newRef(): string {
    return `OpaqueRef:${this.rng.uuid()}`;
  }

  table(cls: string): Map<string, Entry> {
    const t = this.tables.get(cls);
    if (!t) throw new XapiError('MESSAGE_METHOD_UNKNOWN', [cls]);
    return t;
  }

  find<R extends XRecord = XRecord>(cls: string, ref: string): R | undefined {
    return this.tables.get(cls)?.get(ref)?.rec as R | undefined;
  }

  /** The record, or HANDLE_INVALID [class, ref] as xapi answers for a dead or foreign ref. */
  get<R extends XRecord = XRecord>(cls: string, ref: string): R {
    const e = this.tables.get(cls)?.get(ref);
    if (!e) throw new XapiError('HANDLE_INVALID', [cls, ref]);
    return e.rec as R;
  }

  entry(cls: string, ref: string): Entry | undefined {
    return this.tables.get(cls)?.get(ref);
  }

  has(cls: string, ref: string): boolean {
    return this.tables.get(cls)?.has(ref) ?? false;
  }

  refs(cls: string): string[] {
    return [...this.table(cls).keys()];
  }

  *all<R extends XRecord = XRecord>(cls: string): IterableIterator<[string, R]> {
    for (const [ref, e] of this.table(cls)) yield [ref, e.rec as R];
  }

  /**
   * Every record of a class as a ref-keyed map (get_all_records' result). The same object is returned
   * until something in the class changes, so the codecs' caches of its encoded form stay valid: a
   * client loading a 5,000-VM pool gets the reply built once, not once per login. Callers must not
   * modify it.
   */
  allRecords(cls: string): Readonly<Record<string, XRecord>> {
    const table = this.table(cls);
    const gen = this.classGens.get(cls) ?? 0;
    const held = this.recordMaps.get(cls);
    if (held && held.gen === gen) return held.records;
    const records: Record<string, XRecord> = {};
    for (const [ref, e] of table) records[ref] = e.rec;
    this.recordMaps.set(cls, { gen, records });
    return records;
  }

  count(cls: string): number {
    return this.table(cls).size;
  }

  byUuid(cls: string, uuid: string): string {
    const ref = this.uuids.get(cls)?.get(uuid);
    if (!ref) throw new XapiError('UUID_INVALID', [cls, uuid]);
    return ref;
  }

  onChange(listener: (c: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates a record with every datamodel field (defaults filled in) and updates reverse relations. */
  create(cls: string, fields: XRecord, opts: { ref?: string } = {}): string {
    const table = this.table(cls);
    const ref = opts.ref ?? this.newRef();
    const rec = buildRecord(cls, fields);
    if ('uuid' in rec && !rec.uuid) rec.uuid = this.newUuid();
    this.insert(cls, ref, rec, table);
    for (const rel of relationsByChild.get(cls) ?? []) {
      this.link(rel.parent, rel.parentField, rec[rel.childField], ref, true);
    }
    return ref;
  }

  /** Loads a record as it is (database dumps): no defaults beyond those given, no relation upkeep. */
  load(cls: string, ref: string, rec: XRecord): void {
    this.insert(cls, ref, buildRecord(cls, rec), this.table(cls));
  }

  update<R extends XRecord = XRecord>(cls: string, ref: string, patch: Partial<R> & XRecord): R {
    const table = this.table(cls);
    const e = table.get(ref);
    if (!e) throw new XapiError('HANDLE_INVALID', [cls, ref]);
    const before = e.rec;
    const rec = { ...before, ...patch };
    e.rec = rec;
    e.gen = this.bump(cls, ref);
    if (patch.uuid !== undefined && patch.uuid !== before.uuid) {
      this.uuids.get(cls)?.delete(String(before.uuid));
      this.indexUuid(cls, ref, rec);
    }
    for (const rel of relationsByChild.get(cls) ?? []) {
      if (!(rel.childField in patch) || before[rel.childField] === rec[rel.childField]) continue;
      this.link(rel.parent, rel.parentField, before[rel.childField], ref, false);
      this.link(rel.parent, rel.parentField, rec[rel.childField], ref, true);
    }
    this.emit({ cls, ref, op: 'mod', rec, before, gen: e.gen });
    return rec as R;
  }

  /** Re-announces an object without changing it (event.inject). */
  touch(cls: string, ref: string): number {
    const e = this.table(cls).get(ref);
    if (!e) throw new XapiError('HANDLE_INVALID', [cls, ref]);
    e.gen = this.bump(cls, ref);
    this.emit({ cls, ref, op: 'mod', rec: e.rec, before: e.rec, gen: e.gen });
    return e.gen;
  }

  destroy(cls: string, ref: string): void {
    const table = this.table(cls);
    const e = table.get(ref);
    if (!e) throw new XapiError('HANDLE_INVALID', [cls, ref]);
    table.delete(ref);
    if (typeof e.rec.uuid === 'string') this.uuids.get(cls)?.delete(e.rec.uuid);
    const gen = this.bump(cls, ref);
    this.tombstones.set(ref, { cls, rec: e.rec, gen, createdGen: e.createdGen });
    for (const rel of relationsByChild.get(cls) ?? []) {
      this.link(rel.parent, rel.parentField, e.rec[rel.childField], ref, false);
    }
    this.emit({ cls, ref, op: 'del', rec: e.rec, gen });
  }

  /**
   * Changes after generation `since` in the given classes (undefined = all), one per object, oldest first.
   * Throws EVENTS_LOST when `since` predates what the log still holds.
   */
  changesSince(since: number, wanted?: (cls: string, ref: string) => boolean): Change[] {
    if (since > 0 && since < this.horizon) throw new XapiError('EVENTS_LOST');
    const out: Change[] = [];
    if (since <= 0) {
      for (const [cls, table] of this.tables) {
        for (const [ref, e] of table) if (!wanted || wanted(cls, ref)) out.push({ cls, ref, op: 'add', rec: e.rec, gen: e.gen });
      }
      return out.sort((a, b) => a.gen - b.gen);
    }
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid].gen <= since) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Set<string>();
    for (let i = this.log.length - 1; i >= lo; i--) {
      const { cls, ref } = this.log[i];
      if (seen.has(ref)) continue;
      seen.add(ref);
      if (wanted && !wanted(cls, ref)) continue;
      const e = this.tables.get(cls)?.get(ref);
      if (e) out.push({ cls, ref, op: e.createdGen > since ? 'add' : 'mod', rec: e.rec, gen: e.gen });
      else {
        const t = this.tombstones.get(ref);
        // An object born and dead since the token is invisible to the caller, as in xapi.
        if (t && t.createdGen <= since) out.push({ cls, ref, op: 'del', rec: t.rec, gen: t.gen });
      }
    }
    return out.reverse();
  }

  /** Makes every token issued so far too old (fault injection: EVENTS_LOST on the next event.from). */
  expireTokens(): void {
    this.horizon = this.gen + 1;
  }

  private insert(cls: string, ref: string, rec: XRecord, table: Map<string, Entry>): void {
    const gen = this.bump(cls, ref);
    table.set(ref, { rec, gen, createdGen: gen });
    this.indexUuid(cls, ref, rec);
    this.emit({ cls, ref, op: 'add', rec, gen });
  }

  private indexUuid(cls: string, ref: string, rec: XRecord): void {
    if (typeof rec.uuid !== 'string' || !rec.uuid) return;
    let idx = this.uuids.get(cls);
    if (!idx) this.uuids.set(cls, (idx = new Map()));
    idx.set(rec.uuid, ref);
  }

  /**
   * Runs `build` with the upkeep of the big reverse sets batched (BULK_SETS: SR.VDIs with 5,000 disks…): each is
   * written once instead of once per child. Used while a scenario fills the database, before any client is
   * connected; code inside must not read those sets (they fill at the end).
   */
  bulk<T>(build: () => T): T {
    this.pendingLinks = new Map();
    try {
      return build();
    } finally {
      const pending = this.pendingLinks;
      this.pendingLinks = undefined;
      for (const { cls, ref, field, add } of pending.values()) {
        const e = this.tables.get(cls)?.get(ref);
        if (!e || !add.length) continue;
        const set = new Set(e.rec[field] as string[]);
        for (const r of add) set.add(r);
        this.update(cls, ref, { [field]: [...set] });
      }
    }
  }

  private link(parentCls: string, field: string, parentRef: unknown, childRef: string, add: boolean): void {
    if (typeof parentRef !== 'string' || parentRef === NULL_REF) return;
    if (this.pendingLinks && BULK_SETS.has(`${parentCls}.${field}`)) {
      const key = `${parentRef}\u0000${field}`;
      let p = this.pendingLinks.get(key);
      if (add) {
        if (!p) this.pendingLinks.set(key, (p = { cls: parentCls, ref: parentRef, field, add: [] }));
        p.add.push(childRef);
        return;
      }
      const i = p ? p.add.indexOf(childRef) : -1;
      if (p && i >= 0) {
        p.add.splice(i, 1);
        return;
      }
    }
    const e = this.tables.get(parentCls)?.get(parentRef);
    if (!e) return;
    const set = (e.rec[field] as string[] | undefined) ?? [];
    const has = set.includes(childRef);
    if (add === has) return;
    this.update(parentCls, parentRef, { [field]: add ? [...set, childRef] : set.filter((r) => r !== childRef) });
  }

  private bump(cls: string, ref: string): number {
    const gen = ++this.gen;
    this.classGens.set(cls, gen);
    this.log.push({ gen, cls, ref });
    if (this.log.length > LOG_LIMIT) {
      const drop = this.log.length >> 1;
      this.horizon = this.log[drop].gen;
      this.log = this.log.slice(drop);
      for (const [ref2, t] of this.tombstones) if (t.gen < this.horizon) this.tombstones.delete(ref2);
    }
    return gen;
  }

  private emit(c: Change): void {
    for (const l of this.listeners) l(c);
  }
}
