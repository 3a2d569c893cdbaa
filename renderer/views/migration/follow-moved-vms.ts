/**
 * A VM that crossed to another pool is a new object there (new ref, another connection, the same uuid).
 * When a selected VM leaves its pool and a VM with its uuid appears in another connected pool within a
 * minute, the selection follows it there, on the same tab: its console connects to the new host and its
 * graphs read the new host's data, whoever moved it (this window, another client). Meanwhile the
 * selection shows the old pool (store/vanished-selection.ts); if the user selects something else, it stays.
 */
import { useEffect } from 'react';
import { useMirrorStoreApi } from '../../store/hooks';
import type { MirrorState } from '../../store/mirror-store';
import { connectionNodeId, objectId, parseObjectId, type ObjectId } from '../../store/object-id';

const FOLLOW_FOR_MS = 60_000;

interface Seen {
  connectionId: string;
  uuid: string;
}

interface Leaving extends Seen {
  from: ObjectId;
  tab: string | undefined;
  until: number;
}

/** What the selection shows while the VM is between pools: the VM itself, or its old pool (or connection). */
function stillOnTheWay(state: MirrorState, leaving: Leaving): boolean {
  const ids = state.selection.ids;
  if (ids.length === 0) return true;
  if (ids.length !== 1) return false;
  if (ids[0] === leaving.from || ids[0] === connectionNodeId(leaving.connectionId)) return true;
  const t = parseObjectId(ids[0]);
  return t?.kind === 'object' && t.cls === 'pool' && t.connectionId === leaving.connectionId;
}

/** Follows selected VMs to the pool they moved to; state kept in the closure for the window's life. */
export function followMovedVms(store: { getState(): MirrorState; subscribe(l: (s: MirrorState) => void): () => void }, now: () => number = Date.now): () => void {
  const seen = new Map<ObjectId, Seen>();
  const leaving: Leaving[] = [];
  const check = (state: MirrorState) => {
    const selected = new Set(state.selection.ids);
    // Remember what the selected VMs are while they are here.
    for (const id of selected) {
      const t = parseObjectId(id);
      if (t?.kind !== 'object' || t.cls !== 'VM') continue;
      const vm = state.mirrors[t.connectionId]?.objects.VM?.get(t.ref);
      if (vm && !vm.is_a_snapshot && !vm.is_a_template) seen.set(id, { connectionId: t.connectionId, uuid: vm.uuid });
    }
    for (const [id, s] of seen) {
      const t = parseObjectId(id);
      const mirror = state.mirrors[s.connectionId];
      if (t?.kind === 'object' && mirror?.loaded && !mirror.objects.VM?.has(t.ref)) {
        leaving.push({ ...s, from: id, tab: state.activeTabs[id], until: now() + FOLLOW_FOR_MS });
        seen.delete(id);
      } else if (!selected.has(id)) seen.delete(id);
    }
    for (let i = leaving.length - 1; i >= 0; i--) {
      const l = leaving[i];
      if (l.until < now() || !stillOnTheWay(state, l)) {
        leaving.splice(i, 1);
        continue;
      }
      for (const [connectionId, mirror] of Object.entries(state.mirrors)) {
        if (connectionId === l.connectionId) continue;
        const ref = mirror.indexes.vmByUuid.get(l.uuid)?.[0];
        if (!ref) continue;
        leaving.splice(i, 1);
        const id = objectId(connectionId, 'VM', ref);
        if (l.tab) state.setActiveTab(id, l.tab);
        state.select([id]);
        return;
      }
    }
  };
  check(store.getState());
  return store.subscribe(check);
}

/** Keeps the selection on VMs that move between pools, for as long as the window lives. */
export function useFollowMovedVms(): void {
  const store = useMirrorStoreApi();
  useEffect(() => followMovedVms(store), [store]);
}
