/** Which graphs the user chose to see, per object type (host, VM), kept in localStorage across sessions. */
import { GRAPH_IDS, type GraphId } from './graph-defs';

const KEY = 'xendeck.performance.graphs.';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled: choices last for the session
  }
}

export function loadGraphChoice(objectClass: 'host' | 'VM', store: KeyValueStorage | undefined = storage()): GraphId[] {
  const all = GRAPH_IDS[objectClass];
  try {
    const raw = store?.getItem(KEY + objectClass);
    if (!raw) return all;
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return all;
    // Unknown ids (from another version) are dropped; order stays the canonical one.
    return all.filter((id) => parsed.includes(id));
  } catch {
    return all;
  }
}

export function saveGraphChoice(objectClass: 'host' | 'VM', ids: readonly GraphId[], store: KeyValueStorage | undefined = storage()): void {
  try {
    store?.setItem(KEY + objectClass, JSON.stringify(ids));
  } catch {
    // A full or disabled storage loses the choice at restart, nothing else.
  }
}
