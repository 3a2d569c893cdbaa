/**
 * Every action of the main window, in menu order. The toolbar, the context menu, the command keys and
 * the command palette all read this one list.
 */
import type { MirrorState, Target } from '../store';
import type { Action } from './types';
import { CONNECTION_ACTIONS } from './connection-actions';
import { HOST_ACTIONS } from './host-actions';
import { newVm } from './new-vm';
import { VM_ACTIONS } from './vm-actions';
import { addServer } from '../views/connections/add-server-action';

export const ACTIONS: readonly Action[] = [addServer, ...CONNECTION_ACTIONS, ...VM_ACTIONS, ...HOST_ACTIONS, newVm];

export const actionById = (id: string): Action | undefined => ACTIONS.find((a) => a.id === id);

/** The actions offered for a selection (enabled or not), in menu order. */
export function actionsFor(targets: Target[], state: MirrorState): Action[] {
  return ACTIONS.filter((a) => a.appliesTo(targets, state));
}
