/**
 * VM lifecycle actions. Each is offered when the selection is VMs and enabled when XAPI's
 * allowed_operations permits it on at least one of them (else disabled with the reason, from
 * disabled-reasons.ts); it then runs on those that permit it (as XenCenter does on a mixed selection),
 * one Async call and one task per VM.
 */
import { createElement } from 'react';
import type { EnumVmOperations, VMRecord } from '../../shared/xapi/generated/records';
import type { Action, ActionContext, KeyBinding } from './types';
import type { ActionIconName } from './ActionIcon';
import { callRecorded, launchEach, resultRef, waitForTask, type AsyncCall } from './run-tasks';
import { onlyVms, selectedVms, vmAllows, type Resolved } from './targets';
import { selectionReason, vmOperationReason } from './disabled-reasons';
import type { MirrorState, Target } from '../store';
import { DeleteVmDialog, type DeleteVmChoice } from './dialogs/DeleteVmDialog';
import { CopyVmWizard, type CopyVmChoice } from '../views/copy-vm/CopyVmWizard';
import { describeError } from '../errors';

interface PowerSpec {
  id: string;
  label: string;
  icon: ActionIconName;
  group: Action['group'];
  op: EnumVmOperations;
  method: string;
  /** Arguments after the VM ref (start_paused, force…). */
  extra?: unknown[];
  keys?: KeyBinding;
  toolbar?: Action['toolbar'];
  pairedWith?: string;
  keywords?: readonly string[];
  confirm?: { title: (n: number) => string; message: (names: string) => string; confirmLabel: string };
}

const names = (vms: Resolved<VMRecord>[]) => vms.map((v) => v.record.name_label).join(', ');

export const NEEDS_VMS = 'Select one or more VMs (not templates) in the tree.';

/** Why none of the selected VMs allows `op` (undefined when one does). */
export function vmsReason(targets: Target[], state: MirrorState, op: EnumVmOperations | readonly EnumVmOperations[]): string | undefined {
  const ops = typeof op === 'string' ? [op] : op;
  const vms = selectedVms(targets, state);
  if (vms.some((v) => ops.some((o) => vmAllows(v.record, o)))) return undefined;
  return selectionReason(vms.map((v) => vmOperationReason(v.record, ops[0])).filter((r): r is string => Boolean(r)), 'VMs');
}

function callsFor(vms: Resolved<VMRecord>[], title: string, method: string, extra: unknown[] = []): AsyncCall[] {
  return vms.map(({ target, record }) => ({
    connectionId: target.connectionId,
    title,
    targetName: record.name_label,
    targetRef: target.ref,
    method,
    params: [target.ref, ...extra],
  }));
}

function powerAction(spec: PowerSpec): Action {
  const allowed = (ctx: Pick<ActionContext, 'targets' | 'state'>) => selectedVms(ctx.targets, ctx.state).filter((v) => vmAllows(v.record, spec.op));
  return {
    id: spec.id,
    label: spec.label,
    icon: spec.icon,
    group: spec.group,
    keys: spec.keys,
    toolbar: spec.toolbar,
    pairedWith: spec.pairedWith,
    danger: Boolean(spec.confirm),
    keywords: spec.keywords,
    needs: NEEDS_VMS,
    appliesTo: onlyVms,
    disabledReason: (targets, state) => vmsReason(targets, state, spec.op),
    async run(ctx) {
      const vms = allowed(ctx);
      if (vms.length === 0) return;
      if (spec.confirm) {
        const ok = await ctx.ui.confirm({ title: spec.confirm.title(vms.length), message: spec.confirm.message(names(vms)), confirmLabel: spec.confirm.confirmLabel, danger: true });
        if (!ok) return;
      }
      await launchEach(ctx.bridge, callsFor(vms, spec.label, spec.method, spec.extra));
    },
  };
}

