/**
 * Host actions. Maintenance mode as XenCenter does it: host.disable (no new VMs start there), then
 * host.evacuate (the pool live-migrates every running VM to other hosts, choosing where), marking
 * other_config MAINTENANCE_MODE=true so XenCenter and XenDeck windows agree; if the evacuation fails
 * the host is enabled again. Exit: host.enable and the mark removed.
 */
import { createElement } from 'react';
import type { Action } from './types';
import { callRecorded, launchEach, waitForTask } from './run-tasks';
import { isMaintenanceMode, onlyHosts, selectedHosts } from './targets';
import { MaintenanceDialog } from './dialogs/MaintenanceDialog';

export const enterMaintenance: Action = {
  id: 'host.enterMaintenance',
  label: 'Enter maintenance mode…',
  icon: 'maintenance',
  group: 'host',
  appliesTo: onlyHosts,
  enabled: (targets, state) => selectedHosts(targets, state).some((h) => h.record.enabled && !isMaintenanceMode(h.record) && h.record.allowed_operations.includes('evacuate')),
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
  appliesTo: onlyHosts,
  enabled: (targets, state) => selectedHosts(targets, state).some((h) => !h.record.enabled || isMaintenanceMode(h.record)),
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

function hostPowerAction(id: string, label: string, icon: 'reboot' | 'shutdown', op: 'reboot' | 'shutdown', method: string, warning: string): Action {
  return {
    id,
    label,
    icon,
    group: 'host',
    danger: true,
    appliesTo: onlyHosts,
    // XAPI refuses to reboot or shut down an enabled host: it must be disabled (maintenance mode) first.
    enabled: (targets, state) => selectedHosts(targets, state).some((h) => h.record.allowed_operations.includes(op)),
    async run(ctx) {
      const hosts = selectedHosts(ctx.targets, ctx.state).filter((h) => h.record.allowed_operations.includes(op));
      const names = hosts.map((h) => h.record.name_label).join(', ');
      const ok = await ctx.ui.confirm({ title: `${label.replace('…', '')} ${hosts.length === 1 ? names : `${hosts.length} hosts`}?`, message: `${names}: ${warning}`, confirmLabel: label.replace('…', ''), danger: true });
      if (!ok) return;
      for (const host of hosts) {
        const info = { connectionId: host.target.connectionId, title: label.replace('…', ''), targetName: host.record.name_label, targetRef: host.target.ref };
        // Disable first as xe host-reboot requires; the host comes back enabled after it restarts.
        if (host.record.enabled) {
          try {
            await callRecorded(ctx.bridge, info, 'host.disable', [host.target.ref]);
          } catch {
            continue;
          }
        }
        await launchEach(ctx.bridge, [{ ...info, method, params: [host.target.ref] }]);
      }
    },
  };
}

export const rebootHost = hostPowerAction('host.reboot', 'Reboot host…', 'reboot', 'reboot', 'host.reboot', 'running VMs on it are shut down unless you move them first (enter maintenance mode).');
export const shutdownHost = hostPowerAction('host.shutdown', 'Shut down host…', 'shutdown', 'shutdown', 'host.shutdown', 'running VMs on it are shut down, and the host stays off until it is powered on again.');

export const HOST_ACTIONS: Action[] = [enterMaintenance, exitMaintenance, rebootHost, shutdownHost];
