/**
 * Reads a document from disk against its zod schema, keeping what is valid: a value of the wrong
 * shape is dropped (a member, or an item of a list) and reported with its path, and the rest loads.
 * Settings written by an older or newer version, or edited by hand, must not stop the app at start
 * nor crash the window later (a saved server whose label is an object, a number where a list was).
 *
 * Each round parses, drops every value an issue points at, and parses again. A value that was
 * required and is now missing makes the next round drop the object holding it (a saved server
 * without an address is dropped as a whole, one with a bad label only loses the label).
 */
import type { z } from 'zod';

/** One dropped value: its path in the document (`connections.servers[1].label`) and why. */
export interface DroppedValue {
  path: string;
  problem: string;
}

type Path = readonly PropertyKey[];

const MAX_ROUNDS = 32;

/**
 * The valid part of `value` under `schema`, and what was dropped to get there. `value` is the
 * freshly parsed JSON (it is changed in place). `undefined` when not even the root can be kept.
 */
export function parseLeniently<S extends z.ZodType>(schema: S, value: unknown): { data: z.output<S> | undefined; dropped: DroppedValue[] } {
  const dropped: DroppedValue[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = schema.safeParse(value);
    if (result.success) return { data: result.data, dropped };
    // What each issue removes: the value itself, or, for a required value that is missing, the object
    // that should hold it. A target inside another target goes with it.
    const targets = new Map<string, { path: Path; problem: string }>();
    for (const issue of result.error.issues) {
      const missing = valueAt(value, issue.path) === undefined;
      const path = missing ? issue.path.slice(0, -1) : issue.path;
      if (path.length === 0) return { data: undefined, dropped };
      const problem = missing ? `${formatPath(issue.path.slice(path.length))} is missing` : issue.message;
      targets.set(pathKey(path), { path, problem });
    }
    const outermost = [...targets.values()].filter((t) => !t.path.some((_, i) => i > 0 && targets.has(pathKey(t.path.slice(0, i)))));
    // Later paths first, so removing an item from a list does not shift the items still to remove.
    outermost.sort((a, b) => comparePaths(b.path, a.path));
    let progress = false;
    for (const { path, problem } of outermost) {
      if (!removeAt(value, path)) continue;
      progress = true;
      dropped.push({ path: formatPath(path), problem });
    }
    if (!progress) return { data: undefined, dropped };
  }
  return { data: undefined, dropped };
}

/** `a.b[2].c`, the way a user finds the value in the file. */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

const pathKey = (path: Path): string => path.map(String).join('\u0000');

function valueAt(doc: unknown, path: Path): unknown {
  let at = doc;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function removeAt(doc: unknown, path: Path): boolean {
  const parent = valueAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (typeof parent !== 'object' || parent === null || !Object.hasOwn(parent, key)) return false;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else delete (parent as Record<PropertyKey, unknown>)[key];
  return true;
}

function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
