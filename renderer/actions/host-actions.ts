/**
 * Host actions. Maintenance mode as XenCenter does it: host.disable (no new VMs start there), then
 * host.evacuate (the pool live-migrates every running VM to other hosts, choosing where), marking
 * other_config MAINTENANCE_MODE=true so XenCenter and XenDeck windows agree; if the evacuation fails
 * the host is enabled again. Exit: host.enable and the mark removed.
 */
import { createElement } from 'react';
import type { Action } from './types';
import { callRecorded, launchEach, waitForTask } from './run-tasks';
import type { HostRecord } from '../../shared/xapi/generated/records';
import type { MirrorState } from '../store';
import { isMaintenanceMode, onlyHosts, selectedHosts, type Resolved } from './targets';
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

function canPowerCycle(host: Resolved<HostRecord>, op: 'reboot' | 'shutdown', state: MirrorState): boolean {
  if (!host.record.allowed_operations.includes(op)) return false;
  const vms = state.mirrors[host.target.connectionId]?.objects.VM;
  return host.record.resident_VMs.every((ref) => {
    const vm = vms?.get(ref);
    return !vm || vm.is_control_domain || vm.power_state === 'Halted';
  });
}

function hostPowerAction(id: string, label: string, icon: 'reboot' | 'shutdown', op: 'reboot' | 'shutdown', method: string, warning: string): Action {
  return {
    id,
    label,
    icon,
    group: 'host',
    toolbar: 'icon',
    danger: true,
    appliesTo: onlyHosts,
    // XAPI reboots or shuts down only a host without running guests (maintenance mode moves them away first).
    enabled: (targets, state) => selectedHosts(targets, state).some((h) => canPowerCycle(h, op, state)),
    async run(ctx) {
      const hosts = selectedHosts(ctx.targets, ctx.state).filter((h) => canPowerCycle(h, op, ctx.state));
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

export const rebootHost = hostPowerAction('host.reboot', 'Reboot host…', 'reboot', 'reboot', 'host.reboot', 'the host restarts and is back in the pool after a few minutes. Take it out of maintenance mode afterwards.');
export const shutdownHost = hostPowerAction('host.shutdown', 'Shut down host…', 'shutdown', 'shutdown', 'host.shutdown', 'the host switches off and stays off until it is powered on again (by its power button or its management controller).');

export const HOST_ACTIONS: Action[] = [enterMaintenance, exitMaintenance, rebootHost, shutdownHost];
