/**
 * Runs what the migration wizard, the menus and drag and drop decided, one task per VM (or disk) in the
 * task panel, with XenCenter's calls:
 *
 * - live migration within a pool: `Async.VM.pool_migrate(vm, host, {live: "true"})` (VMMigrateAction);
 * - storage and cross-pool migration: `host.migrate_receive` on the destination for each VM, then
 *   `Async.VM.migrate_send(vm, token, true, vdi_map, vif_map, options)` on the source (VMCrossPoolMigrateAction;
 *   6 arguments, no vgpu_map). xapi runs at most 3 storage migrations from one host: this window keeps to
 *   that, and retries after 10 s when other clients' moves fill the host (TOO_MANY_STORAGE_MIGRATES, as
 *   Xen Orchestra does);
 * - a disk moved offline (a halted VM's disks, Move virtual disk): `Async.VDI.copy` to the new SR, the old
 *   drives unplugged and destroyed, the old disk destroyed, the drives created again on the copy
 *   (MoveVirtualDiskAction); a suspend image is re-linked with `VM.set_suspend_VDI`;
 * - a disk migrated live: `Async.VDI.pool_migrate(vdi, sr, {})`, at most 3 at once (MigrateVirtualDiskAction).
 */
import { ConcurrencyLimit } from '../../../shared/api-client/concurrency-limit';
import type { Bridge } from '../../../shared/bridge';
import type { VBDRecord } from '../../../shared/xapi/generated/records';
import { BULK_CONCURRENCY, callRecorded, launch, launchEach, resultRef, waitForTask, type AsyncCall, type TaskOutcome } from '../../actions/run-tasks';
import { isNullRef, type MirrorState } from '../../store';
import type { LaunchInfo } from '../tasks/task-log';
import type { VmPlan } from './migration-model';

/** xapi's limit of concurrent storage migrations from one host (TOO_MANY_STORAGE_MIGRATES ["3"]). */
export const STORAGE_MIGRATIONS_PER_HOST = 3;
/** XenCenter's batch size for live disk migrations. */
export const DISK_MIGRATIONS_AT_ONCE = 3;
const RETRY_AFTER_MS = 10_000;
const MAX_RETRIES = 6;

export interface RunContext {
  bridge: Bridge;
  getState: () => MirrorState;
  /** Waits before a retry (a test shortens it). */
  sleep?: (ms: number) => Promise<void>;
}

/** How one VM's move ended: the VM's ref afterwards (in the destination pool for a cross-pool move). */
export interface VmOutcome {
  vm: string;
  status: TaskOutcome['status'] | 'refused';
  /** Where the VM is now: its connection and ref (a new ref after a cross-pool move). */
  now?: { connectionId: string; ref: string };
}

const gates = new Map<string, ConcurrencyLimit>();
function storageGate(connectionId: string, host: string): ConcurrencyLimit {
  const key = `${connectionId}|${host}`;
  let gate = gates.get(key);
  if (!gate) gates.set(key, (gate = new ConcurrencyLimit(STORAGE_MIGRATIONS_PER_HOST)));
  return gate;
}

const nameOf = (state: MirrorState, connectionId: string, cls: 'VM' | 'VDI' | 'host' | 'SR', ref: string) =>
  (state.mirrors[connectionId]?.objects[cls]?.get(ref) as { name_label?: string } | undefined)?.name_label ?? ref;

/** The host a VM's storage migration runs from: where it runs, else its pool's master. */
function sourceHost(state: MirrorState, connectionId: string, vm: string): string {
  const mirror = state.mirrors[connectionId];
  const record = mirror?.objects.VM?.get(vm);
  if (record && !isNullRef(record.resident_on)) return record.resident_on;
  return mirror?.objects.pool?.values().next().value?.master ?? 'pool';
}

