/**
 * The migration actions, as XenCenter's VM menu has them:
 *
 * - "Migrate to Server ▸" (running VMs of one pool): one item per host, disabled with its reason
 *   ("Current server", "Older than current server", the CPU vendor, "Not enough memory: …", "Please eject
 *   your CD"), each checked in the background with VM.assert_can_boot_here for every selected VM; picking one
 *   runs VM.pool_migrate, one task per VM. The last item opens the Migrate VM wizard.
 * - "Migrate VM…" (running or suspended VMs) and "Move VM…" (halted VMs): the wizard in Migrate or Move mode.
 * - "Copy to Another Pool…" (halted VMs): the wizard in Copy mode (migrate_send with copy=true).
 *
 * The palette lists each host of "Migrate to Server ▸" as its own command: the keyboard way to migrate.
 */
import { createElement } from 'react';
import { ConcurrencyLimit } from '../../../shared/api-client/concurrency-limit';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import type { Action, ActionChoice, ActionContext } from '../../actions/types';
import { onlyVms, selectedVms, vmAllows, type Resolved } from '../../actions/targets';
import { vmsReason } from '../../actions/vm-actions';
import { describeError } from '../../errors';
import type { MirrorState, Target } from '../../store';
import { formatBytes } from '../tabs/format';
import { canBootHere, placementReason } from './host-checks';
import { MigrateVmWizard } from './MigrateVmWizard';
import { planFor, withDestination, MODE_WORDS, type Destination, type MigrationMode, type MigrationState } from './migration-model';
import { migrateLive, runPlans } from './migration-runner';
import { moveVirtualDisk } from './move-disk-action';

/** The choice of "Migrate to Server ▸" that opens the wizard. */
export const WIZARD_CHOICE = 'wizard';

const onePool = (targets: Target[]) => new Set(targets.map((t) => t.connectionId)).size === 1;

/** A VM's memory on a host, as the pool counts it (its balloon target and overhead). */
const footprint = (vm: VMRecord) => (vm.memory_target || vm.memory_dynamic_max || vm.memory_static_max) + (vm.memory_overhead || 0);

/** Background checks of one menu share this gate: opening the menu on 200 VMs does not send thousands of calls at once. */
const checkGate = new ConcurrencyLimit(8);

function migrateToChoices(targets: Target[], state: MirrorState): ActionChoice[] {
  const vms = selectedVms(targets, state).filter((v) => vmAllows(v.record, 'pool_migrate'));
  const connectionId = targets[0]?.connectionId;
  const mirror = connectionId ? state.mirrors[connectionId] : undefined;
  if (!mirror || !connectionId) return [];
  const hosts = [...(mirror.objects.host ?? new Map())].sort((a, b) => a[1].name_label.localeCompare(b[1].name_label, undefined, { numeric: true }));
  const choices = hosts.map(([ref, host]): ActionChoice => {
    const free = mirror.objects.host_metrics?.get(host.metrics)?.memory_free;
    // VMs already running there stay; the others must all be able to go.
    const moving = vms.filter((v) => v.record.resident_on !== ref);
    const reasons = (moving.length ? moving : vms).map((v) => ({ vm: v, reason: placementReason(state, connectionId, v.record, ref) })).filter((r) => r.reason);
    const need = moving.reduce((n, v) => n + footprint(v.record), 0);
    let disabledReason = moving.length === 0 ? 'Current server' : reasons[0] ? (vms.length > 1 ? `${reasons[0].vm.record.name_label}: ${reasons[0].reason}` : reasons[0].reason) : undefined;
    // Each VM may fit while all of them together do not: the pool would refuse the last ones.
    if (!disabledReason && moving.length > 1 && free !== undefined && need > free) {
      disabledReason = describeError({ code: 'HOST_NOT_ENOUGH_FREE_MEMORY', params: [String(need), String(free)] }).title;
    }
    return {
      id: ref,
      label: host.name_label,
      // As XenCenter's host list: a host that cannot take the VMs says why beside its name.
      detail: disabledReason ?? (free !== undefined ? `${formatBytes(free)} free` : undefined),
      disabledReason,
      check: async (bridge, signal) => {
        for (const vm of moving) {
          if (signal.aborted) return undefined;
          const refusal = await checkGate.run(() => (signal.aborted ? Promise.resolve(undefined) : canBootHere(bridge, mirror, connectionId, vm.target.ref, ref)));
          if (refusal) return moving.length > 1 ? `${vm.record.name_label}: ${refusal.reason}` : refusal.reason;
        }
        return undefined;
      },
    };
  });
  return [...choices, { id: WIZARD_CHOICE, label: 'Migrate VM wizard…', detail: 'other pools, storage' }];
}

