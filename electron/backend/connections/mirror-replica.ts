/**
 * Test support: what a renderer holds after applying mirror batches, as "class/ref" → record. Applied in the
 * store's order (removals, then full `added` records, then partial `modified` records merged into the held
 * one), so tests can check that squashing, diffing and chunking never change the outcome.
 */
import type { MirrorBatch } from '../../../shared/bridge';

export function applyToReplica(view: Map<string, unknown>, batch: MirrorBatch): void {
  if (batch.reset) view.clear();
  for (const cls in batch.removed) for (const ref of batch.removed[cls]) view.delete(`${cls}/${ref}`);
  for (const cls in batch.added) for (const ref in batch.added[cls]) view.set(`${cls}/${ref}`, batch.added[cls][ref]);
  for (const cls in batch.modified) {
    for (const ref in batch.modified[cls]) {
      const key = `${cls}/${ref}`;
      view.set(key, { ...(view.get(key) as object | undefined), ...(batch.modified[cls][ref] as object) });
    }
  }
}
