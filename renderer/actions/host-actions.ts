/**
 * Host actions. Maintenance mode as XenCenter does it: host.disable (no new VMs start there), then
 * host.evacuate (the pool live-migrates every running VM to other hosts, choosing where), marking
 * other_config MAINTENANCE_MODE=true so XenCenter and XenDeck windows agree; if the evacuation fails
 * the host is enabled again. Exit: host.enable and the mark removed.
 *
 * Reboot and shut down, as XenCenter allows them on any live host: the dialog lists the running VMs and
 * asks whether to move them away (evacuate) or shut them down; then host.disable, that, and the reboot or
 * shutdown, each a task. A host whose VMs could not be cleared is enabled again.
 */
import { createElement } from 'react';
import type { Action, ActionContext } from './types';
import { callRecorded, launchEach, waitForTask } from './run-tasks';
import type { HostRecord, VMRecord } from '../../shared/xapi/generated/records';
import type { MirrorState } from '../store';
import type { LaunchInfo } from '../views/tasks/task-log';
import { isMaintenanceMode, onlyHosts, selectedHosts, type Resolved } from './targets';
import { hostIsLive, hostOperationReason, selectionReason } from './disabled-reasons';
import { MaintenanceDialog } from './dialogs/MaintenanceDialog';
import { HostPowerDialog, runningGuests, type RunningVmsChoice } from './dialogs/HostPowerDialog';

const NEEDS_HOSTS = 'Select one or more hosts in the tree.';

export const enterMaintenance: Action = {
  id: 'host.enterMaintenance',
  label: 'Enter maintenance mode…',
  icon: 'maintenance',
  group: 'host',
  keywords: ['evacuate', 'migrate VMs away', 'maint'],
  needs: NEEDS_HOSTS,
  appliesTo: onlyHosts,
  disabledReason: (targets, state) => {
    const hosts = selectedHosts(targets, state);
    if (hosts.some((h) => h.record.enabled && !isMaintenanceMode(h.record) && h.record.allowed_operations.includes('evacuate'))) return undefined;
    return selectionReason(
      hosts.map((h) => (!h.record.enabled || isMaintenanceMode(h.record) ? `${h.record.name_label} is already in maintenance mode.` : (hostOperationReason(h.record, 'evacuate', state, h.target.connectionId) ?? `${h.record.name_label} cannot be emptied now.`))),
      'hosts',
    );
  },
  async run(ctx) {
    const hosts = selectedHosts(ctx.targets, ctx.state).filter((h) => h.record.enabled && h.record.allowed_operations.includes('evacuate'));
    const ok = await ctx.ui.dialog<boolean>((done) => createElement(MaintenanceDialog, { hosts, state: ctx.state, onDone: done }));
    if (!ok) return;
    for (const host of hosts) {
      const info = { connectionId: host.target.connectionId, title: 'Enter maintenance mode', targetName: host.record.name_label, targetRef: host.target.ref };
      try {
        await callRecorded(ctx.bridge, info, 'host.disable', [host.target.ref]);
        await callRecorded(ctx.bridge, info, 'host.add_to_other_config', [host.target.ref, 'MAINTENANCE_MODE', 'true']).catch(() => undefined);
      } catch {
        continue;
      }
      const [task] = await launchEach(ctx.bridge, [{ ...info, title: 'Move VMs off host', method: 'host.evacuate', params: [host.target.ref] }]);
      const outcome = task ? await waitForTask(host.target.connectionId, task) : undefined;
      if (outcome?.status !== 'success') {
        // XenCenter's rule: a host that could not be emptied does not stay half in maintenance.
        await callRecorded(ctx.bridge, info, 'host.remove_from_other_config', [host.target.ref, 'MAINTENANCE_MODE']).catch(() => undefined);
        await callRecorded(ctx.bridge, info, 'host.enable', [host.target.ref]).catch(() => undefined);
      }
    }
  },
};

export const exitMaintenance: Action = {
  id: 'host.exitMaintenance',
  label: 'Exit maintenance mode',
  icon: 'exit-maintenance',
  group: 'host',
  keywords: ['maint', 'enable host'],
  needs: NEEDS_HOSTS,
  appliesTo: onlyHosts,
  disabledReason: (targets, state) =>
    selectedHosts(targets, state).some((h) => !h.record.enabled || isMaintenanceMode(h.record)) ? undefined : selectionReason(selectedHosts(targets, state).map((h) => `${h.record.name_label} is not in maintenance mode.`), 'hosts'),
  async run(ctx) {
    for (const host of selectedHosts(ctx.targets, ctx.state).filter((h) => !h.record.enabled || isMaintenanceMode(h.record))) {
      const info = { connectionId: host.target.connectionId, title: 'Exit maintenance mode', targetName: host.record.name_label, targetRef: host.target.ref };
      try {
        await callRecorded(ctx.bridge, info, 'host.enable', [host.target.ref]);
        await callRecorded(ctx.bridge, info, 'host.remove_from_other_config', [host.target.ref, 'MAINTENANCE_MODE']);
      } catch {
        // Recorded in the task panel.
      }
    }
  },
};