/** Runs every VM's plan; resolves when all are done (failures are in the task panel). */
export async function runPlans(ctx: RunContext, source: string, plans: readonly VmPlan[], title: string): Promise<VmOutcome[]> {
  const state = ctx.getState();
  const live = plans.filter((p): p is Extract<VmPlan, { kind: 'pool_migrate' }> => p.kind === 'pool_migrate');
  const liveRuns = migrateLive(ctx, source, live.map((p) => p.vm), live[0]?.host ?? '', title);
  const others = plans.filter((p) => p.kind !== 'pool_migrate').map(async (plan): Promise<VmOutcome> => {
    if (plan.kind === 'migrate_send') return migrateSend(ctx, source, plan, title);
    if (plan.kind === 'offline_move') {
      const vmName = nameOf(state, source, 'VM', plan.vm);
      const results = [];
      for (const d of plan.disks) results.push(await moveDiskOffline(ctx, source, d.vdi, d.sr, { title: `${title}: copy disk`, vmName }));
      const ok = results.every(Boolean);
      // XenCenter's VMMoveAction: the VM's suspend images go to the first SR its disks went to.
      if (ok && plan.disks[0]) await callRecorded(ctx.bridge, { connectionId: source, title, targetName: vmName, targetRef: plan.vm }, 'VM.set_suspend_SR', [plan.vm, plan.disks[0].sr]).catch(() => undefined);
      return { vm: plan.vm, status: ok ? 'success' : 'failure', now: { connectionId: source, ref: plan.vm } };
    }
    return { vm: plan.vm, status: 'success', now: { connectionId: source, ref: plan.vm } };
  });
  const results = await Promise.all([liveRuns, Promise.all(others)]);
  return [...results[0], ...results[1]];
}

