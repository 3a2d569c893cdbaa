/**
 * The renderer's state of every pool: a zustand store holding the connections, one normalized mirror
 * per connection (records by class then ref, with derived indexes), the selection and the active tab of
 * each object. One `mirror.batch` is one `set`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectionInfo, MirrorBatch } from '../../shared/bridge';
import { applyBatch, type ConnectionMirror } from './apply-batch';
import { sanitiseConnections } from './sanitise-connections';
import { parseObjectId, type ObjectId } from './object-id';

export interface SelectionState {
  /** Selected rows in the order they were selected; the first is the "primary" shown in the tabs. */
  ids: readonly ObjectId[];
  /** Where a Shift+click or Shift+arrow range starts. */
  anchor: ObjectId | undefined;
}

export interface MirrorState {
  connections: readonly ConnectionInfo[];
  /** True once `connections.list` answered (or `connections.changed` arrived). */
  connectionsLoaded: boolean;
  mirrors: Readonly<Record<string, ConnectionMirror>>;
  selection: SelectionState;
  /** Tab chosen by the user per object (or per connection), remembered while the app runs. */
  activeTabs: Readonly<Record<ObjectId, string>>;

  setConnections(connections: readonly ConnectionInfo[]): void;
  applyBatch(batch: MirrorBatch): void;
  /** Forgets a connection's objects (it was forgotten, or its data must be reloaded). */
  dropMirror(connectionId: string): void;
  select(ids: readonly ObjectId[], anchor?: ObjectId): void;
  toggleSelected(id: ObjectId): void;
  setActiveTab(id: ObjectId, tab: string): void;
}

export type MirrorStore = StoreApi<MirrorState>;

const NO_SELECTION: SelectionState = { ids: [], anchor: undefined };

/** The selection without rows of connections not in `connectionIds` (the same object when nothing goes). */
function withoutConnectionsOtherThan(selection: SelectionState, connectionIds: ReadonlySet<string>): SelectionState {
  const ids = selection.ids.filter((id) => {
    const target = parseObjectId(id);
    return !target || connectionIds.has(target.connectionId);
  });
  if (ids.length === selection.ids.length) return selection;
  return { ids, anchor: selection.anchor !== undefined && ids.includes(selection.anchor) ? selection.anchor : ids[ids.length - 1] };
}

export function createMirrorStore(): MirrorStore {
  return createStore<MirrorState>()((set) => ({
    connections: [],
    connectionsLoaded: false,
    mirrors: {},
    selection: NO_SELECTION,
    activeTabs: {},

    setConnections: (received) =>
      set((s) => {
        const connections = sanitiseConnections(received);
        // Objects of connections that no longer exist (forgotten) go with them, from the mirror and the selection.
        const ids = new Set(connections.map((c) => c.id));
        const stale = Object.keys(s.mirrors).filter((id) => !ids.has(id));
        const selection = withoutConnectionsOtherThan(s.selection, ids);
        if (!stale.length) return { connections, connectionsLoaded: true, selection };
        const mirrors = { ...s.mirrors };
        for (const id of stale) delete mirrors[id];
        return { connections, connectionsLoaded: true, mirrors, selection };
      }),

    applyBatch: (batch) => {
      let completesLoad = false;
      set((s) => {
        const before = s.mirrors[batch.connectionId];
        const after = applyBatch(before, batch);
        completesLoad = after.loaded && (Boolean(batch.reset) || before?.loaded === false);
        return { mirrors: { ...s.mirrors, [batch.connectionId]: after } };
      });
      // A mark in the page's performance timeline (DevTools, the `ui` bench): when a full load (its last chunk) was applied.
      if (completesLoad) globalThis.performance?.mark?.('xendeck:mirror-loaded', { detail: batch.connectionId });
    },

    dropMirror: (connectionId) =>
      set((s) => {
        if (!(connectionId in s.mirrors)) return {};
        const mirrors = { ...s.mirrors };
        delete mirrors[connectionId];
        return { mirrors };
      }),

    select: (ids, anchor) => set({ selection: { ids: [...new Set(ids)], anchor: anchor ?? ids[ids.length - 1] } }),

    toggleSelected: (id) =>
      set((s) => {
        const has = s.selection.ids.includes(id);
        return { selection: { ids: has ? s.selection.ids.filter((x) => x !== id) : [...s.selection.ids, id], anchor: id } };
      }),

    setActiveTab: (id, tab) => set((s) => (s.activeTabs[id] === tab ? {} : { activeTabs: { ...s.activeTabs, [id]: tab } })),
  }));
}
