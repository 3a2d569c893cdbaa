/**
 * New VM from a template, the way XenCenter's wizard talks to the pool: VM.clone the template (VM.copy
 * to the chosen SR for a full copy of a custom template's disks), place the disks it will create on the
 * chosen SR (other_config "disks"), VM.provision them, clear is_a_template, set memory, vCPUs and their
 * topology, add a VIF on the chosen network, and start it if asked. Clone, copy, provision and start are
 * Async calls (tasks in the panel); the small setters are plain calls whose failures are listed there too.
 */
import { createElement } from 'react';
import type { MirrorState, Target } from '../../store';
import type { Action } from '../../actions/types';
import { callRecorded, launch, resultRef, waitForTask } from '../../actions/run-tasks';
import { selectedTemplates } from '../../actions/targets';
import { MiB } from '../tabs/format';
import { NewVmWizard } from './NewVmWizard';
import { placeProvisionDisks, provisionDisks, type NewVmChoice } from './new-vm-model';

/** The connection a selection is in, when it is in exactly one connected pool. */
function oneConnection(targets: Target[], state: MirrorState): string | undefined {
  const ids = new Set(targets.map((t) => t.connectionId));
  if (ids.size !== 1) return undefined;
  const [id] = ids;
  return state.connections.find((c) => c.id === id)?.status.state === 'connected' && state.mirrors[id]?.loaded ? id : undefined;
}

async function createVm(ctx: Parameters<Action['run']>[0], c: NewVmChoice): Promise<void> {
  const info = { connectionId: c.connectionId, title: 'New VM', targetName: c.name };
  const mirror = ctx.getState().mirrors[c.connectionId];
  const tpl = mirror?.objects.VM?.get(c.template);
  const copy = c.copyDisks && provisionDisks(tpl ?? {}).length === 0;
  const clone = await launch(ctx.bridge, copy
    ? { ...info, title: 'New VM: copy template', method: 'VM.copy', params: [c.template, c.name, c.sr] }
    : { ...info, title: 'New VM: copy template', method: 'VM.clone', params: [c.template, c.name] });
  if (!clone) return;
  const cloned = await waitForTask(c.connectionId, clone);
  const vm = resultRef(cloned.result);
  if (cloned.status !== 'success' || !vm) return;
  const call = (method: string, params: unknown[]) => callRecorded(ctx.bridge, { ...info, targetRef: vm }, method, params);
  const memoryBytes = c.memoryMiB * MiB;
  try {
    const disksXml = tpl?.other_config?.disks;
    const srUuid = mirror?.objects.SR?.get(c.sr)?.uuid;
    if (disksXml && srUuid) {
      await call('VM.remove_from_other_config', [vm, 'disks']);
      await call('VM.add_to_other_config', [vm, 'disks', placeProvisionDisks(disksXml, srUuid)]);
    }
    const provision = await launch(ctx.bridge, { ...info, targetRef: vm, title: 'New VM: create disks', method: 'VM.provision', params: [vm] });
    if (!provision || (await waitForTask(c.connectionId, provision)).status !== 'success') return;
    await call('VM.set_is_a_template', [vm, false]);
    // The clone carries the template's description ("use this template from the CLI…"): the new VM gets the one entered.
    await call('VM.set_name_description', [vm, c.description.trim()]);
    const staticMin = Math.min(tpl?.memory_static_min ?? memoryBytes, memoryBytes);
    await call('VM.set_memory_limits', [vm, staticMin, memoryBytes, memoryBytes, memoryBytes]);
    // VCPUs_at_startup may never exceed VCPUs_max: raise the max first, or lower the startup count first.
    const currentMax = tpl?.VCPUs_max ?? 1;
    if (c.vcpus >= currentMax) {
      await call('VM.set_VCPUs_max', [vm, c.vcpus]);
      await call('VM.set_VCPUs_at_startup', [vm, c.vcpus]);
    } else {
      await call('VM.set_VCPUs_at_startup', [vm, c.vcpus]);
      await call('VM.set_VCPUs_max', [vm, c.vcpus]);
    }
    await call('VM.remove_from_platform', [vm, 'cores-per-socket']);
    if (c.coresPerSocket > 1) await call('VM.add_to_platform', [vm, 'cores-per-socket', String(c.coresPerSocket)]);
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
  keywords: ['create VM', 'install', 'template'],
  needs: 'Select a connected pool, or anything in it, in the tree.',
  appliesTo: (targets, state) => targets.length > 0 && Boolean(oneConnection(targets, state)),
  disabledReason: (targets, state) => {
    const id = oneConnection(targets, state);
    if (!id) return 'Select objects of one connected pool.';
    for (const vm of state.mirrors[id]?.objects.VM?.values() ?? []) if (vm.is_a_template && !vm.is_a_snapshot) return undefined;
    return 'The pool has no template to create a VM from.';
  },
  async run(ctx) {
    const connectionId = oneConnection(ctx.targets, ctx.state);
    if (!connectionId) return;
    const template = selectedTemplates(ctx.targets, ctx.state)[0]?.target.ref;
    const choice = await ctx.ui.dialog<NewVmChoice>((done) => createElement(NewVmWizard, { connectionId, state: ctx.state, template, onDone: done }));
    if (choice) await createVm(ctx, choice);
  },
};