/** The guests' way off the host before it reboots or shuts down: moved away live, or shut down. */
async function clearHost(ctx: ActionContext, host: Resolved<HostRecord>, choice: RunningVmsChoice, info: LaunchInfo): Promise<boolean> {
  const guests = runningGuests(host, ctx.getState());
  if (guests.length === 0) return true;
  if (choice === 'evacuate') {
    const [task] = await launchEach(ctx.bridge, [{ ...info, title: 'Move VMs off host', method: 'host.evacuate', params: [host.target.ref] }]);
    return Boolean(task && (await waitForTask(host.target.connectionId, task)).status === 'success');
  }
  const vmRefs = new Map(ctx.getState().mirrors[host.target.connectionId]?.objects.VM ?? []);
  const refOf = (vm: VMRecord) => [...vmRefs].find(([, r]) => r.uuid === vm.uuid)?.[0];
  const results = await Promise.all(
    guests.map(async (vm) => {
      const ref = refOf(vm);
      if (!ref) return true;
      const clean = vm.allowed_operations.includes('clean_shutdown');
      const call = { connectionId: host.target.connectionId, title: clean ? 'Shut down' : 'Force shut down', targetName: vm.name_label, targetRef: ref, method: clean ? 'VM.clean_shutdown' : 'VM.hard_shutdown', params: [ref] };
      const [task] = await launchEach(ctx.bridge, [call]);
      if (task && (await waitForTask(host.target.connectionId, task)).status === 'success') return true;
      if (!clean) return false;
      // The guest did not go down cleanly: the user chose to shut it down, so switch it off (as XenCenter does).
      const [forced] = await launchEach(ctx.bridge, [{ ...call, title: 'Force shut down', method: 'VM.hard_shutdown' }]);
      return Boolean(forced && (await waitForTask(host.target.connectionId, forced)).status === 'success');
    }),
  );
  return results.every(Boolean);
}

function hostPowerAction(id: string, verb: 'Reboot' | 'Shut down', icon: 'reboot' | 'shutdown', op: 'reboot' | 'shutdown', method: string): Action {
  const can = (h: Resolved<HostRecord>, state: MirrorState) => hostIsLive(h.record, state, h.target.connectionId) && (h.record.allowed_operations.includes(op) || Object.keys(h.record.current_operations ?? {}).length === 0);
  return {
    id,
    label: `${verb} host…`,
    icon,
    group: 'host',
    toolbar: 'icon',
    danger: true,
    keywords: op === 'reboot' ? ['restart server'] : ['power off server', 'halt server'],
    needs: NEEDS_HOSTS,
    appliesTo: onlyHosts,
    // As XenCenter: any live host can be rebooted or shut down; its running VMs are moved away or shut down first.
    disabledReason: (targets, state) => {
      const hosts = selectedHosts(targets, state);
      if (hosts.some((h) => can(h, state))) return undefined;
      return selectionReason(hosts.map((h) => hostOperationReason(h.record, op, state, h.target.connectionId) ?? `${h.record.name_label} is busy: wait for its operations to finish.`), 'hosts');
    },
    async run(ctx) {
      const hosts = selectedHosts(ctx.targets, ctx.state).filter((h) => can(h, ctx.state));
      const choice = await ctx.ui.dialog<RunningVmsChoice>((done) => createElement(HostPowerDialog, { hosts, state: ctx.state, verb, onDone: done }));
      if (!choice) return;
      await Promise.all(
        hosts.map(async (host) => {
          const info = { connectionId: host.target.connectionId, title: verb, targetName: host.record.name_label, targetRef: host.target.ref };
          const wasEnabled = host.record.enabled;
          // xapi reboots or shuts down only a disabled host without running guests (HOST_NOT_DISABLED, HOST_IN_USE).
          if (wasEnabled) {
            try {
              await callRecorded(ctx.bridge, info, 'host.disable', [host.target.ref]);
            } catch {
              return;
            }
          }
          const cleared = await clearHost(ctx, host, choice, info);
          const [task] = cleared ? await launchEach(ctx.bridge, [{ ...info, method, params: [host.target.ref] }]) : [undefined];
          const done = task ? (await waitForTask(host.target.connectionId, task)).status === 'success' : false;
          // A host that stays up (VMs that would not move, a refused reboot) does not stay disabled.
          if (!done && wasEnabled) await callRecorded(ctx.bridge, info, 'host.enable', [host.target.ref]).catch(() => undefined);
        }),
      );
    },
  };
}

export const rebootHost = hostPowerAction('host.reboot', 'Reboot', 'reboot', 'reboot', 'host.reboot');
export const shutdownHost = hostPowerAction('host.shutdown', 'Shut down', 'shutdown', 'shutdown', 'host.shutdown');

export const HOST_ACTIONS: Action[] = [enterMaintenance, exitMaintenance, rebootHost, shutdownHost];
