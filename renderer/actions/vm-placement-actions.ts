/**
 * "Start on Server ▸" and "Resume on Server ▸", as XenCenter offers them for halted and suspended VMs of
 * a pool: one item per host of the pool, each checked in the background with VM.assert_can_boot_here for
 * every selected VM and disabled with the pool's reason (not enough memory, storage not reachable, in
 * maintenance mode); picking one runs VM.start_on / VM.resume_on, one task per VM.
 */
import type { Bridge } from '../../shared/bridge';
import type { EnumVmOperations, VMRecord } from '../../shared/xapi/generated/records';
import { describeError } from '../errors';
import type { MirrorState, Target } from '../store';
import { formatBytes } from './dialogs/format-bytes';
import { hostIsLive } from './disabled-reasons';
import { launchEach } from './run-tasks';
import { isMaintenanceMode, onlyVms, selectedVms, vmAllows, type Resolved } from './targets';
import type { Action, ActionChoice } from './types';
import { vmsReason } from './vm-actions';

/** The selected VMs of one pool that allow `op`. */
function placeable(targets: Target[], state: MirrorState, op: EnumVmOperations): Resolved<VMRecord>[] {
  return selectedVms(targets, state).filter((v) => vmAllows(v.record, op));
}

const onePool = (targets: Target[]) => new Set(targets.map((t) => t.connectionId)).size === 1;

function hostChoices(targets: Target[], state: MirrorState, op: EnumVmOperations): ActionChoice[] {
  const vms = placeable(targets, state, op);
  const connectionId = targets[0]?.connectionId;
  const mirror = connectionId ? state.mirrors[connectionId] : undefined;
  if (!mirror || vms.length === 0) return [];
  const metrics = mirror.objects.host_metrics;
  return [...(mirror.objects.host ?? new Map())]
    .sort((a, b) => a[1].name_label.localeCompare(b[1].name_label, undefined, { numeric: true }))
    .map(([ref, host]): ActionChoice => {
      const m = metrics?.get(host.metrics);
      const detail = m ? `${formatBytes(m.memory_free)} free` : undefined;
      const disabledReason =
        !hostIsLive(host, state, connectionId!) ? `${host.name_label} is not reachable.`
        : !host.enabled || isMaintenanceMode(host) ? `${host.name_label} is in maintenance mode.`
        : undefined;
      return {
        id: ref,
        label: host.name_label,
        detail,
        disabledReason,
        // The pool's own verdict for every VM that would start there; the first refusal is the reason.
        check: async (bridge: Bridge, signal: AbortSignal) => {
          for (const vm of vms) {
            if (signal.aborted) return undefined;
            try {
              await bridge.request('xapi.call', { connectionId: vm.target.connectionId, method: 'VM.assert_can_boot_here', params: [vm.target.ref, ref] });
            } catch (err) {
              const words = describeError(err).title;
              return vms.length > 1 ? `${vm.record.name_label}: ${words}` : words;
            }
          }
          return undefined;
        },
      };
    });
}

function placementAction(spec: { id: string; label: string; op: 'start_on' | 'resume_on'; method: string; icon: Action['icon']; words: string }): Action {
  return {
    id: spec.id,
    label: spec.label,
    icon: spec.icon,
    group: 'vm-power',
    toolbar: 'none',
    keywords: ['home server', 'placement', spec.words],
    needs: 'Select one or more VMs of one pool in the tree.',
    appliesTo: (targets, state) => onlyVms(targets, state) && onePool(targets) && (state.mirrors[targets[0].connectionId]?.objects.host?.size ?? 0) > 1,
    disabledReason: (targets, state) => vmsReason(targets, state, spec.op),
    choices: (targets, state) => hostChoices(targets, state, spec.op),
    async run(ctx) {
      const host = ctx.choice;
      if (!host) return;
      const vms = placeable(ctx.targets, ctx.getState(), spec.op);
      const hostName = ctx.getState().mirrors[ctx.targets[0].connectionId]?.objects.host?.get(host)?.name_label ?? 'host';
      await launchEach(
        ctx.bridge,
        vms.map(({ target, record }) => ({ connectionId: target.connectionId, title: `${spec.words} on ${hostName}`, targetName: record.name_label, targetRef: target.ref, method: spec.method, params: [target.ref, host, false, false] })),
      );
    },
  };
}

export const startOnServer = placementAction({ id: 'vm.startOn', label: 'Start on Server', op: 'start_on', method: 'VM.start_on', icon: 'start', words: 'Start' });
export const resumeOnServer = placementAction({ id: 'vm.resumeOn', label: 'Resume on Server', op: 'resume_on', method: 'VM.resume_on', icon: 'resume', words: 'Resume' });

export const VM_PLACEMENT_ACTIONS: Action[] = [startOnServer, resumeOnServer];