/** Live migration within the pool, one task per VM (bulk: at most BULK_CONCURRENCY calls in flight). */
export async function migrateLive(ctx: RunContext, connectionId: string, vms: readonly string[], host: string, title = 'Migrate'): Promise<VmOutcome[]> {
  if (vms.length === 0) return [];
  const state = ctx.getState();
  const hostName = nameOf(state, connectionId, 'host', host);
  const calls: AsyncCall[] = vms.map((vm) => ({
    connectionId,
    title: `${title} to ${hostName}`,
    targetName: nameOf(state, connectionId, 'VM', vm),
    targetRef: vm,
    method: 'VM.pool_migrate',
    params: [vm, host, { live: 'true' }],
  }));
  const tasks = await launchEach(ctx.bridge, calls, BULK_CONCURRENCY);
  return Promise.all(
    tasks.map(async (task, i): Promise<VmOutcome> => {
      if (!task) return { vm: vms[i], status: 'refused' };
      const outcome = await waitForTask(connectionId, task);
      return { vm: vms[i], status: outcome.status, now: { connectionId, ref: vms[i] } };
    }),
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function migrateSend(ctx: RunContext, source: string, plan: Extract<VmPlan, { kind: 'migrate_send' }>, title: string): Promise<VmOutcome> {
  const state = ctx.getState();
  const vmName = nameOf(state, source, 'VM', plan.vm);
  const hostName = nameOf(state, plan.target.connectionId, 'host', plan.target.host);
  const info: LaunchInfo = { connectionId: source, title: `${title} to ${hostName}`, targetName: vmName, targetRef: plan.vm };
  return storageGate(source, sourceHost(state, source, plan.vm)).run(async () => {
    for (let attempt = 0; ; attempt++) {
      let token: unknown;
      try {
        // A fresh token for each VM, as XenCenter asks for one per VMCrossPoolMigrateAction.
        token = await callRecorded(ctx.bridge, { ...info, connectionId: plan.target.connectionId }, 'host.migrate_receive', [plan.target.host, plan.transferNetwork, {}]);
      } catch {
        return { vm: plan.vm, status: 'refused' };
      }
      const task = await launch(ctx.bridge, { ...info, method: 'VM.migrate_send', params: [plan.vm, token, true, plan.vdiMap, plan.vifMap, plan.options] });
      if (!task) return { vm: plan.vm, status: 'refused' };
      const outcome = await waitForTask(source, task);
      if (outcome.status === 'failure' && outcome.error?.code === 'TOO_MANY_STORAGE_MIGRATES' && attempt < MAX_RETRIES) {
        await (ctx.sleep ?? sleep)(RETRY_AFTER_MS);
        continue;
      }
      const moved = resultRef(outcome.result);
      const now = outcome.status !== 'success' ? { connectionId: source, ref: plan.vm } : plan.options.copy === 'true' ? (moved ? { connectionId: plan.target.connectionId, ref: moved } : undefined) : { connectionId: plan.target.connectionId, ref: moved ?? plan.vm };
      return { vm: plan.vm, status: outcome.status, now };
    }
  });
}

/** The drive to create again on a copied disk: the old one's settings (XenCenter keeps owner, mode, position). */
function driveLike(vbd: VBDRecord, vdi: string): Record<string, unknown> {
  return {
    VM: vbd.VM, VDI: vdi, userdevice: vbd.userdevice, bootable: vbd.bootable, mode: vbd.mode, type: vbd.type, unpluggable: vbd.unpluggable,
    empty: false, other_config: vbd.other_config ?? {}, qos_algorithm_type: vbd.qos_algorithm_type ?? '', qos_algorithm_params: vbd.qos_algorithm_params ?? {},
  };
}

/**
 * Moves a disk offline (XenCenter's MoveVirtualDiskAction): copies it to `sr`, re-links a suspend image,
 * puts its drives on the copy and deletes the original. True when it moved.
 */
export async function moveDiskOffline(ctx: RunContext, connectionId: string, vdi: string, sr: string, labels: { title: string; vmName?: string }): Promise<boolean> {
  const state = ctx.getState();
  const mirror = state.mirrors[connectionId];
  const record = mirror?.objects.VDI?.get(vdi);
  if (!mirror || !record) return false;
  const info: LaunchInfo = { connectionId, title: labels.title, targetName: labels.vmName ? `${record.name_label} (${labels.vmName})` : record.name_label, targetRef: vdi };
  const task = await launch(ctx.bridge, { ...info, method: 'VDI.copy', params: [vdi, sr] });
  if (!task) return false;
  const outcome = await waitForTask(connectionId, task);
  const copy = resultRef(outcome.result);
  if (outcome.status !== 'success' || !copy) return false;
  const call = (method: string, params: unknown[]) => callRecorded(ctx.bridge, info, method, params);
  try {
    if (record.type === 'suspend') {
      const vm = [...(mirror.objects.VM ?? new Map())].find(([, v]) => v.suspend_VDI === vdi)?.[0];
      if (vm) await call('VM.set_suspend_VDI', [vm, copy]);
    }
    const drives = record.VBDs.map((ref) => [ref, mirror.objects.VBD?.get(ref)] as const).filter((x): x is readonly [string, VBDRecord] => Boolean(x[1]));
    for (const [ref, vbd] of drives) {
      if (vbd.currently_attached && vbd.allowed_operations.includes('unplug')) await call('VBD.unplug', [ref]);
      await call('VBD.destroy', [ref]);
    }
    await call('VDI.destroy', [vdi]);
    for (const [, vbd] of drives) await call('VBD.create', [driveLike(vbd, copy)]);
    return true;
  } catch {
    return false;
  }
}

/** Live disk migrations (VDI.pool_migrate), at most DISK_MIGRATIONS_AT_ONCE running at a time. */
export async function migrateDisksLive(ctx: RunContext, connectionId: string, moves: readonly { vdi: string; sr: string }[], title = 'Migrate disk'): Promise<TaskOutcome['status'][]> {
  const gate = new ConcurrencyLimit(DISK_MIGRATIONS_AT_ONCE);
  const state = ctx.getState();
  return Promise.all(
    moves.map((m) =>
      gate.run(async () => {
        const srName = nameOf(state, connectionId, 'SR', m.sr);
        const task = await launch(ctx.bridge, { connectionId, title: `${title} to ${srName}`, targetName: nameOf(state, connectionId, 'VDI', m.vdi), targetRef: m.vdi, method: 'VDI.pool_migrate', params: [m.vdi, m.sr, {}] });
        return task ? (await waitForTask(connectionId, task)).status : 'failure';
      }),
    ),
  );
}