/** Opens the wizard for these VMs (a destination already chosen when a drop picked one) and runs what it decides. */
export async function openMigrationWizard(ctx: Pick<ActionContext, 'bridge' | 'getState' | 'ui'>, mode: MigrationMode, vms: Resolved<VMRecord>[], target?: Destination): Promise<void> {
  if (vms.length === 0) return;
  const source = vms[0].target.connectionId;
  const blank: MigrationState = { mode, source, vms: vms.map((v) => v.target.ref), storage: {}, networks: {} };
  const initial = target ? { ...blank, ...withDestination(ctx.getState().mirrors, blank, target) } : blank;
  const chosen = await ctx.ui.dialog<MigrationState>((done) => createElement(MigrateVmWizard, { initial, onDone: done }));
  if (!chosen) return;
  await runPlans({ bridge: ctx.bridge, getState: ctx.getState }, source, planFor(ctx.getState().mirrors, chosen), MODE_WORDS[mode].task);
}

const otherPoolConnected = (state: MirrorState, source: string) => state.connections.some((c) => c.id !== source && !c.hidden && c.status.state === 'connected');

export const migrateToServer: Action = {
  id: 'vm.migrateTo',
  label: 'Migrate to Server',
  icon: 'migrate',
  group: 'vm-manage',
  toolbar: 'icon',
  keywords: ['migrate', 'move', 'live migration', 'pool_migrate', 'host'],
  needs: 'Select one or more running VMs of one pool in the tree.',
  appliesTo: (targets, state) => onlyVms(targets, state) && onePool(targets),
  disabledReason: (targets, state) => vmsReason(targets, state, 'pool_migrate'),
  choices: migrateToChoices,
  async run(ctx) {
    if (!ctx.choice) return;
    const vms = selectedVms(ctx.targets, ctx.getState()).filter((v) => vmAllows(v.record, 'pool_migrate'));
    if (ctx.choice === WIZARD_CHOICE) return openMigrationWizard(ctx, 'migrate', vms);
    const host = ctx.choice;
    await migrateLive({ bridge: ctx.bridge, getState: ctx.getState }, ctx.targets[0].connectionId, vms.filter((v) => v.record.resident_on !== host).map((v) => v.target.ref), host);
  },
};

const allHalted = (targets: Target[], state: MirrorState) => selectedVms(targets, state).every((v) => v.record.power_state === 'Halted');

function wizardAction(spec: { id: string; label: string; mode: MigrationMode; applies: (targets: Target[], state: MirrorState) => boolean; keywords: string[]; needs: string; reason?: (targets: Target[], state: MirrorState) => string | undefined }): Action {
  return {
    id: spec.id,
    label: spec.label,
    icon: 'migrate',
    group: 'vm-manage',
    toolbar: 'none',
    keywords: spec.keywords,
    needs: spec.needs,
    appliesTo: (targets, state) => onlyVms(targets, state) && onePool(targets) && spec.applies(targets, state),
    disabledReason: (targets, state) => spec.reason?.(targets, state) ?? vmsReason(targets, state, 'migrate_send'),
    async run(ctx) {
      const vms = selectedVms(ctx.targets, ctx.getState()).filter((v) => vmAllows(v.record, 'migrate_send'));
      await openMigrationWizard(ctx, spec.mode, vms);
    },
  };
}

export const migrateVm = wizardAction({
  id: 'vm.migrateWizard', label: 'Migrate VM…', mode: 'migrate', applies: (t, s) => selectedVms(t, s).every((v) => v.record.power_state !== 'Halted'),
  keywords: ['cross-pool', 'another pool', 'storage motion', 'migrate_send'], needs: 'Select running or suspended VMs of one pool in the tree.',
});

export const moveVm = wizardAction({
  id: 'vm.moveWizard', label: 'Move VM…', mode: 'move', applies: allHalted,
  keywords: ['migrate', 'cross-pool', 'another pool', 'storage'], needs: 'Select halted VMs of one pool in the tree.',
});

export const copyToPool = wizardAction({
  id: 'vm.copyToPool', label: 'Copy to Another Pool…', mode: 'copy', applies: () => true,
  keywords: ['cross-pool copy', 'duplicate', 'clone', 'migrate_send'], needs: 'Select VMs of one pool in the tree.',
  reason: (targets, state) => {
    const vms = selectedVms(targets, state);
    const running = vms.find((v) => v.record.power_state !== 'Halted');
    // xapi copies only halted VMs across pools (VM_BAD_POWER_STATE otherwise).
    if (running) return `${running.record.name_label} is ${running.record.power_state.toLowerCase()}: shut it down to copy it to another pool.`;
    if (!otherPoolConnected(state, targets[0]?.connectionId ?? '')) return 'Connect another pool first (Add server…): a copy goes to another pool.';
    return undefined;
  },
});

export const MIGRATION_ACTIONS: Action[] = [migrateToServer, migrateVm, moveVm, copyToPool, moveVirtualDisk];
