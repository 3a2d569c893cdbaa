/**
 * "Properties" for one VM: the toolbar, the context menu, the command palette and Alt+Enter (the Windows
 * shortcut for an item's properties) open VM Properties. The General tab's links pass the page to open as
 * the action's choice ("containers").
 */
import { createElement } from 'react';
import type { Action } from '../../actions/types';
import { onlyVms, selectedVms } from '../../actions/targets';
import { VmPropertiesDialog } from './VmPropertiesDialog';
import type { PageId } from './properties-draft';

export const VM_PROPERTIES_ACTION_ID = 'vm.properties';

const PAGES: readonly PageId[] = ['general', 'cpu', 'boot', 'home', 'containers'];

export const vmProperties: Action = {
  id: VM_PROPERTIES_ACTION_ID,
  label: 'Properties',
  icon: 'properties',
  group: 'vm-manage',
  toolbar: 'icon',
  keys: { key: 'Enter', alt: true },
  keywords: ['settings', 'edit', 'rename', 'description', 'tags', 'vcpus', 'cpu', 'boot order', 'home server', 'affinity', 'container management', 'docker'],
  needs: 'Select one VM (not a template) in the tree.',
  appliesTo: (targets, state) => onlyVms(targets, state) && targets.length === 1,
  disabledReason: () => undefined,
  async run(ctx) {
    const [vm] = selectedVms(ctx.targets, ctx.state);
    if (!vm) return;
    const initialPage = PAGES.find((p) => p === ctx.choice);
    await ctx.ui.dialog<true>((done) => createElement(VmPropertiesDialog, { connectionId: vm.target.connectionId, vmRef: vm.target.ref, initialPage, onDone: () => done(true) }));
  },
};
