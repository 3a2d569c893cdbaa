/** Connection actions on the tree's connection rows: connect, disconnect, forget, hide (demo pools). */
import type { ConnectionInfo } from '../../shared/bridge';
import type { MirrorState, Target } from '../store';
import { connectionName } from '../views/tree/connection-status';
import type { Action } from './types';

/** A connection row, or the pool row that stands for a connected pool in the tree (XenCenter's pool node). */
const isConnectionRow = (t: Target) => t.kind === 'connection' || (t.kind === 'object' && t.cls === 'pool');

function selectedConnections(targets: Target[], state: MirrorState): ConnectionInfo[] {
  const ids = new Set(targets.filter(isConnectionRow).map((t) => t.connectionId));
  return state.connections.filter((c) => ids.has(c.id));
}

const onlyConnections = (targets: Target[], state: MirrorState) => targets.length > 0 && targets.every(isConnectionRow) && selectedConnections(targets, state).length > 0;

const NEEDS_CONNECTIONS = 'Select a pool or server connection in the tree.';
const names = (cs: ConnectionInfo[]) => cs.map(connectionName).join(', ');

export const connectConnection: Action = {
  id: 'connection.connect',
  label: 'Connect',
  icon: 'connect',
  group: 'connection',
  keywords: ['reconnect', 'log in'],
  needs: NEEDS_CONNECTIONS,
  appliesTo: onlyConnections,
  disabledReason: (targets, state) => {
    const cs = selectedConnections(targets, state);
    return cs.some((c) => c.status.state === 'disconnected') ? undefined : `${names(cs)} ${cs.length === 1 ? 'is' : 'are'} already connected or connecting.`;
  },
  async run(ctx) {
    await Promise.all(
      selectedConnections(ctx.targets, ctx.state)
        .filter((c) => c.status.state === 'disconnected')
        .map((c) => ctx.bridge.request('connections.connect', { id: c.id })),
    );
  },
};

export const disconnectConnection: Action = {
  id: 'connection.disconnect',
  label: 'Disconnect',
  icon: 'disconnect',
  group: 'connection',
  keywords: ['log out', 'close connection'],
  needs: NEEDS_CONNECTIONS,
  appliesTo: onlyConnections,
  disabledReason: (targets, state) => {
    const cs = selectedConnections(targets, state);
    return cs.some((c) => c.status.state !== 'disconnected') ? undefined : `${names(cs)} ${cs.length === 1 ? 'is' : 'are'} already disconnected.`;
  },
  async run(ctx) {
    await Promise.all(
      selectedConnections(ctx.targets, ctx.state)
        .filter((c) => c.status.state !== 'disconnected')
        .map((c) => ctx.bridge.request('connections.disconnect', { id: c.id })),
    );
    // The pool row goes with the pool's objects: keep the connection row selected instead.
    ctx.ui.select(selectedConnections(ctx.targets, ctx.state).map((c) => ({ kind: 'connection', connectionId: c.id })));
  },
};

export const forgetConnection: Action = {
  id: 'connection.forget',
  label: 'Forget…',
  icon: 'forget',
  group: 'connection',
  toolbar: 'none',
  danger: true,
  keywords: ['remove server'],
  needs: NEEDS_CONNECTIONS,
  appliesTo: onlyConnections,
  // Demo pools are part of the app: they are hidden, not forgotten.
  disabledReason: (targets, state) => (selectedConnections(targets, state).some((c) => !c.demo) ? undefined : 'Demo pools are part of XenDeck: hide them instead (Hide demo pool).'),
  async run(ctx) {
    const forget = selectedConnections(ctx.targets, ctx.state).filter((c) => !c.demo);
    const names = forget.map(connectionName).join(', ');
    const ok = await ctx.ui.confirm({
      title: forget.length === 1 ? `Forget ${names}?` : `Forget ${forget.length} servers?`,
      message: `XenDeck disconnects from ${names} and forgets the address and any saved password. The pool itself is not changed.`,
      confirmLabel: 'Forget',
      danger: true,
    });
    if (!ok) return;
    // Their rows leave the selection with them (the store drops what belongs to connections that are gone);
    // clearing it here, once the requests answer, would also drop what the user selected meanwhile.
    await Promise.all(forget.map((c) => ctx.bridge.request('connections.forget', { id: c.id })));
  },
};

export const hideConnection: Action = {
  id: 'connection.hide',
  label: 'Hide demo pool',
  icon: 'hide',
  group: 'connection',
  toolbar: 'none',
  needs: 'Select a demo pool in the tree.',
  appliesTo: (targets, state) => onlyConnections(targets, state) && selectedConnections(targets, state).every((c) => c.demo),
  disabledReason: (targets, state) => (selectedConnections(targets, state).some((c) => c.demo && !c.hidden) ? undefined : 'It is hidden already.'),
  async run(ctx) {
    await Promise.all(selectedConnections(ctx.targets, ctx.state).map((c) => ctx.bridge.request('connections.setHidden', { id: c.id, hidden: true })));
    ctx.ui.select([]);
  },
};

/** Brings hidden demo pools back (offered with nothing selected, as Add server is, once one is hidden). */
export const showDemoPools: Action = {
  id: 'connection.showDemos',
  label: 'Show demo pools',
  icon: 'connect',
  group: 'connection',
  needs: 'Only offered once a demo pool is hidden, with nothing selected.',
  appliesTo: (targets, state) => targets.length === 0 && state.connections.some((c) => c.demo && c.hidden),
  disabledReason: () => undefined,
  async run(ctx) {
    await Promise.all(ctx.state.connections.filter((c) => c.demo && c.hidden).map((c) => ctx.bridge.request('connections.setHidden', { id: c.id, hidden: false })));
  },
};

export const CONNECTION_ACTIONS: Action[] = [connectConnection, disconnectConnection, forgetConnection, hideConnection, showDemoPools];
