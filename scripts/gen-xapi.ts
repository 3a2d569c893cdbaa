/**
 * Generates XenDeck's XAPI types and runtime datamodel from the XAPI project's
 * machine-readable datamodel (../shared/xapi/datamodel/xenapi.json, errors.json).
 *
 * Output (checked in, regenerate with `npm run gen:xapi`):
 *   shared/xapi/generated/records.ts  record interfaces, enums, branded refs
 *   shared/xapi/generated/model.json  classes, fields (type tree, qualifier, default), messages, enums
 *   shared/xapi/generated/errors.json error codes with parameter names and documentation
 *   shared/xapi/generated/wire.ts     per-class field lists, numeric fields, float parameters, lower-case class map
 *   shared/xapi/generated/lifecycle.json  per class and field: removed/deprecated (release, why), fields with no default
 *
 * The inputs stay where they are (never copied into the repo); only what we derive is ours.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTypeString, type XapiType } from '../shared/xapi/type-tree';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const input = resolve(process.env.XAPI_DATAMODEL_DIR ?? join(repo, '..', 'shared', 'xapi', 'datamodel'));
const out = join(repo, 'shared', 'xapi', 'generated');

interface RawLifecycle { state: string; transitions: { transition: string; release: string; description: string }[] }
interface RawField { name: string; type: string; qualifier: string; default?: string; description: string; lifecycle: RawLifecycle }
interface RawMessage {
  name: string; implicit?: boolean; params: { name: string; type: string }[]; result: [string, string];
  errors: { name: string }[]; description: string;
}
interface RawClass { name: string; description: string; fields: RawField[]; messages: RawMessage[]; enums: { name: string; values: { name: string }[] }[]; lifecycle: RawLifecycle }

const classes = JSON.parse(readFileSync(join(input, 'xenapi.json'), 'utf8')) as RawClass[];
const errors = JSON.parse(readFileSync(join(input, 'errors.json'), 'utf8')) as Record<string, { params: string[]; doc: string }>;

// Enums are declared per class in the JSON but live in one global namespace in XAPI.
const enums = new Map<string, string[]>();
for (const cls of classes) for (const e of cls.enums) enums.set(e.name, e.values.map((v) => v.name));

/** Turns the datamodel's default literal (OCaml-ish printing) into a JSON value of the field's type. */
function parseDefault(type: XapiType, literal: string | undefined): unknown {
  if (literal === undefined) return typeDefault(type);
  switch (type.k) {
    case 'string': return literal.startsWith('"') ? literal.slice(1, -1) : literal;
    case 'int': return Number(literal);
    case 'float': return Number(literal.endsWith('.') ? literal + '0' : literal);
    case 'bool': return literal === 'true';
    case 'datetime': return literal;
    case 'ref': return literal === 'Null' || literal === '' ? 'OpaqueRef:NULL' : literal;
    case 'enum': return literal === '{}' ? typeDefault(type) : literal;
    case 'set': {
      const inner = literal.replace(/^\{|\}$/g, '').trim();
      if (!inner) return [];
      return inner.split(/\s*;\s*|\s*,\s*/).map((v) => parseDefault(type.of, v.replace(/^"|"$/g, '')));
    }
    case 'map': {
      const inner = literal.replace(/^\{|\}$/g, '').trim();
      const result: Record<string, unknown> = {};
      if (!inner) return result;
      for (const pair of inner.split(/\s*[;,]\s*(?=")/)) {
        const m = /^"([^"]*)"\s*->\s*"?([^"]*)"?$/.exec(pair.trim());
        if (m) result[m[1]] = parseDefault(type.value, m[2]);
      }
      return result;
    }
    default: return typeDefault(type);
  }
}

/** Type-based defaults, as the datamodel README prescribes. */
function typeDefault(type: XapiType): unknown {
  switch (type.k) {
    case 'string': return '';
    case 'int': case 'float': return 0;
    case 'bool': return false;
    case 'datetime': return '19700101T00:00:00Z';
    case 'ref': return 'OpaqueRef:NULL';
    case 'enum': return enums.get(type.name)?.[0] ?? '';
    case 'set': return [];
    case 'map': return {};
    case 'option': return null;
    case 'record': return {};
    case 'void': return '';
  }
}

function tsType(type: XapiType): string {
  switch (type.k) {
    case 'string': case 'datetime': return 'string';
    case 'int': case 'float': return 'number';
    case 'bool': return 'boolean';
    case 'ref': return `Ref<'${type.cls}'>`;
    case 'enum': return enumTypeName(type.name);
    case 'set': return `${wrap(tsType(type.of))}[]`;
    case 'map': return `Record<${type.key.k === 'ref' || type.key.k === 'enum' ? tsType(type.key) : 'string'}, ${tsType(type.value)}>`;
    case 'option': return `${tsType(type.of)} | null`;
    case 'record': return type.cls === '<class>' ? 'unknown' : `${recordName(type.cls)}`;
    case 'void': return 'void';
  }
}
const wrap = (s: string): string => (/[ |]/.test(s) ? `(${s})` : s);
const pascal = (s: string): string => s.split(/[_\s-]/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
const enumTypeName = (name: string): string => `Enum${pascal(name)}`;
const recordName = (cls: string): string => `${cls.replace(/(^|_)(\w)/g, (_m, _u: string, c: string) => c.toUpperCase())}Record`;

// Messages that XAPI runs as tasks (Async.Class.message). The JSON does not carry the async flag,
// so we follow xapi: every explicit message except the session/event/system plumbing is async-capable,
// and so are the implicit constructors and destructors.
const NOT_ASYNC_CLASSES = new Set(['session', 'event', 'auth', 'user', 'data_source', 'LVHD', 'sr_stat', 'probe_result']);
const isAsync = (cls: string, m: RawMessage): boolean =>
  !NOT_ASYNC_CLASSES.has(cls) && (!m.implicit || m.name === 'create' || m.name === 'destroy') &&
  !m.name.startsWith('get_') && !(cls === 'task' && ['cancel', 'destroy', 'create'].includes(m.name));

const model = {
  source: 'xapi-project/xen-api doc/data/xenapi.json (commit e2ee48d688)',
  classes: classes.map((c) => ({
    name: c.name,
    fields: c.fields.map((f) => {
      const type = parseTypeString(f.type);
      return { name: f.name, type, qualifier: f.qualifier, default: parseDefault(type, f.default) };
    }),
    messages: c.messages.map((m) => ({
      name: m.name,
      params: m.params.map((p) => ({ name: p.name, type: parseTypeString(p.type) })),
      result: parseTypeString(m.result[0]),
      implicit: Boolean(m.implicit),
      async: isAsync(c.name, m),
      errors: m.errors.map((e) => e.name),
    })),
  })),
  enums: Object.fromEntries([...enums].sort(([a], [b]) => a.localeCompare(b))),
};

const lines: string[] = [
  '// Generated by scripts/gen-xapi.ts from the XAPI datamodel. Do not edit; run `npm run gen:xapi`.',
  '/* eslint-disable */',
  '',
  '/** An opaque reference to an object of class C, e.g. `OpaqueRef:1f0c…`; `OpaqueRef:NULL` means none. */',
  "export type Ref<C extends string = string> = string & { readonly __xapiClass?: C };",
  '',
];
for (const [name, values] of [...enums].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push(`export type ${enumTypeName(name)} = ${values.map((v) => JSON.stringify(v)).join(' | ')};`);
  lines.push(`export const ${enumTypeName(name)}Values = ${JSON.stringify(values)} as const;`);
}
lines.push('');
for (const c of classes) {
  if (c.name === 'event') continue;
  lines.push(`/** ${c.description.replace(/\*\//g, '* /').replace(/\s+/g, ' ')} */`);
  lines.push(`export interface ${recordName(c.name)} {`);
  for (const f of c.fields) {
    lines.push(`  /** ${f.qualifier}: ${f.description.replace(/\*\//g, '* /').replace(/\s+/g, ' ')} */`);
    lines.push(`  ${/^[A-Za-z_]\w*$/.test(f.name) ? f.name : JSON.stringify(f.name)}: ${tsType(parseTypeString(f.type))};`);
  }
  lines.push('}', '');
}
const recordClasses = classes.filter((c) => c.name !== 'event');
lines.push('/** Every XAPI class name, as the API spells it. */');
lines.push(`export type XapiClassName = ${recordClasses.map((c) => JSON.stringify(c.name)).join(' | ')};`);
lines.push(`export const XAPI_CLASS_NAMES: readonly XapiClassName[] = ${JSON.stringify(recordClasses.map((c) => c.name))};`);
lines.push('/** Record type by class name. */');
lines.push('export interface XapiRecordByClass {');
for (const c of recordClasses) lines.push(`  ${JSON.stringify(c.name)}: ${recordName(c.name)};`);
lines.push('}', '');
lines.push('/** Every XAPI error code. */');
lines.push(`export type XapiErrorCode = ${Object.keys(errors).sort().map((e) => JSON.stringify(e)).join(' | ')};`);
lines.push('');

// wire.ts: what a client needs at run time to speak XML-RPC faithfully and to walk records by class,
// without loading the whole model.json: per-class field lists, the numeric fields (XML-RPC carries
// int64 as strings, so the client turns them back into numbers by type) and the float parameters
// (an integral float such as a 30 s timeout must still go out as <double>, never as an int64 string).
const containsNumber = (t: XapiType): boolean =>
  t.k === 'int' || t.k === 'float' || (t.k === 'set' || t.k === 'option' ? containsNumber(t.of) : t.k === 'map' ? containsNumber(t.value) : false);
function numericShape(t: XapiType): string | undefined {
  if (t.k === 'int') return 'int';
  if (t.k === 'float') return 'float';
  if (t.k === 'set' && (t.of.k === 'int' || t.of.k === 'float')) return `${t.of.k} set`;
  if (t.k === 'map' && (t.value.k === 'int' || t.value.k === 'float')) return `${t.value.k} map`;
  return undefined;
}
function fieldShape(t: XapiType, where: string): string {
  const scalar = (x: XapiType): 'string' | 'number' | 'bool' | undefined =>
    x.k === 'string' || x.k === 'datetime' || x.k === 'enum' || x.k === 'ref' ? 'string' : x.k === 'int' || x.k === 'float' ? 'number' : x.k === 'bool' ? 'bool' : undefined;
  switch (t.k) {
    case 'ref': return 'r';
    case 'string': case 'datetime': case 'enum': return 's';
    case 'bool': return 'b';
    case 'int': case 'float': return 'n';
    case 'set':
      if (scalar(t.of) === 'string') return 'S';
      if (scalar(t.of) === 'number') return 'I';
      break;
    case 'map':
      if (scalar(t.value) === 'string') return 'M';
      if (scalar(t.value) === 'number') return 'N';
      if (t.value.k === 'set' && scalar(t.value.of) === 'string') return 'L';
      break;
    case 'option':
      if (scalar(t.of) === 'string') return 'o';
      if (t.of.k === 'record') return 'O';
      break;
  }
  throw new Error(`gen:xapi: no field shape for ${where} (${JSON.stringify(t)})`);
}

const wire: string[] = [
  '// Generated by scripts/gen-xapi.ts from the XAPI datamodel. Do not edit; run `npm run gen:xapi`.',
  '/* eslint-disable */',
  "import type { XapiClassName } from './records';",
  '',
  '/** How a numeric field is shaped; XML-RPC sends int64 as decimal strings, so decoders restore numbers by this. */',
  "export type NumericShape = 'int' | 'float' | 'int set' | 'float set' | 'int map' | 'float map';",
  '',
  '/** Every field of every class, in datamodel order. */',
  'export const XAPI_CLASS_FIELDS: Readonly<Record<XapiClassName, readonly string[]>> = {',
];
for (const c of recordClasses) wire.push(`  ${JSON.stringify(c.name)}: ${JSON.stringify(c.fields.map((f) => f.name))},`);
wire.push('};', '', '/** Numeric fields per class (only classes that have some). */');
wire.push('export const XAPI_NUMERIC_FIELDS: Readonly<Partial<Record<XapiClassName, Readonly<Record<string, NumericShape>>>>> = {');
for (const c of recordClasses) {
  const numeric = c.fields.flatMap((f) => {
    const shape = numericShape(parseTypeString(f.type));
    return shape ? [[f.name, shape] as const] : [];
  });
  if (numeric.length) wire.push(`  ${JSON.stringify(c.name)}: ${JSON.stringify(Object.fromEntries(numeric))},`);
}
wire.push('};', '');
// One letter per field, in XAPI_CLASS_FIELDS order: what a value of the field may be. The renderer checks
// records from servers against it once, where they enter its store (renderer/store/sanitise-record.ts).
wire.push('/**');
wire.push(' * The shape of every field, one letter per field in XAPI_CLASS_FIELDS order: s string (also datetime');
wire.push(' * and enum), r ref, b bool, n int or float, S set of strings (refs, enums), I set of ints, M map to strings,');
wire.push(' * N map to numbers, L map to sets of strings, o string or null, O record or null.');
wire.push(' */');
wire.push('export const XAPI_FIELD_SHAPES: Readonly<Record<XapiClassName, string>> = {');
for (const c of recordClasses) wire.push(`  ${JSON.stringify(c.name)}: ${JSON.stringify(c.fields.map((f) => fieldShape(parseTypeString(f.type), `${c.name}.${f.name}`)).join(''))},`);
wire.push('};', '', '/** Positions (session included) of float parameters, by `Class.message`. */');
wire.push('export const XAPI_FLOAT_PARAMS: Readonly<Record<string, readonly number[]>> = {');
for (const c of classes) for (const m of c.messages) {
  const positions = m.params.flatMap((p, i) => (containsNumber(parseTypeString(p.type)) && /float/.test(p.type) ? [i] : []));
  if (positions.length) wire.push(`  ${JSON.stringify(`${c.name}.${m.name}`)}: ${JSON.stringify(positions)},`);
}
wire.push('};', '', '/** Lower-case class names (as event.from spells them) to API class names. */');
wire.push('export const XAPI_CLASS_BY_LOWER_NAME: Readonly<Record<string, XapiClassName>> = {');
for (const c of recordClasses) wire.push(`  ${JSON.stringify(c.name.toLowerCase())}: ${JSON.stringify(c.name)},`);
wire.push('};', '');

// lifecycle.json: what a reader of an older server's database needs to know about each class and field
// (xapi's Db_xml loader skips Removed fields; its generic upgrade fills missing columns from their defaults,
// which fields without a declared default cannot have).
interface LifecycleEntry { state: 'published' | 'prototyped' | 'deprecated' | 'removed'; since?: string; release?: string; why?: string; required?: true }
function lifecycleEntry(l: RawLifecycle): LifecycleEntry {
  const state = l.state.replace(/_s$/, '').toLowerCase() as LifecycleEntry['state'];
  const first = l.transitions.find((t) => t.transition === 'published' || t.transition === 'prototyped');
  const entry: LifecycleEntry = { state };
  if (first) entry.since = first.release;
  if (state === 'removed' || state === 'deprecated') {
    const last = [...l.transitions].reverse().find((t) => t.transition === state);
    if (last) {
      entry.release = last.release;
      if (last.description && last.description !== 'Dummy transition') entry.why = last.description;
    }
  }
  return entry;
}
const lifecycle = {
  source: model.source,
  classes: Object.fromEntries(classes.map((c) => [c.name, {
    ...lifecycleEntry(c.lifecycle),
    fields: Object.fromEntries(c.fields.map((f) => {
      const entry = lifecycleEntry(f.lifecycle);
      // Sets of refs get an empty default from xapi even when the datamodel declares none.
      if (f.default === undefined && !/ ref set$/.test(f.type)) entry.required = true;
      return [f.name, entry];
    })),
  }])),
};

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'lifecycle.json'), JSON.stringify(lifecycle, null, 1));
writeFileSync(join(out, 'records.ts'), lines.join('\n'));
writeFileSync(join(out, 'wire.ts'), wire.join('\n'));
writeFileSync(join(out, 'model.json'), JSON.stringify(model));
writeFileSync(join(out, 'errors.json'), JSON.stringify(Object.fromEntries(Object.entries(errors).sort(([a], [b]) => a.localeCompare(b))), null, 1));
console.log(`gen:xapi: ${classes.length} classes, ${enums.size} enums, ${Object.keys(errors).length} errors -> ${out}`);
