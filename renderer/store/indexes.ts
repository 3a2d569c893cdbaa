/**
 * Derived indexes of one connection's mirror (VMs by host, VBDs by VM…), kept up to date from each
 * batch alone: a batch touches only the index entries of the records it adds, modifies or removes,
 * never rebuilds an index. Entries are copied on write, so an entry that did not change keeps its
 * identity and the components reading it do not re-render.
 */
import type { XapiClassName, XapiRecordByClass } from '../../shared/xapi/generated/records';
import { isAlert } from './alert-messages';
import { isNullRef } from './object-id';

interface IndexDef<C extends XapiClassName> {
  cls: C;
  /** The keys a record is filed under (usually one ref); an empty list files it nowhere. */
  keys: (record: XapiRecordByClass[C]) => readonly string[];
}

const one = (ref: string): readonly string[] => (isNullRef(ref) ? [] : [ref]);

const def = <C extends XapiClassName>(cls: C, keys: (record: XapiRecordByClass[C]) => readonly string[]): IndexDef<C> => ({ cls, keys });

/** Every index, by name. Keys are refs except for `messagesByObject` and `refsByUuid` (uuids). */
export const INDEX_DEFS = {
  /** VMs (including control domains) by the host they run on: `VM.resident_on`. */
  vmsByHost: def('VM', (vm) => one(vm.resident_on)),
  /** Snapshots by the VM they were taken of. */
  snapshotsByVm: def('VM', (vm) => (vm.is_a_snapshot ? one(vm.snapshot_of) : [])),
  vbdsByVm: def('VBD', (vbd) => one(vbd.VM)),
  vbdsByVdi: def('VBD', (vbd) => one(vbd.VDI)),
  vifsByVm: def('VIF', (vif) => one(vif.VM)),
  vifsByNetwork: def('VIF', (vif) => one(vif.network)),
  pifsByHost: def('PIF', (pif) => one(pif.host)),
  pifsByNetwork: def('PIF', (pif) => one(pif.network)),
  vdisBySr: def('VDI', (vdi) => one(vdi.SR)),
  pbdsBySr: def('PBD', (pbd) => one(pbd.SR)),
  pbdsByHost: def('PBD', (pbd) => one(pbd.host)),
  /** Every XAPI message (alerts and lifecycle events: the Logs tab, the graphs) by the uuid of the object it is about. */
  messagesByObject: def('message', (m) => (m.obj_uuid ? [m.obj_uuid] : [])),
  /** The alerts among them (alert-messages.ts): what the tree's badges count. */
  alertsByObject: def('message', (m) => (m.obj_uuid && isAlert(m) ? [m.obj_uuid] : [])),
  /** Objects an alert or a user can name by uuid. */
  vmByUuid: def('VM', (r) => [r.uuid]),
  hostByUuid: def('host', (r) => [r.uuid]),
  srByUuid: def('SR', (r) => [r.uuid]),
  poolByUuid: def('pool', (r) => [r.uuid]),
  vdiByUuid: def('VDI', (r) => [r.uuid]),
  networkByUuid: def('network', (r) => [r.uuid]),
} as const;

export type IndexName = keyof typeof INDEX_DEFS;
export type IndexMap = ReadonlyMap<string, readonly string[]>;
export type Indexes = Readonly<Record<IndexName, IndexMap>>;

export const INDEX_NAMES = Object.keys(INDEX_DEFS) as IndexName[];

/** Index names by the class whose records feed them. */
export const INDEXES_BY_CLASS: ReadonlyMap<string, readonly IndexName[]> = (() => {
  const out = new Map<string, IndexName[]>();
  for (const name of INDEX_NAMES) {
    const cls = INDEX_DEFS[name].cls;
    out.set(cls, [...(out.get(cls) ?? []), name]);
  }
  return out;
})();

export function emptyIndexes(): Indexes {
  return Object.fromEntries(INDEX_NAMES.map((n) => [n, new Map()])) as unknown as Indexes;
}

export function indexKeys(name: IndexName, record: unknown): readonly string[] {
  // The record's class is the def's class: callers only pass records of INDEXES_BY_CLASS's class.
  return (INDEX_DEFS[name].keys as (r: unknown) => readonly string[])(record);
}

/**
 * Copy-on-write writer for one index during one batch: the map is copied at the first change, and each
 * entry at its first change, then mutated in place for the rest of the batch.
 */
export class IndexWriter {
  private out: Map<string, readonly string[]> | undefined;
  private readonly owned = new Set<string>();
  /** Membership of long owned lists (an SR with 10,000 disks): `includes` on each add would be quadratic in a full load. */
  private readonly members = new Map<string, Set<string>>();

  constructor(private readonly base: IndexMap) {}

  add(key: string, ref: string): void {
    const list = this.own(key);
    const set = this.members.get(key);
    if (set) {
      if (set.has(ref)) return;
      set.add(ref);
    } else if (list.includes(ref)) return;
    else if (list.length >= 32) this.members.set(key, new Set(list).add(ref));
    list.push(ref);
  }

  remove(key: string, ref: string): void {
    const current = (this.out ?? this.base).get(key);
    if (!(this.members.get(key)?.has(ref) ?? current?.includes(ref))) return;
    const list = this.own(key);
    list.splice(list.lastIndexOf(ref), 1);
    this.members.get(key)?.delete(ref);
    if (list.length === 0) {
      this.out!.delete(key);
      this.owned.delete(key);
      this.members.delete(key);
    }
  }

  /** The index after the batch: the same map as before if nothing changed. */
  result(): IndexMap {
    return this.out ?? this.base;
  }

  private own(key: string): string[] {
    this.out ??= new Map(this.base);
    const existing = this.out.get(key);
    if (this.owned.has(key)) return existing as string[];
    const copy = existing ? [...existing] : [];
    this.out.set(key, copy);
    this.owned.add(key);
    return copy;
  }
}
