/**
 * Records from servers are untrusted: a broken or hostile server (or an old one with odd data) can send
 * a VM whose `tags` is not a list or whose `name_label` is an object, and a view that maps over the tags
 * or prints the name would throw and take the window down. Every record is checked once, here, where
 * it enters the store (apply-batch.ts), against the field types of the generated datamodel
 * (XAPI_FIELD_SHAPES): a field of the wrong type becomes its type's empty value ('' , 0, false, [], {},
 * OpaqueRef:NULL), an item of a set or a map of the wrong type is left out. Views can then trust the
 * generated record types. Fields the datamodel does not know (a newer server's) are passed through.
 *
 * Clean records (all of them, from a working server) are returned as they are: no copy, one typeof per field.
 */
import { XAPI_CLASS_FIELDS, XAPI_FIELD_SHAPES } from '../../shared/xapi/generated/wire';
import type { XapiClassName } from '../../shared/xapi/generated/records';

type AnyRecord = Record<string, unknown>;

/** Field name → shape letter (see XAPI_FIELD_SHAPES), per class, built on first use. */
const shapesByClass = new Map<string, Map<string, string> | null>();

function shapesOf(cls: string): Map<string, string> | null {
  let shapes = shapesByClass.get(cls);
  if (shapes === undefined) {
    const fields = XAPI_CLASS_FIELDS[cls as XapiClassName] as readonly string[] | undefined;
    const letters = XAPI_FIELD_SHAPES[cls as XapiClassName] as string | undefined;
    shapes = fields && letters ? new Map(fields.map((f, i) => [f, letters[i]])) : null;
    shapesByClass.set(cls, shapes);
  }
  return shapes;
}

const isPlainObject = (v: unknown): v is AnyRecord => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** The value of a field of this shape, `undefined` when it already is one (the common case: no copy). */
function repair(shape: string, value: unknown): { value: unknown } | undefined {
  switch (shape) {
    case 's': return isString(value) ? undefined : { value: '' };
    case 'r': return isString(value) ? undefined : { value: 'OpaqueRef:NULL' };
    case 'b': return typeof value === 'boolean' ? undefined : { value: false };
    case 'n': return isNumber(value) ? undefined : { value: 0 };
    case 'S': return repairList(value, isString);
    case 'I': return repairList(value, isNumber);
    case 'M': return repairMap(value, isString);
    case 'N': return repairMap(value, isNumber);
    case 'L': return repairMap(value, isStringList);
    case 'o': return value === null || isString(value) ? undefined : { value: null };
    case 'O': return value === null || isPlainObject(value) ? undefined : { value: null };
    default: return undefined;
  }
}

function repairList(value: unknown, ok: (item: unknown) => boolean): { value: unknown } | undefined {
  if (!Array.isArray(value)) return { value: [] };
  return value.every(ok) ? undefined : { value: value.filter(ok) };
}

function repairMap(value: unknown, ok: (item: unknown) => boolean): { value: unknown } | undefined {
  if (!isPlainObject(value)) return { value: {} };
  let bad = false;
  for (const key in value) {
    if (!ok(value[key])) {
      bad = true;
      break;
    }
  }
  if (!bad) return undefined;
  const kept: AnyRecord = {};
  for (const key in value) if (ok(value[key])) kept[key] = value[key];
  return { value: kept };
}

/**
 * `record` with every field of the wrong type replaced (a new object only when something was wrong),
 * or `undefined` when it is not a record at all. Works the same on a partial record (the fields a
 * modification carries): only the fields present are looked at.
 */
export function sanitiseRecord(cls: string, record: unknown): AnyRecord | undefined {
  if (!isPlainObject(record)) return undefined;
  const shapes = shapesOf(cls);
  if (!shapes) return record;
  let fixed: AnyRecord | undefined;
  for (const field in record) {
    const shape = shapes.get(field);
    if (shape === undefined) continue;
    const repaired = repair(shape, record[field]);
    if (repaired) (fixed ??= { ...record })[field] = repaired.value;
  }
  return fixed ?? record;
}
