/**
 * When selected objects disappear (a VM deleted here or by another client), the selection moves to what
 * held them, as XenCenter's tree does: the pool of their connection (or the connection row of a
 * standalone host), instead of a pane saying the object no longer exists. Objects of a pool that is not
 * loaded (reconnecting) are left alone: they are not gone, only not known yet.
 */
import { useEffect } from 'react';
import type { MirrorState } from './mirror-store';
import { useMirrorStoreApi } from './hooks';
import { connectionNodeId, objectId, parseObjectId, type ObjectId } from './object-id';

/** The selection with vanished objects replaced by their pool; the same array when nothing vanished. */
export function withoutVanished(state: MirrorState): readonly ObjectId[] {
  const ids = state.selection.ids;
  const kept: ObjectId[] = [];
  const parents: ObjectId[] = [];
  for (const id of ids) {
    const t = parseObjectId(id);
    const mirror = t ? state.mirrors[t.connectionId] : undefined;
    if (t?.kind !== 'object' || !mirror?.loaded || mirror.objects[t.cls]?.has(t.ref)) {
      kept.push(id);
      continue;
    }
    const poolRef = mirror.objects.pool?.keys().next().value;
    parents.push(poolRef ? objectId(t.connectionId, 'pool', poolRef) : connectionNodeId(t.connectionId));
  }
  if (parents.length === 0) return ids;
  return kept.length ? kept : [...new Set(parents)];
}

/** Keeps the selection on existing objects for as long as the window lives. */
export function useSelectParentOfVanished(): void {
  const store = useMirrorStoreApi();
  useEffect(() => {
    const check = (state: MirrorState) => {
      const next = withoutVanished(state);
      if (next !== state.selection.ids) state.select(next);
    };
    check(store.getState());
    return store.subscribe(check);
  }, [store]);
}
