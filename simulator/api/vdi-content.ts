/**
 * What a simulated disk holds, beside the database: an identity shared by a VDI and its full copies
 * (VDI.copy, storage migration), so the simulator can answer as xapi does when content matters:
 * VM.set_suspend_VDI accepts a replacement suspend image only when its checksum equals the current one's.
 */
import { createHash } from 'node:crypto';
import type { ObjectDb } from '../db/object-db';

const contents = new WeakMap<ObjectDb, Map<string, string>>();

/** The content identity of a VDI: its own uuid until it is written as a copy of another disk. */
export function contentOf(db: ObjectDb, vdiRef: string): string {
  return contents.get(db)?.get(vdiRef) ?? String(db.get('VDI', vdiRef).uuid);
}

/** Records that `vdiRef` (in `db`) now holds the same blocks as `from` (in `fromDb`). */
export function copyContent(fromDb: ObjectDb, from: string, db: ObjectDb, vdiRef: string): void {
  let map = contents.get(db);
  if (!map) contents.set(db, (map = new Map()));
  map.set(vdiRef, contentOf(fromDb, from));
}

/** What VDI.checksum (an md5 of the disk's blocks) would print for it. */
export function vdiChecksum(db: ObjectDb, vdiRef: string): string {
  return createHash('md5').update(contentOf(db, vdiRef)).digest('hex');
}
