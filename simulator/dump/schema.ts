/**
 * Which class a dump's table is and which field each column is, through the datamodel and its lifecycle
 * (shared/xapi/generated/lifecycle.json): tables match classes without regard to case (`Secret` is `secret`),
 * column names join nested names with `__` (xapi's Escaping.escape_id: `memory__static_max`) and match fields
 * exactly, else without regard to case; a Removed class or field is left out as xapi's loader leaves it out
 * (Db_xml.From skips Removed_s columns), and so is a column the published datamodel does not have (xapi keeps
 * some internal columns, e.g. host.boot_free_mem, that no client can read).
 */
import lifecycleJson from '../../shared/xapi/generated/lifecycle.json';
import { classes, classesByLowerName, type ClassInfo, type FieldInfo } from '../model';
import { ROW_META } from './read-xml';

interface LifecycleEntry { state: 'published' | 'prototyped' | 'deprecated' | 'removed'; since?: string; release?: string; why?: string; required?: true }
const lifecycle = lifecycleJson as unknown as { classes: Record<string, LifecycleEntry & { fields: Record<string, LifecycleEntry> }> };

/**
 * Classes whose rows never reach a database file (PersistNothing in ocaml/idl/datamodel.ml, or not stored in
 * the database at all): what a dump holds of them is history, not state.
 */
const NOT_PERSISTED: Record<string, string> = {
  session: 'sessions end when xapi restarts (xapi does not persist them)',
  task: 'tasks end when xapi restarts (xapi does not persist them); operations they held are released',
  event: 'events are not objects (xapi keeps no event table)',
  data_source: 'data sources live in the RRD daemon, not in the database',
  auth: 'auth has no objects',
};

export type TableResolution = { cls: ClassInfo; renamedFrom?: string } | { drop: string };
export type FieldResolution = { field: FieldInfo; renamedFrom?: string } | { drop: string } | { meta: true };

export function resolveTable(name: string): TableResolution {
  const cls = classes.get(name) ?? classesByLowerName.get(name.toLowerCase());
  if (!cls) return { drop: `no class ${name} in the API datamodel` };
  if (NOT_PERSISTED[cls.name]) return { drop: NOT_PERSISTED[cls.name] };
  const life = lifecycle.classes[cls.name];
  if (life?.state === 'removed') return { drop: removedText(`class ${cls.name}`, life) };
  return cls.name === name ? { cls } : { cls, renamedFrom: name };
}

const fieldCache = new Map<string, Map<string, FieldResolution>>();

export function resolveField(cls: ClassInfo, column: string): FieldResolution {
  let cache = fieldCache.get(cls.name);
  if (!cache) fieldCache.set(cls.name, (cache = new Map()));
  let r = cache.get(column);
  if (!r) cache.set(column, (r = resolve(cls, column)));
  return r;
}

function resolve(cls: ClassInfo, column: string): FieldResolution {
  if (ROW_META.has(column)) return { meta: true };
  const name = column.replace(/__/g, '_');
  let field = cls.fieldByName.get(name);
  if (!field) {
    const lower = name.toLowerCase();
    field = cls.fields.find((f) => f.name.toLowerCase() === lower);
  }
  if (!field) return { drop: `${cls.name} has no field ${name} in the API datamodel (an xapi-internal or unknown column)` };
  const life = lifecycle.classes[cls.name]?.fields[field.name];
  if (life?.state === 'removed') return { drop: removedText(`field ${cls.name}.${field.name}`, life) };
  return field.name === name ? { field } : { field, renamedFrom: column };
}

/** Fields with no default in the datamodel: xapi's upgrade cannot fill them, so a row without one is damaged. */
export function isRequired(cls: ClassInfo, field: FieldInfo): boolean {
  return lifecycle.classes[cls.name]?.fields[field.name]?.required === true;
}

export function isRemovedField(cls: ClassInfo, field: string): boolean {
  return lifecycle.classes[cls.name]?.fields[field]?.state === 'removed';
}

function removedText(what: string, life: LifecycleEntry): string {
  return `${what} was removed from the API${life.release ? ` in ${life.release}` : ''}${life.why ? ` (${life.why})` : ''}; xapi does not load it`;
}
