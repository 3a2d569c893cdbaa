/** "Take snapshot…" as an action (toolbar, context menu, palette, Ctrl+Shift+S), opening the Snapshots tab's dialog. */
import { createElement } from 'react';
import type { Action } from '../../actions/types';
import { onlyVms, selectedVms } from '../../actions/targets';
import { vmsReason } from '../../actions/vm-actions';
import { TakeSnapshotDialog } from './TakeSnapshotDialog';

export const takeSnapshotAction: Action = {
  id: 'vm.snapshot',
  label: 'Take snapshot…',
  icon: 'snapshot',
  group: 'vm-manage',
  toolbar: 'icon',
  keys: { key: 's', ctrl: true, shift: true },
  keywords: ['snapshot', 'checkpoint', 'backup'],
  needs: 'Select one VM (not a template) in the tree.',
  appliesTo: (targets, state) => onlyVms(targets, state) && targets.length === 1,
  disabledReason: (targets, state) => vmsReason(targets, state, ['snapshot', 'checkpoint']),
  async run(ctx) {
    const [vm] = selectedVms(ctx.targets, ctx.state);
    if (!vm) return;
    await ctx.ui.dialog<void>((done) => createElement(TakeSnapshotDialog, { connectionId: vm.target.connectionId, vmRef: vm.target.ref, vm: vm.record, onClose: () => done(undefined) }));
  },
};
