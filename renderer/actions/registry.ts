/**
 * Every action of the main window, in menu order. The toolbar, the context menu, the command keys and
 * the command palette all read this one list.
 */
import type { MirrorState, Target } from '../store';
import type { Action } from './types';
import { CONNECTION_ACTIONS } from './connection-actions';
import { HOST_ACTIONS } from './host-actions';
import { newVm } from '../views/new-vm/new-vm-action';
import { VM_ACTIONS } from './vm-actions';
import { VM_PLACEMENT_ACTIONS } from './vm-placement-actions';
import { addServer } from '../views/connections/add-server-action';
import { takeSnapshotAction } from '../views/snapshots/snapshot-action';
import { HA_ACTIONS } from '../views/ha/ha-actions';
import { demoControls } from '../views/demo/demo-actions';
import { CONTAINER_ACTIONS } from '../views/containers/container-actions';
import { exportAlerts } from '../views/alerts/export-alerts';
import { MIGRATION_ACTIONS } from '../views/migration/migration-actions';
import { vmProperties } from '../views/vm-properties/vm-properties-action';

/** Menu order of the groups; within a group, the order actions are listed in below. */
const GROUP_ORDER: readonly Action['group'][] = ['connection', 'vm-power', 'vm-force', 'vm-manage', 'container', 'host', 'pool', 'create', 'demo', 'alerts'];

export const ACTIONS: readonly Action[] = [addServer, ...CONNECTION_ACTIONS, ...VM_ACTIONS, ...VM_PLACEMENT_ACTIONS, ...MIGRATION_ACTIONS, takeSnapshotAction, vmProperties, ...CONTAINER_ACTIONS, ...HOST_ACTIONS, ...HA_ACTIONS, newVm, demoControls, exportAlerts].sort(
  (a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group),
);

export const actionById = (id: string): Action | undefined => ACTIONS.find((a) => a.id === id);

/** The actions offered for a selection (enabled or not), in menu order; for an empty selection, the global ones. */
export function actionsFor(targets: Target[], state: MirrorState): Action[] {
  return ACTIONS.filter((a) => a.appliesTo(targets, state));
}
