/**
 * renderer/store: the renderer's mirror of every pool (zustand 5).
 *
 * Usage (the app creates ONE store, `appStore` below, provides it, and starts the sync once):
 *
 *   <MirrorStoreProvider store={appStore}>…</MirrorStoreProvider>      // App.tsx does this
 *   startMirrorSync(bridge, appStore)                                 // App.tsx does this
 *
 *   const vm = useRecord(connectionId, 'VM', ref);                    // one record, typed VMRecord
 *   const vms = useClassMap(connectionId, 'VM');                      // ReadonlyMap<ref, VMRecord>
 *   const vbdRefs = useIndexed(connectionId, 'vbdsByVm', vmRef);      // refs; see INDEX_DEFS in indexes.ts
 *   const vbds = useRecords(connectionId, 'VBD', vbdRefs);            // records of those refs
 *   const alerts = useIndexed(connectionId, 'messagesByObject', vm?.uuid);
 *   const selected = useSelectedObjects();                            // [{kind:'object', connectionId, cls, ref}]
 *   const connections = useConnections();                             // ConnectionInfo[]
 *   useMirror((s) => …) / useMirrorShallow((s) => …)                  // anything else; return stable values
 *
 * Outside React (actions, commands): `appStore.getState()` gives the same state;
 * `appStore.getState().select([objectId(c, 'VM', ref)])` selects. Ids of tree rows and selection entries
 * are built with `objectId(connectionId, cls, ref)` / `connectionNodeId(id)` and read with `parseObjectId`.
 *
 * Rules: records are immutable (never mutate one); a class map, a record and an index entry keep their
 * identity until a batch changes them, so select the narrowest value and let zustand compare.
 * Indexes: vmsByHost, snapshotsByVm, vbdsByVm, vbdsByVdi, vifsByVm, vifsByNetwork, pifsByHost,
 * pifsByNetwork, vdisBySr, pbdsBySr, pbdsByHost, messagesByObject and alertsByObject (by obj_uuid), and <class>ByUuid for
 * VM, host, SR, pool, VDI, network (uuid → [ref]).
 */
import { createMirrorStore } from './mirror-store';

export { applyBatch, emptyMirror, type ClassMap, type ConnectionMirror, type MirrorObjects } from './apply-batch';
export { INDEX_DEFS, INDEX_NAMES, type IndexName } from './indexes';
export { createMirrorStore, type MirrorState, type MirrorStore, type SelectionState } from './mirror-store';
export { connectionNodeId, containerNodeId, isNullRef, objectId, parseObjectId, targetId, type ConnectionTarget, type ContainerTarget, type ObjectId, type ObjectTarget, type Target } from './object-id';
export { startMirrorSync, type MirrorSyncOptions } from './sync';
export {
  EMPTY_REFS,
  MirrorStoreProvider,
  useActiveTab,
  useClassMap,
  useConnection,
  useConnectionMirror,
  useConnections,
  useIndexed,
  useMirror,
  useMirrorShallow,
  useMirrorStoreApi,
  useRecord,
  useRecords,
  useSelectedObjects,
  useSelectionIds,
} from './hooks';

/** The app's one store. Tests create their own with createMirrorStore(). */
export const appStore = createMirrorStore();