export const startVm = powerAction({ id: 'vm.start', label: 'Start', icon: 'start', group: 'vm-power', op: 'start', method: 'VM.start', extra: [false, false], keys: { key: 'b', ctrl: true }, keywords: ['power on', 'boot'] });
export const rebootVm = powerAction({ id: 'vm.reboot', label: 'Reboot', icon: 'reboot', group: 'vm-power', op: 'clean_reboot', method: 'VM.clean_reboot', keys: { key: 'r', ctrl: true }, keywords: ['restart'] });
export const suspendVm = powerAction({ id: 'vm.suspend', label: 'Suspend', icon: 'suspend', group: 'vm-power', op: 'suspend', method: 'VM.suspend', keys: { key: 'y', ctrl: true }, keywords: ['sleep', 'hibernate'] });
export const resumeVm = powerAction({ id: 'vm.resume', label: 'Resume', icon: 'resume', group: 'vm-power', op: 'resume', method: 'VM.resume', extra: [false, false], pairedWith: 'vm.suspend', keys: { key: 'y', ctrl: true, shift: true } });
export const pauseVm = powerAction({ id: 'vm.pause', label: 'Pause', icon: 'pause', group: 'vm-power', op: 'pause', method: 'VM.pause', keywords: ['freeze'] });
export const unpauseVm = powerAction({ id: 'vm.unpause', label: 'Unpause', icon: 'resume', group: 'vm-power', op: 'unpause', method: 'VM.unpause', pairedWith: 'vm.pause' });
export const forceShutdownVm = powerAction({
  id: 'vm.forceShutdown', label: 'Force shut down', icon: 'force-shutdown', group: 'vm-force', op: 'hard_shutdown', method: 'VM.hard_shutdown', toolbar: 'icon',
  confirm: {
    title: (n) => (n === 1 ? 'Force shut down this VM?' : `Force shut down ${n} VMs?`),
    message: (n) => `${n} will be switched off at once, like pulling the power cable. Unsaved work in the guest is lost.`,
    confirmLabel: 'Force shut down',
  },
});
export const forceRebootVm = powerAction({
  id: 'vm.forceReboot', label: 'Force reboot', icon: 'force-reboot', group: 'vm-force', op: 'hard_reboot', method: 'VM.hard_reboot', toolbar: 'icon',
  confirm: {
    title: (n) => (n === 1 ? 'Force reboot this VM?' : `Force reboot ${n} VMs?`),
    message: (n) => `${n} will be reset at once, like pressing the reset button. Unsaved work in the guest is lost.`,
    confirmLabel: 'Force reboot',
  },
});

/**
 * Shut down: a clean shutdown first (the guest is asked through its PV drivers); the VMs that do not
 * go down cleanly are offered a forced shutdown, with the pool's reason for each.
 */
export const shutdownVm: Action = {
  id: 'vm.shutdown',
  label: 'Shut down',
  icon: 'shutdown',
  group: 'vm-power',
  keys: { key: 'e', ctrl: true },
  keywords: ['power off', 'stop'],
  needs: NEEDS_VMS,
  appliesTo: onlyVms,
  disabledReason: (targets, state) => vmsReason(targets, state, 'clean_shutdown'),
  async run(ctx) {
    const vms = selectedVms(ctx.targets, ctx.state).filter((v) => vmAllows(v.record, 'clean_shutdown'));
    const refs = await launchEach(ctx.bridge, callsFor(vms, 'Shut down', 'VM.clean_shutdown'));
    const outcomes = await Promise.all(refs.map((ref, i) => (ref ? waitForTask(vms[i].target.connectionId, ref).then((o) => ({ vm: vms[i], o })) : undefined)));
    const stuck = outcomes.filter((x): x is NonNullable<typeof x> => Boolean(x && x.o.status === 'failure'));
    if (stuck.length === 0) return;
    const ok = await ctx.ui.confirm({
      title: stuck.length === 1 ? `${stuck[0].vm.record.name_label} did not shut down` : `${stuck.length} VMs did not shut down`,
      message: createElement(
        'div',
        null,
        createElement('p', null, 'The guest did not complete a clean shutdown. You can switch it off instead; unsaved work in the guest is lost.'),
        createElement(
          'ul',
          null,
          stuck.map(({ vm, o }) => createElement('li', { key: vm.target.ref }, `${vm.record.name_label}: ${describeError(o.error).title} `, createElement('span', { className: 'error-code' }, o.error?.code))),
        ),
      ),
      confirmLabel: 'Force shut down',
      danger: true,
    });
    if (!ok) return;
    const now = stuck.map((s) => s.vm).filter((v) => {
      const fresh = selectedVms([v.target], ctx.getState())[0];
      return fresh && vmAllows(fresh.record, 'hard_shutdown');
    });
    await launchEach(ctx.bridge, callsFor(now, 'Force shut down', 'VM.hard_shutdown'));
  },
};

