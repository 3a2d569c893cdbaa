/**
 * What loading a database dump did to it, for the person who loaded it: every row and field left out (with
 * its table and why), every value repaired, everything filled in the way xapi would at start of day.
 * `summary()` is the CLI's one line; `details()` the lines `--verbose` prints, one per table/field/reason
 * with every row it concerns.
 */
import { basename } from 'node:path';

export type IssueKind =
  /** A whole table was not loaded. */
  | 'dropped-table'
  /** A row was not loaded. */
  | 'dropped-row'
  /** A field of a row was not loaded (the record has the datamodel default instead). */
  | 'dropped-field'
  /** A value was loaded in a corrected form. */
  | 'repaired'
  /** Something the database lacked was added, as xapi adds it when it starts on an older database. */
  | 'filled'
  /** An object was changed by one of xapi's database upgrade rules for older schemas. */
  | 'upgraded'
  /** A table or field name was read as the datamodel spells it. */
  | 'renamed';

export interface DumpIssue {
  kind: IssueKind;
  table: string;
  /** The row's opaque ref (or `line N` for a row without one). */
  row?: string;
  field?: string;
  reason: string;
}

/** Where in the file a problem is, for errors that stop the load. */
export interface DumpPlace { file: string; line?: number; column?: number; table?: string; row?: string; field?: string }

/** A dump that cannot be loaded: the message names the file, and the table, row and field where known. */
export class DumpError extends Error {
  constructor(readonly place: DumpPlace, readonly problem: string) {
    super(`${placeText(place)}: ${problem}`);
  }
}

export function placeText(p: DumpPlace): string {
  const at = p.line !== undefined ? `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : p.file;
  const parts = [p.table !== undefined ? `table ${p.table}` : '', p.row ? `row ${p.row}` : '', p.field ? `field ${p.field}` : ''].filter(Boolean);
  return parts.length ? `${at} (${parts.join(', ')})` : at;
}

const KIND_WORDS: Record<IssueKind, string> = {
  'dropped-table': 'dropped table',
  'dropped-row': 'dropped row',
  'dropped-field': 'dropped field',
  repaired: 'repaired',
  filled: 'filled',
  upgraded: 'upgraded',
  renamed: 'renamed',
};

export class DumpReport {
  readonly issues: DumpIssue[] = [];
  /** Objects loaded per class (after everything the load added or left out). */
  objects: Record<string, number> = {};
  /** The dump's schema version, e.g. `5.57`, when its manifest says. */
  schema: string | undefined;
  /** The product version the manifest or the master's software_version names. */
  product: string | undefined;
  /** Objects that shared a UUID with an earlier one and were given a new one. */
  duplicateUuids = 0;

  constructor(readonly file: string) {}

  add(issue: DumpIssue): void {
    this.issues.push(issue);
  }

  count(kind: IssueKind): number {
    return this.issues.filter((i) => i.kind === kind).length;
  }

  /** Rows left out, including those of dropped tables. */
  droppedRows(): number {
    return this.issues.filter((i) => i.kind === 'dropped-row').length;
  }

  /** One line: what was loaded and how much was left out, repaired or filled. */
  summary(): string {
    const total = Object.values(this.objects).reduce((a, b) => a + b, 0);
    const classes = Object.values(this.objects).filter((n) => n > 0).length;
    const version = [this.schema ? `schema ${this.schema}` : '', this.product ?? ''].filter(Boolean).join(', ');
    const tables = this.count('dropped-table');
    const parts = [
      `dropped ${this.droppedRows()} row${plural(this.droppedRows())}${tables ? ` (${tables} table${plural(tables)})` : ''}`,
      `${this.count('dropped-field')} field value${plural(this.count('dropped-field'))}`,
      `repaired ${this.count('repaired')}`,
      `filled ${this.count('filled')}`,
      `upgraded ${this.count('upgraded')}`,
    ];
    const renamed = this.count('renamed');
    if (renamed) parts.push(`renamed ${renamed}`);
    if (this.duplicateUuids) parts.push(`${this.duplicateUuids} duplicate UUID${plural(this.duplicateUuids)} replaced`);
    return `${basename(this.file)}${version ? ` (${version})` : ''}: ${total} objects in ${classes} classes; ${parts.join(', ')}${this.issues.length ? ' (--verbose lists them)' : ''}`;
  }

  /** One line per kind, table, field and reason, naming every row concerned. */
  details(): string[] {
    const groups = new Map<string, { issue: DumpIssue; rows: string[] }>();
    for (const issue of this.issues) {
      const key = `${issue.kind}\u0000${issue.table}\u0000${issue.field ?? ''}\u0000${issue.reason}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { issue, rows: [] }));
      if (issue.row) g.rows.push(issue.row);
    }
    return [...groups.values()].map(({ issue, rows }) => {
      const what = issue.field ? `${issue.table}.${issue.field}` : issue.table;
      const where = rows.length ? ` in ${rows.length} row${plural(rows.length)} (${rows.join(', ')})` : '';
      return `${KIND_WORDS[issue.kind]} ${what}${where}: ${issue.reason}`;
    });
  }
}

const plural = (n: number) => (n === 1 ? '' : 's');
