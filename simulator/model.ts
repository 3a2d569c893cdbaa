/**
 * The datamodel as the simulator uses it: classes, fields, messages and enums from the generated
 * shared/xapi/generated/model.json (itself generated from xapi's doc/data/xenapi.json).
 */
import modelJson from '../shared/xapi/generated/model.json';
import type { XapiType } from '../shared/xapi/type-tree';

export interface FieldInfo {
  name: string;
  type: XapiType;
  qualifier: 'RW' | 'RO/runtime' | 'RO/constructor';
  default: unknown;
}
export interface ParamInfo { name: string; type: XapiType }
export interface MessageInfo {
  name: string;
  params: ParamInfo[];
  result: XapiType;
  implicit: boolean;
  async: boolean;
  errors: string[];
}
export interface ClassInfo {
  name: string;
  /** Lower-case name, as event.from spells classes. */
  lname: string;
  fields: FieldInfo[];
  fieldByName: Map<string, FieldInfo>;
  messages: Map<string, MessageInfo>;
}

interface ModelJson {
  classes: { name: string; fields: FieldInfo[]; messages: MessageInfo[] }[];
  enums: Record<string, string[]>;
}

const raw = modelJson as unknown as ModelJson;

export const classes = new Map<string, ClassInfo>();
export const classesByLowerName = new Map<string, ClassInfo>();
for (const c of raw.classes) {
  const info: ClassInfo = {
    name: c.name,
    lname: c.name.toLowerCase(),
    fields: c.fields,
    fieldByName: new Map(c.fields.map((f) => [f.name, f])),
    messages: new Map(c.messages.map((m) => [m.name, m])),
  };
  classes.set(c.name, info);
  classesByLowerName.set(info.lname, info);
}
export const enums: Record<string, readonly string[]> = raw.enums;

export function classInfo(name: string): ClassInfo {
  const c = classes.get(name);
  if (!c) throw new Error(`unknown XAPI class ${name}`);
  return c;
}

/** Classes whose objects live in the database and are visible to clients (they have get_all_records). */
export const storedClassNames: string[] = raw.classes
  .filter((c) => c.messages.some((m) => m.name === 'get_all_records'))
  .map((c) => c.name);
