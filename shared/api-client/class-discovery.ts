/**
 * Which classes to mirror: every class whose `<Class>.get_all_records` appears in
 * `system.listMethods` (called without a session, as xen-api does), minus the ones a GUI has no use
 * for or may not read (XenCenter ignores session, event, user, secret). event.from names classes in
 * lower case (`vm`), so we keep the map back to the API spelling (`VM`).
 */
import { XAPI_CLASS_BY_LOWER_NAME } from '../xapi/generated/wire';

export const DEFAULT_IGNORED_CLASSES: readonly string[] = ['session', 'event', 'user', 'secret', 'auth', 'data_source'];

export interface ClassSet {
  /** API spelling, e.g. `VM`, `host`. */
  names: string[];
  /** Lower-case spelling → API spelling, for event.class. */
  byLowerName: Map<string, string>;
  /** Methods the server lists (to know event.from / event.inject exist). */
  methods: Set<string>;
}

export function classesFromMethods(methods: readonly string[], ignored: readonly string[] = DEFAULT_IGNORED_CLASSES): ClassSet {
  const skip = new Set(ignored);
  const names: string[] = [];
  for (const method of methods) {
    const m = /^([A-Za-z0-9_]+)\.get_all_records$/.exec(method);
    if (m && !skip.has(m[1])) names.push(m[1]);
  }
  const byLowerName = new Map<string, string>(Object.entries(XAPI_CLASS_BY_LOWER_NAME));
  for (const name of names) byLowerName.set(name.toLowerCase(), name);
  return { names, byLowerName, methods: new Set(methods) };
}
