/**
 * A change set: what one event batch, one load or one resync did to the mirror, by class then ref.
 * Same shape as the bridge's MirrorBatch body so the backend can forward it without reshaping.
 * Records loaded by get_all_records over JSON-RPC are RawRecords (their JSON text, see raw-record.ts).
 */
import type { MirrorRecord } from './raw-record';

export type XapiObject = Record<string, unknown>;

export interface ChangeSet {
  added: Record<string, Record<string, MirrorRecord>>;
  modified: Record<string, Record<string, MirrorRecord>>;
  removed: Record<string, string[]>;
}

export const emptyChangeSet = (): ChangeSet => ({ added: {}, modified: {}, removed: {} });

export function isEmptyChangeSet(changes: ChangeSet): boolean {
  for (const _ in changes.added) return false;
  for (const _ in changes.modified) return false;
  for (const _ in changes.removed) return false;
  return true;
}

export function countChanges(changes: ChangeSet): { added: number; modified: number; removed: number } {
  let added = 0, modified = 0, removed = 0;
  for (const cls in changes.added) added += Object.keys(changes.added[cls]).length;
  for (const cls in changes.modified) modified += Object.keys(changes.modified[cls]).length;
  for (const cls in changes.removed) removed += changes.removed[cls].length;
  return { added, modified, removed };
}
