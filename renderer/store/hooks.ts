/**
 * React access to the app's MirrorStore. Every hook selects one narrow, reference-stable value (a record,
 * a class map, an index entry), so a batch re-renders only the components whose value changed. Missing
 * values are shared empty constants, never fresh `[]` or `{}` (which zustand 5 would see as a change on
 * every render).
 */
import { createContext, createElement, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionInfo } from '../../shared/bridge';
import type { XapiClassName, XapiRecordByClass } from '../../shared/xapi/generated/records';
import type { ClassMap, ConnectionMirror } from './apply-batch';
import type { IndexName } from './indexes';
import type { MirrorState, MirrorStore } from './mirror-store';
import { parseObjectId, type ObjectId, type ObjectTarget } from './object-id';

export const EMPTY_REFS: readonly string[] = Object.freeze([]);
const EMPTY_MAP: ReadonlyMap<string, never> = new Map<string, never>();

const StoreContext = createContext<MirrorStore | undefined>(undefined);

export function MirrorStoreProvider({ store, children }: { store: MirrorStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children);
}

export function useMirrorStoreApi(): MirrorStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useMirror…() outside <MirrorStoreProvider>');
  return store;
}

/** Any selection of the state; the selector must return a stable value (or use `useMirrorShallow`). */
export function useMirror<T>(selector: (state: MirrorState) => T): T {
  return useStore(useMirrorStoreApi(), selector);
}

/** A selection compared shallowly: for small derived arrays or objects built in the selector. */
export function useMirrorShallow<T>(selector: (state: MirrorState) => T): T {
  return useStore(useMirrorStoreApi(), useShallow(selector));
}

export const useConnections = (): readonly ConnectionInfo[] => useMirror((s) => s.connections);

export const useConnection = (id: string | undefined): ConnectionInfo | undefined => useMirror((s) => (id ? s.connections.find((c) => c.id === id) : undefined));

export const useConnectionMirror = (connectionId: string | undefined): ConnectionMirror | undefined =>
  useMirror((s) => (connectionId ? s.mirrors[connectionId] : undefined));

/** One record; re-renders only when that record changes. */
export function useRecord<C extends XapiClassName>(connectionId: string | undefined, cls: C, ref: string | undefined): XapiRecordByClass[C] | undefined {
  return useMirror((s) => (connectionId && ref ? (s.mirrors[connectionId]?.objects[cls] as ClassMap<C> | undefined)?.get(ref) : undefined));
}

/** All records of one class of a connection (a new map only when a record of that class changed). */
export function useClassMap<C extends XapiClassName>(connectionId: string | undefined, cls: C): ClassMap<C> {
  return useMirror((s) => (connectionId ? (s.mirrors[connectionId]?.objects[cls] as ClassMap<C> | undefined) : undefined) ?? EMPTY_MAP);
}

/** Refs filed under `key` in an index, e.g. `useIndexed(c, 'vbdsByVm', vmRef)`. */
export function useIndexed(connectionId: string | undefined, index: IndexName, key: string | undefined): readonly string[] {
  return useMirror((s) => (connectionId && key ? s.mirrors[connectionId]?.indexes[index].get(key) : undefined) ?? EMPTY_REFS);
}

/** Records of the given refs (those that exist), compared shallowly so an unrelated batch does not re-render. */
export function useRecords<C extends XapiClassName>(connectionId: string | undefined, cls: C, refs: readonly string[]): XapiRecordByClass[C][] {
  return useMirrorShallow((s) => {
    const map = connectionId ? (s.mirrors[connectionId]?.objects[cls] as ClassMap<C> | undefined) : undefined;
    const out: XapiRecordByClass[C][] = [];
    if (map) for (const ref of refs) {
      const r = map.get(ref);
      if (r) out.push(r);
    }
    return out;
  });
}

export const useSelectionIds = (): readonly ObjectId[] => useMirror((s) => s.selection.ids);

/** The selected XAPI objects (connections and group rows left out), in selection order. */
export function useSelectedObjects(): ObjectTarget[] {
  const ids = useSelectionIds();
  // Same array for as long as the selection is the same.
  return useMemo(() => ids.map(parseObjectId).filter((t): t is ObjectTarget => t?.kind === 'object'), [ids]);
}

export const useActiveTab = (id: ObjectId | undefined): string | undefined => useMirror((s) => (id ? s.activeTabs[id] : undefined));
