/** Which graphs the user chose to see, per object type (host, VM), kept in localStorage across sessions. */
import { z } from 'zod';
import { pageStorage, readPersisted, writePersisted, type KeyValueStorage } from '../../persisted';
import { GRAPH_IDS, type GraphId } from './graph-defs';

export type { KeyValueStorage };

const KEY = 'xendeck.performance.graphs.';

/** A list of graph ids; items that are not strings are left out (only known ids are used anyway). */
const storedChoice = z.array(z.unknown()).max(100).transform((items) => items.filter((i): i is string => typeof i === 'string')).nullable();

export function loadGraphChoice(objectClass: 'host' | 'VM', store: KeyValueStorage | undefined = pageStorage()): GraphId[] {
  const all = GRAPH_IDS[objectClass];
  const stored = readPersisted(KEY + objectClass, storedChoice, null, store);
  // Unknown ids (from another version) are dropped; order stays the canonical one.
  return stored ? all.filter((id) => stored.includes(id)) : all;
}

export function saveGraphChoice(objectClass: 'host' | 'VM', ids: readonly GraphId[], store: KeyValueStorage | undefined = pageStorage()): void {
  writePersisted(KEY + objectClass, ids, store);
}
