/**
 * Makes a staged database consistent the way a client needs it, after xapi's own rules where it has them:
 * - UUIDs: one per object across every table (xapi indexes them all together, Db_cache_types.Database.reindex).
 *   Current xapi refuses to start on a database where two objects share one (Uniqueness_constraint_violation);
 *   the servers that wrote such dumps kept both rows and failed `get_by_uuid` with INTERNAL_ERROR "duplicate
 *   objects in database". Both rows stay here (other rows point at their refs) and each later holder of a
 *   taken UUID gets a new one, so both are reachable by UUID (clients such as Xen Orchestra key objects by it);
 *   the report says which object got which UUID.
 * - References: a ref field naming no object of its class reads as OpaqueRef:NULL (xapi's is_valid_ref says
 *   no, clients show nothing); sets and maps lose their entries that name nothing.
 * - Reverse sets (VM.VBDs, host.resident_VMs, …): rebuilt from the ref side, as xapi rebuilds them on load
 *   (it does not store them).
 */
import type { XapiType } from '../../shared/xapi/type-tree';
import { NULL_REF } from '../db/object-db';
import { relations } from '../db/relations';
import { classInfo } from '../model';
import type { Staging } from './staging';

export function uniqueUuids(stage: Staging): void {
  // In file order, so the object that keeps a shared UUID is the first row that had it.
  const holders: { cls: string; ref: string; rec: Record<string, unknown>; line: number }[] = [];
  for (const [cls, table] of stage.tables) {
    if (!classInfo(cls).fieldByName.has('uuid')) continue;
    for (const [ref, rec] of table) holders.push({ cls, ref, rec, line: stage.lines.get(ref) ?? Infinity });
  }
  holders.sort((a, b) => a.line - b.line);
  const owners = new Map<string, { cls: string; ref: string }>();
  for (const { cls, ref, rec } of holders) {
    const uuid = String(rec.uuid ?? '');
    if (!uuid) {
      stage.set(cls, ref, { uuid: stage.db.newUuid() }, { kind: 'filled', reason: 'the row has no uuid: given a new one' });
      owners.set(String(rec.uuid).toLowerCase(), { cls, ref });
      continue;
    }
    const first = owners.get(uuid.toLowerCase());
    if (!first) {
      owners.set(uuid.toLowerCase(), { cls, ref });
      continue;
    }
    const fresh = stage.db.newUuid();
    stage.report.duplicateUuids++;
    stage.set(cls, ref, { uuid: fresh }, {
      kind: 'repaired',
      reason: `uuid ${uuid} is also the uuid of ${first.cls} ${first.ref}: this object now has uuid ${fresh}. ` +
        'Current xapi refuses such a database; the servers of the time kept both and failed get_by_uuid with INTERNAL_ERROR',
    });
    owners.set(fresh, { cls, ref });
  }
}

/**
 * Every one-to-many relation xapi rebuilds on load: the simulator's, and Certificate.host → host.certificates
 * (which the simulator keeps by hand when it publishes certificates, scenarios/host-certificates.ts).
 */
const LOAD_RELATIONS = [...relations, { child: 'Certificate', childField: 'host', parent: 'host', parentField: 'certificates' }];
/** Reverse sets, rebuilt whole afterwards (so not reported twice). */
const REBUILT = new Set(LOAD_RELATIONS.map((r) => `${r.parent}.${r.parentField}`));

export function danglingRefs(stage: Staging): void {
  for (const [cls, table] of stage.tables) {
    const refFields = classInfo(cls).fields.filter((f) => mentionsRef(f.type) && !REBUILT.has(`${cls}.${f.name}`));
    if (!refFields.length) continue;
    for (const [ref, rec] of table) {
      for (const field of refFields) {
        const missing: string[] = [];
        const value = withoutDangling(stage, rec[field.name], field.type, missing);
        if (!missing.length) continue;
        rec[field.name] = value;
        const what = field.type.k === 'ref' ? `names no ${field.type.cls} in the database (${missing[0]}): read as OpaqueRef:NULL` : `left out ${missing.length} entr${missing.length === 1 ? 'y' : 'ies'} naming nothing in the database (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`;
        stage.report.add({ kind: 'repaired', table: cls, row: ref, field: field.name, reason: what });
      }
    }
  }
}

function mentionsRef(t: XapiType): boolean {
  return t.k === 'ref' || ((t.k === 'set' || t.k === 'option') && mentionsRef(t.of)) || (t.k === 'map' && (mentionsRef(t.key) || mentionsRef(t.value)));
}

function withoutDangling(stage: Staging, value: unknown, t: XapiType, missing: string[]): unknown {
  const gone = (v: unknown, cls: string) => typeof v === 'string' && v !== NULL_REF && !stage.has(cls, v);
  if (t.k === 'ref') {
    if (!gone(value, t.cls)) return value;
    missing.push(String(value));
    return NULL_REF;
  }
  if (t.k === 'set' && t.of.k === 'ref' && Array.isArray(value)) {
    const cls = t.of.cls;
    const kept = value.filter((v) => !gone(v, cls));
    if (kept.length !== value.length) missing.push(...value.filter((v) => gone(v, cls)).map(String));
    return kept;
  }
  if (t.k === 'map' && value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let changed = false;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if ((t.key.k === 'ref' && gone(k, t.key.cls)) || (t.value.k === 'ref' && gone(v, t.value.cls))) {
        missing.push(t.key.k === 'ref' ? k : String(v));
        changed = true;
        continue;
      }
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return changed ? out : value;
  }
  return value;
}

/** Rebuilds every reverse set; `report`: say where the stored set differed (not for sets of objects the load added). */
export function rebuildReverseSets(stage: Staging, report = true): void {
  for (const rel of LOAD_RELATIONS) {
    const children = stage.table(rel.child);
    const parents = stage.table(rel.parent);
    if (!parents.size) continue;
    const built = new Map<string, string[]>();
    for (const [ref, rec] of children) {
      const parent = rec[rel.childField];
      if (typeof parent !== 'string' || !parents.has(parent)) continue;
      let list = built.get(parent);
      if (!list) built.set(parent, (list = []));
      list.push(ref);
    }
    for (const [ref, rec] of parents) {
      const stored = (rec[rel.parentField] as string[] | undefined) ?? [];
      const rebuilt = built.get(ref) ?? [];
      // Keep the dump's order for what it had right, then what it missed (sets: SR.VDIs may hold thousands).
      const storedSet = new Set(stored);
      const rebuiltSet = new Set(rebuilt);
      const inBoth = stored.filter((r) => rebuiltSet.has(r));
      const added = rebuilt.filter((r) => !storedSet.has(r));
      const removed = stored.filter((r) => !rebuiltSet.has(r));
      rec[rel.parentField] = [...inBoth, ...added];
      if (!report || (!added.length && !removed.length)) continue;
      const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
      stage.report.add({ kind: 'repaired', table: rel.parent, row: ref, field: rel.parentField, reason: `rebuilt from ${rel.child}.${rel.childField}, as xapi rebuilds it on load: ${parts.join('; ')}` });
    }
  }
}