/** Delete: halted VMs only (XAPI refuses otherwise); the dialog lets the user keep or delete each disk. */
export const deleteVm: Action = {
  id: 'vm.delete',
  label: 'Delete…',
  icon: 'delete',
  group: 'vm-manage',
  toolbar: 'icon',
  danger: true,
  keys: { key: 'Delete' },
  keywords: ['remove', 'destroy'],
  needs: NEEDS_VMS,
  appliesTo: onlyVms,
  disabledReason: (targets, state) => vmsReason(targets, state, 'destroy'),
  async run(ctx) {
    const vms = selectedVms(ctx.targets, ctx.state).filter((v) => vmAllows(v.record, 'destroy'));
    const choice = await ctx.ui.dialog<DeleteVmChoice>((done) => createElement(DeleteVmDialog, { vms, state: ctx.state, onDone: done }));
    if (!choice) return;
    await Promise.all(
      vms.map(async (vm) => {
        const [ref] = await launchEach(ctx.bridge, callsFor([vm], 'Delete VM', 'VM.destroy'));
        if (!ref) return;
        const outcome = await waitForTask(vm.target.connectionId, ref);
        if (outcome.status !== 'success') return;
        const disks = choice.disks.filter((d) => d.vmRef === vm.target.ref);
        await launchEach(
          ctx.bridge,
          disks.map((d) => ({ connectionId: vm.target.connectionId, title: 'Delete disk', targetName: `${d.name} (${vm.record.name_label})`, targetRef: d.vdiRef, method: 'VDI.destroy', params: [d.vdiRef] })),
        );
      }),
    );
  },
};

/** Copy: a fast clone (same storage, shares the disks copy-on-write) or a full copy to a chosen SR; halted VMs. */
export const copyVm: Action = {
  id: 'vm.copy',
  label: 'Copy…',
  icon: 'copy',
  group: 'vm-manage',
  toolbar: 'icon',
  keywords: ['clone', 'duplicate'],
  needs: 'Select one VM (not a template) in the tree.',
  appliesTo: (targets, state) => onlyVms(targets, state) && targets.length === 1,
  disabledReason: (targets, state) => vmsReason(targets, state, ['clone', 'copy']),
  async run(ctx) {
    const [vm] = selectedVms(ctx.targets, ctx.state);
    if (!vm) return;
    const choice = await ctx.ui.dialog<CopyVmChoice>((done) => createElement(CopyVmWizard, { vm, state: ctx.state, onDone: done }));
    if (!choice) return;
    const call: AsyncCall =
      choice.mode === 'clone'
        ? { connectionId: vm.target.connectionId, title: 'Clone', targetName: vm.record.name_label, targetRef: vm.target.ref, method: 'VM.clone', params: [vm.target.ref, choice.name] }
        : { connectionId: vm.target.connectionId, title: 'Copy', targetName: vm.record.name_label, targetRef: vm.target.ref, method: 'VM.copy', params: [vm.target.ref, choice.name, choice.sr] };
    const [task] = await launchEach(ctx.bridge, [call]);
    const outcome = task ? await waitForTask(vm.target.connectionId, task) : undefined;
    const copy = resultRef(outcome?.result);
    // The copy gets the description entered (xapi copies the original's).
    if (outcome?.status === 'success' && copy && choice.description !== vm.record.name_description) {
      await callRecorded(ctx.bridge, { connectionId: vm.target.connectionId, title: call.title, targetName: choice.name, targetRef: copy }, 'VM.set_name_description', [copy, choice.description]);
    }
  },
};

export const VM_ACTIONS: Action[] = [startVm, shutdownVm, rebootVm, suspendVm, resumeVm, pauseVm, unpauseVm, forceShutdownVm, forceRebootVm, copyVm, deleteVm];
