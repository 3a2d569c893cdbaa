/**
 * The database being loaded, before it becomes the pool's ObjectDb: full records (every datamodel field) by
 * class and ref, which the upgrade and start-of-day steps change in place, plus the columns the API does not
 * publish (e.g. host.boot_free_mem) that those steps may still read. `commit` hands everything to the ObjectDb
 * in one go, once it is consistent.
 */
import { buildRecord } from '../db/defaults';
import { NULL_REF, type ObjectDb, type XRecord } from '../db/object-db';
import { classes } from '../model';
import type { DumpReport } from './report';

export class Staging {
  readonly tables = new Map<string, Map<string, XRecord>>();
  /** Columns of each row that no datamodel field holds, by ref (as written, unprotected). */
  readonly internal = new Map<string, Record<string, string>>();
  /** Where each row came from, by ref: `line N` of the file (for messages). */
  readonly lines = new Map<string, number>();

  constructor(
    readonly db: ObjectDb,
    readonly report: DumpReport,
    readonly schema: [number, number] | undefined,
    /** The simulated clock's time at load (ms), for timestamps the load writes. */
    readonly now: number,
  ) {
    for (const name of classes.keys()) this.tables.set(name, new Map());
  }

  table(cls: string): Map<string, XRecord> {
    return this.tables.get(cls)!;
  }

  get(cls: string, ref: unknown): XRecord | undefined {
    return typeof ref === 'string' && ref !== NULL_REF ? this.tables.get(cls)?.get(ref) : undefined;
  }

  has(cls: string, ref: unknown): boolean {
    return this.get(cls, ref) !== undefined;
  }

  /** The class holding `ref`, if any. */
  classOf(ref: string): string | undefined {
    for (const [cls, t] of this.tables) if (t.has(ref)) return cls;
    return undefined;
  }

  all(cls: string): [string, XRecord][] {
    return [...this.table(cls)];
  }

  /** Adds a record xapi would have created (with every datamodel field) and says so in the report. */
  create(cls: string, fields: XRecord, why: string): string {
    const ref = this.db.newRef();
    const rec = buildRecord(cls, fields);
    if ('uuid' in rec && !rec.uuid) rec.uuid = this.db.newUuid();
    this.table(cls).set(ref, rec);
    this.report.add({ kind: 'filled', table: cls, row: ref, reason: why });
    return ref;
  }

  /** Changes fields of a record and reports it (kind `repaired` or `filled`) when `why` is given. */
  set(cls: string, ref: string, patch: XRecord, why?: { kind: 'repaired' | 'filled'; reason: string; field?: string }): void {
    const rec = this.table(cls).get(ref);
    if (!rec) return;
    Object.assign(rec, patch);
    if (why) this.report.add({ kind: why.kind, table: cls, row: ref, field: why.field ?? (Object.keys(patch).length === 1 ? Object.keys(patch)[0] : undefined), reason: why.reason });
  }

  destroy(cls: string, ref: string, why: string): void {
    if (this.table(cls).delete(ref)) this.report.add({ kind: 'dropped-row', table: cls, row: ref, reason: why });
  }

  /** Whether the dump's schema is at most `major.minor` (unknown schema: assumed old, so every rule applies). */
  schemaAtMost(major: number, minor: number): boolean {
    if (!this.schema) return true;
    return this.schema[0] < major || (this.schema[0] === major && this.schema[1] <= minor);
  }

  /** Moves every record into the pool's database (relations are already consistent: no upkeep on the way in). */
  commit(): void {
    for (const [cls, t] of this.tables) for (const [ref, rec] of t) this.db.load(cls, ref, rec);
  }
}
