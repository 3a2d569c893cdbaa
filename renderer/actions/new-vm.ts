/**
 * New VM from a template, the way XenCenter's wizard talks to the pool: VM.clone the template,
 * VM.provision its disks (from the template's other_config "disks"), clear is_a_template, set memory
 * and vCPUs, add a VIF on the chosen network, and start it if asked. Clone, provision and start are
 * Async calls (tasks in the panel); the small setters are plain calls.
 */
import { createElement } from 'react';
import type { MirrorState, Target } from '../store';
import type { Action } from './types';
import { NewVmWizard, type NewVmChoice } from './dialogs/NewVmWizard';
import { callRecorded, launch, resultRef, waitForTask } from './run-tasks';
import { selectedTemplates } from './targets';

/** The connection a selection is in, when it is in exactly one connected pool. */
function oneConnection(targets: Target[], state: MirrorState): string | undefined {
  const ids = new Set(targets.map((t) => t.connectionId));
  if (ids.size !== 1) return undefined;
  const [id] = ids;
  return state.connections.find((c) => c.id === id)?.status.state === 'connected' && state.mirrors[id]?.loaded ? id : undefined;
}

async function createVm(ctx: Parameters<Action['run']>[0], c: NewVmChoice): Promise<void> {
  const info = { connectionId: c.connectionId, title: 'New VM', targetName: c.name };
  const clone = await launch(ctx.bridge, { ...info, title: 'New VM: copy template', method: 'VM.clone', params: [c.template, c.name] });
  if (!clone) return;
  const cloned = await waitForTask(c.connectionId, clone);
  const vm = resultRef(cloned.result);
  if (cloned.status !== 'success' || !vm) return;
  const call = (method: string, params: unknown[]) => callRecorded(ctx.bridge, { ...info, targetRef: vm }, method, params);
  try {
    const provision = await launch(ctx.bridge, { ...info, targetRef: vm, title: 'New VM: create disks', method: 'VM.provision', params: [vm] });
    if (!provision || (await waitForTask(c.connectionId, provision)).status !== 'success') return;
    await call('VM.set_is_a_template', [vm, false]);
    // The clone carries the template's description ("use this template from the CLI…"): a new VM starts blank.
    await call('VM.set_name_description', [vm, '']);
    const tpl = (ctx.getState().mirrors[c.connectionId]?.objects.VM)?.get(c.template);
    const staticMin = Math.min(tpl?.memory_static_min ?? c.memoryBytes, c.memoryBytes);
    await call('VM.set_memory_limits', [vm, staticMin, c.memoryBytes, c.memoryBytes, c.memoryBytes]);
    // VCPUs_at_startup may never exceed VCPUs_max: raise the max first, or lower the startup count first.
    const currentMax = tpl?.VCPUs_max ?? 1;
    if (c.vcpus >= currentMax) {
      await call('VM.set_VCPUs_max', [vm, c.vcpus]);
      await call('VM.set_VCPUs_at_startup', [vm, c.vcpus]);
    } else {
      await call('VM.set_VCPUs_at_startup', [vm, c.vcpus]);
      await call('VM.set_VCPUs_max', [vm, c.vcpus]);
    }
    if (c.network) {
      await call('VIF.create', [{ device: '0', network: c.network, VM: vm, MAC: '', MTU: 1500, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, locking_mode: 'network_default', ipv4_allowed: [], ipv6_allowed: [] }]);
    }
  } catch {
    return; // Recorded in the task panel; the half-made VM stays for the user to fix or delete.
  } finally {
    ctx.ui.select([{ kind: 'object', connectionId: c.connectionId, cls: 'VM', ref: vm }]);
  }
  if (c.start) await launch(ctx.bridge, { ...info, targetRef: vm, title: 'Start', method: 'VM.start', params: [vm, false, false] });
}

export const newVm: Action = {
  id: 'vm.new',
  label: 'New VM…',
  icon: 'new-vm',
  group: 'create',
  keys: { key: 'n', ctrl: true },
  appliesTo: (targets, state) => targets.length > 0 && Boolean(oneConnection(targets, state)),
  enabled: (targets, state) => {
    const id = oneConnection(targets, state);
    if (!id) return false;
    for (const vm of state.mirrors[id]?.objects.VM?.values() ?? []) if (vm.is_a_template && !vm.is_a_snapshot) return true;
    return false;
  },
  async run(ctx) {
    const connectionId = oneConnection(ctx.targets, ctx.state);
    if (!connectionId) return;
    const template = selectedTemplates(ctx.targets, ctx.state)[0]?.target.ref;
    const choice = await ctx.ui.dialog<NewVmChoice>((done) => createElement(NewVmWizard, { connectionId, state: ctx.state, template, onDone: done }));
    if (choice) await createVm(ctx, choice);
  },
};
