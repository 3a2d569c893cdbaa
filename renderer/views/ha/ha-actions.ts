/**
 * The pool's HA commands, as XenCenter's HAConfigureCommand and HADisableCommand: "Configure HA…" opens
 * the wizard when HA is off and the edit dialog when it is on; "Disable HA" asks first, saying what the
 * pool loses. Both are in the pool's context menu, the command palette and the HA tab; Configure HA is
 * also on the toolbar when a pool is selected.
 */
import { createElement } from 'react';
import type { Action, ActionContext } from '../../actions/types';
import type { MirrorState, ObjectTarget, Target } from '../../store';
import { poolOf } from './ha-plan-model';
import { configureHaReason, disableHaReason, haStatus } from './ha-status';
import { disableHaSteps, editHaSteps, enableHaSteps, type PoolTarget } from './ha-steps';
import { runHaSteps } from './ha-run';
import { HaWizard, type HaEnableChoice } from './HaWizard';
import { EditHaPrioritiesDialog, type HaEditChoice } from './EditHaPrioritiesDialog';
import { noteHaSwitchedOn } from './ha-enabled-since';

interface SelectedPool {
  target: ObjectTarget;
  connectionId: string;
  name: string;
}

/** The selection when it is exactly one pool of a loaded, connected connection. */
function selectedPool(targets: Target[], state: MirrorState): SelectedPool | undefined {
  if (targets.length !== 1) return undefined;
  const [t] = targets;
  if (t.kind !== 'object' || t.cls !== 'pool') return undefined;
  const mirror = state.mirrors[t.connectionId];
  const pool = mirror?.objects.pool?.get(t.ref);
  if (!pool) return undefined;
  const connection = state.connections.find((c) => c.id === t.connectionId);
  return { target: t, connectionId: t.connectionId, name: pool.name_label || connection?.label || connection?.address || 'the pool' };
}

const isOnePool = (targets: Target[], state: MirrorState) => Boolean(selectedPool(targets, state));

function connectedReason(p: SelectedPool, state: MirrorState): string | undefined {
  const connection = state.connections.find((c) => c.id === p.connectionId);
  return connection?.status.state === 'connected' ? undefined : `${p.name} is not connected.`;
}

const poolTarget = (p: SelectedPool): PoolTarget => ({ ref: p.target.ref, name: p.name });

async function configure(ctx: ActionContext, p: SelectedPool): Promise<void> {
  const pool = poolOf(ctx.state.mirrors[p.connectionId])?.[1];
  if (pool?.ha_enabled) {
    const choice = await ctx.ui.dialog<HaEditChoice>((done) => createElement(EditHaPrioritiesDialog, { connectionId: p.connectionId, poolName: p.name, state: ctx.getState(), onDone: done }));
    if (choice) await runHaSteps(ctx.bridge, p.connectionId, 'Save HA restart priorities', editHaSteps(poolTarget(p), choice.changed, choice.ntol));
    return;
  }
  const choice = await ctx.ui.dialog<HaEnableChoice>((done) => createElement(HaWizard, { connectionId: p.connectionId, poolName: p.name, state: ctx.getState(), onDone: done }));
  if (!choice) return;
  const outcome = await runHaSteps(ctx.bridge, p.connectionId, 'Enable HA', enableHaSteps(poolTarget(p), choice.changed, choice.ntol, choice.sr));
  if (outcome.status === 'success') noteHaSwitchedOn(p.connectionId);
}

export const configureHa: Action = {
  id: 'pool.configureHa',
  label: 'Configure HA…',
  icon: 'ha',
  group: 'pool',
  keywords: ['high availability', 'HA', 'restart priority', 'failover', 'heartbeat', 'edit priorities'],
  needs: 'Select a pool in the tree.',
  appliesTo: isOnePool,
  disabledReason: (targets, state) => {
    const p = selectedPool(targets, state);
    if (!p) return 'Select a pool in the tree.';
    return connectedReason(p, state) ?? configureHaReason(state.mirrors[p.connectionId], p.name);
  },
  async run(ctx) {
    const p = selectedPool(ctx.targets, ctx.state);
    if (p) await configure(ctx, p);
  },
};

export const disableHa: Action = {
  id: 'pool.disableHa',
  label: 'Disable HA…',
  icon: 'ha-off',
  group: 'pool',
  danger: true,
  toolbar: 'none',
  keywords: ['high availability', 'HA', 'turn off HA'],
  needs: 'Select a pool in the tree.',
  appliesTo: isOnePool,
  disabledReason: (targets, state) => {
    const p = selectedPool(targets, state);
    if (!p) return 'Select a pool in the tree.';
    return connectedReason(p, state) ?? disableHaReason(state.mirrors[p.connectionId], p.name);
  },
  async run(ctx) {
    const p = selectedPool(ctx.targets, ctx.state);
    if (!p) return;
    const status = haStatus(ctx.state.mirrors[p.connectionId] ?? { objects: {} }, p.name);
    const restart = status?.protectedVms.filter((v) => v.priority === 'restart').length ?? 0;
    const ok = await ctx.ui.confirm({
      title: `Disable HA on ${p.name}?`,
      confirmLabel: 'Disable HA',
      danger: true,
      message: createElement(
        'div',
        { className: 'ha-disable-message' },
        createElement('p', null, `Are you sure you want to disable HA for pool ‘${p.name}’? While HA is off:`),
        createElement(
          'ul',
          null,
          createElement('li', null, `No VM is restarted when a server fails${restart ? ` (${restart} ${restart === 1 ? 'VM is' : 'VMs are'} set to Restart now)` : ''}.`),
          createElement('li', null, 'If the pool master fails, no other server takes over: the pool cannot be managed until the master is back.'),
        ),
        createElement('p', null, 'The restart priorities, start order and delays stay as they are: Configure HA turns HA on again with the same plan.'),
      ),
    });
    if (ok) await runHaSteps(ctx.bridge, p.connectionId, 'Disable HA', disableHaSteps(poolTarget(p)));
  },
};

export const HA_ACTIONS: Action[] = [configureHa, disableHa];
