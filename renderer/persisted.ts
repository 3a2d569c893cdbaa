/**
 * Values the page keeps in localStorage across sessions (graph choices, pane sizes…). What comes back
 * may be anything: written by another version, edited in DevTools, cut short by a full disk. It is read
 * only through a zod schema: a value that does not fit gives the fallback, never a wrong type to a view.
 */
import type { z } from 'zod';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The page's localStorage, or undefined where storage is disabled (choices then last for the session). */
export function pageStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The value under `key` if it is JSON that `schema` accepts (as the schema outputs it), else `fallback`. */
export function readPersisted<S extends z.ZodType>(key: string, schema: S, fallback: z.output<S>, store: KeyValueStorage | undefined = pageStorage()): z.output<S> {
  try {
    const raw = store?.getItem(key);
    if (raw === null || raw === undefined) return fallback;
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/** Stores `value` as JSON; a full or disabled storage loses it at restart, nothing else. */
export function writePersisted(key: string, value: unknown, store: KeyValueStorage | undefined = pageStorage()): void {
  try {
    store?.setItem(key, JSON.stringify(value));
  } catch {
    // Quota exceeded or storage disabled.
  }
}
