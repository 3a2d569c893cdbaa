/**
 * When selected objects disappear (a VM deleted here or by another client), the selection moves to what
 * held them, as XenCenter's tree does: the pool of their connection (or the connection row of a
 * standalone host), instead of a pane saying the object no longer exists; a Docker container that its VM
 * no longer lists (the VM stopped, the container was removed) gives way to its VM. Objects of a pool that
 * is not loaded (reconnecting) are left alone: they are not gone, only not known yet.
 */
import { useEffect } from 'react';
import type { MirrorState } from './mirror-store';
import { useMirrorStoreApi } from './hooks';
import { resolveContainer } from '../views/containers/vm-containers';
import { connectionNodeId, objectId, parseObjectId, type ObjectId } from './object-id';

function poolOf(connectionId: string, mirror: MirrorState['mirrors'][string]): ObjectId {
  const poolRef = mirror.objects.pool?.keys().next().value;
  return poolRef ? objectId(connectionId, 'pool', poolRef) : connectionNodeId(connectionId);
}

/** The selection with vanished objects replaced by their pool; the same array when nothing vanished. */
export function withoutVanished(state: MirrorState): readonly ObjectId[] {
  const ids = state.selection.ids;
  const kept: ObjectId[] = [];
  const parents: ObjectId[] = [];
  for (const id of ids) {
    const t = parseObjectId(id);
    const mirror = t ? state.mirrors[t.connectionId] : undefined;
    if (t?.kind === 'container' && mirror?.loaded && !resolveContainer(state, t)) {
      parents.push(mirror.objects.VM?.has(t.vmRef) ? objectId(t.connectionId, 'VM', t.vmRef) : poolOf(t.connectionId, mirror));
      continue;
    }
    if (t?.kind !== 'object' || !mirror?.loaded || mirror.objects[t.cls]?.has(t.ref)) {
      kept.push(id);
      continue;
    }
    parents.push(poolOf(t.connectionId, mirror));
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
