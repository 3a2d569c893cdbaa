/** "Add server…" as an action, so the toolbar, the menu of connection rows and the keyboard share it. */
import { createElement } from 'react';
import type { MirrorState, Target } from '../../store';
import type { Action, ActionContext } from '../../actions/types';
import { AddServerDialog } from './AddServerDialog';
import type { ConnectionInfo } from '../../../shared/bridge';

export const addServer: Action = {
  id: 'connection.add',
  label: 'Add server…',
  icon: 'add-server',
  group: 'connection',
  keywords: ['connect to a pool', 'new connection', 'login'],
  // Not about the selection: always in the toolbar (XenCenter keeps it there), in menus of connection rows.
  global: true,
  needs: 'Always available.',
  appliesTo: (targets: Target[], _state: MirrorState) => targets.length === 0 || targets.every((t) => t.kind === 'connection' || (t.kind === 'object' && t.cls === 'pool')),
  disabledReason: () => undefined,
  run: (ctx) => runAddServer(ctx),
};

/** Add server with the fields a xendeck:// link gave (open-requests.tsx); the password is always the user's to type. */
export function addServerFilledIn(initial: { address: string; user?: string }): Action {
  return { ...addServer, run: (ctx) => runAddServer(ctx, initial) };
}

async function runAddServer(ctx: ActionContext, initial?: { address: string; user?: string }): Promise<void> {
  const added = await ctx.ui.dialog<ConnectionInfo>((done) => createElement(AddServerDialog, { onDone: done, initial }));
  if (added) ctx.ui.select([{ kind: 'connection', connectionId: added.id }]);
}
