/**
 * Dropping VMs on a host in the tree, as XenCenter's DragDropMigrateVMCommand and
 * DragDropCrossPoolMoveHaltedVMCommand do:
 *
 * - running VMs of the host's pool, every disk on shared storage: the host is checked while hovering
 *   (VM.assert_can_boot_here: memory, storage, networks), then a confirmation, then VM.pool_migrate per VM;
 * - a host of another pool, disks on local storage, or halted or suspended VMs: the Migrate VM wizard opens
 *   with that host chosen;
 * - refused while hovering, with the reason: templates and snapshots, the VM's own server, an older server,
 *   a CPU of another vendor for a running VM, a CD on a local SR ("eject it first"), a VM the pool does not
 *   let migrate now.
 */
import type { VMRecord } from '../../../shared/xapi/generated/records';
import type { TreeDropPolicy } from '../../actions/drop-policies';
import { selectedVms, vmAllows, type Resolved } from '../../actions/targets';
import { hostIsLive, vmOperationReason } from '../../actions/disabled-reasons';
import type { MirrorState, Target } from '../../store';
import { canBootHere, cpuIncompatibility, olderThanCurrent } from './host-checks';
import { isAgile, loadedCds } from './storage-choices';
import { openMigrationWizard } from './migration-actions';
import { migrateLive } from './migration-runner';
import { modeForVm } from './migration-model';

const names = (vms: Resolved<VMRecord>[]) => (vms.length === 1 ? vms[0].record.name_label : `${vms.length} VMs`);

/** Why this VM cannot be dropped on that host (of any pool); undefined when it can. */
function refusalFor(state: MirrorState, vm: Resolved<VMRecord>, hostConnection: string, hostRef: string): string | undefined {
  const source = state.mirrors[vm.target.connectionId];
  const host = state.mirrors[hostConnection]?.objects.host?.get(hostRef);
  if (!source || !host) return 'This server is no longer available.';
  const r = vm.record;
  const live = r.power_state === 'Running' || r.power_state === 'Paused';
  if (live && r.resident_on === hostRef) return `${r.name_label} already runs on ${host.name_label}.`;
  const op = live && hostConnection === vm.target.connectionId ? 'pool_migrate' : 'migrate_send';
  if (!vmAllows(r, op)) return vmOperationReason(r, op);
  if (olderThanCurrent(source, r, host)) return `${host.name_label} is older than the current server of ${r.name_label}.`;
  const cpu = cpuIncompatibility(r, host);
  if (cpu) return cpu;
  if (loadedCds(source, vm.target.ref).some((cd) => cd.local)) return `Cannot migrate ${r.name_label} while a local CD is loaded: eject the CD first.`;
  return undefined;
}

export const migrationDropPolicy: TreeDropPolicy = {
  id: 'migration.vm-to-host',
  evaluate(dragged: readonly Target[], { node, state, bridge }) {
    if (node.kind !== 'host' || node.target?.kind !== 'object') return undefined;
    const vms = selectedVms([...dragged], state);
    // Not a drag of VMs (hosts, SRs…): some other policy's business.
    if (vms.length === 0) return undefined;
    if (vms.length !== dragged.length) return { kind: 'refuse', reason: 'Only VMs can be moved onto a server (not templates, snapshots or other objects).' };
    if (new Set(vms.map((v) => v.target.connectionId)).size > 1) return { kind: 'refuse', reason: 'Move VMs of one pool at a time.' };
    const hostConnection = node.target.connectionId;
    const hostRef = node.target.ref;
    const host = state.mirrors[hostConnection]?.objects.host?.get(hostRef);
    if (!host) return undefined;
    if (!hostIsLive(host, state, hostConnection)) return { kind: 'refuse', reason: `${host.name_label} is not reachable.` };
    for (const vm of vms) {
      const reason = refusalFor(state, vm, hostConnection, hostRef);
      if (reason) return { kind: 'refuse', reason };
    }
    const sameConnection = vms[0].target.connectionId === hostConnection;
    const allLive = vms.every((v) => v.record.power_state === 'Running');
    const agile = vms.every((v) => isAgile(state.mirrors[v.target.connectionId]!, v.target.ref));
    const source = state.mirrors[vms[0].target.connectionId]!;
    if (sameConnection && allLive && agile) {
      return {
        kind: 'accept',
        label: `Migrate ${names(vms)} to ${host.name_label}`,
        check: bridge && (async (signal) => {
          // The pool's verdict while the pointer waits (memory, storage, networks); the first refusal names its VM.
          for (const vm of vms) {
            if (signal.aborted) return undefined;
            const refusal = await canBootHere(bridge, source, hostConnection, vm.target.ref, hostRef);
            if (refusal) return vms.length > 1 ? `${vm.record.name_label}: ${refusal.reason}` : refusal.reason;
          }
          return undefined;
        }),
        drop: async (ctx) => {
          const ok = await ctx.ui.confirm({
            title: 'Migrate',
            message: vms.length === 1 ? `Do you want to migrate the VM ${vms[0].record.name_label} to the server ${host.name_label}?` : `Do you want to migrate the selected VMs to the server ${host.name_label}?`,
            confirmLabel: 'Migrate',
          });
          if (!ok) return;
          await migrateLive({ bridge: ctx.bridge, getState: ctx.getState }, hostConnection, vms.map((v) => v.target.ref), hostRef);
        },
      };
    }
    // Another pool, disks to move, or halted/suspended VMs: the wizard, with this host chosen.
    const mode = vms.some((v) => modeForVm(v.record) === 'migrate') ? 'migrate' : 'move';
    return {
      kind: 'accept',
      label: `${mode === 'move' ? 'Move' : 'Migrate'} ${names(vms)} to ${host.name_label}${sameConnection ? '' : ' (another pool)'}: opens the wizard`,
      drop: (ctx) => openMigrationWizard(ctx, mode, vms, { connectionId: hostConnection, host: hostRef }),
    };
  },
};
