/**
 * What the Snapshots tab does, as XenCenter does it: each step an Async call shown in the task panel,
 * waited for through the mirror. A failed step throws its XAPI error ({code, params}) for the dialog.
 */
import type { Bridge } from '../../../shared/bridge';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { runTask, TaskFailed } from '../../actions/run-tasks';
import type { ClassMap, MirrorState } from '../../store';
import type { SnapshotKind } from './snapshot-model';

interface Ctx {
  bridge: Bridge;
  connectionId: string;
}

/** Runs one Async call to its end (listed in the task panel); the task's result ref, if any. `onTask` learns the task ref at once. */
export function runStep(ctx: Ctx, title: string, targetName: string, targetRef: string, method: string, params: unknown[], onTask?: (task: string) => void): Promise<string | undefined> {
  return runTask(ctx.bridge, { connectionId: ctx.connectionId, title, targetName, targetRef }, method, params, onTask);
}

const METHOD: Record<SnapshotKind, string> = { disk: 'VM.snapshot', quiesced: 'VM.snapshot_with_quiesce', memory: 'VM.checkpoint' };

export async function takeSnapshot(ctx: Ctx, vmRef: string, vmName: string, kind: SnapshotKind, name: string, description: string, onTask?: (task: string) => void): Promise<string> {
  const params = kind === 'disk' ? [vmRef, name, []] : [vmRef, name];
  const title = kind === 'memory' ? 'Take snapshot with memory' : kind === 'quiesced' ? 'Take quiesced snapshot' : 'Take snapshot';
  const snap = await runStep(ctx, title, vmName, vmRef, METHOD[kind], params, onTask);
  if (!snap) throw new TaskFailed('INTERNAL_ERROR', ['the snapshot task returned no snapshot']);
  // xapi copies the VM's description onto the snapshot; the snapshot's own (possibly empty) replaces it, as XenCenter does.
  await ctx.bridge.request('xapi.call', { connectionId: ctx.connectionId, method: 'VM.set_name_description', params: [snap, description.trim()] });
  return snap;
}

/**
 * Revert as XenCenter does: optionally a snapshot of the current state first; VM.revert (the VM ends in the
 * snapshot's power state: Halted, or Suspended for a checkpoint); then a checkpoint taken from a running VM
 * is resumed, so the VM runs again from the saved memory.
 */
export async function revertTo(ctx: Ctx, vmRef: string, vm: VMRecord, snapRef: string, snap: VMRecord, safetyName: string | undefined, onStep: (words: string, task?: string) => void): Promise<void> {
  if (safetyName) {
    onStep('Taking a snapshot of the current state…');
    await takeSnapshot(ctx, vmRef, vm.name_label, 'disk', safetyName, `Taken before reverting to “${snap.name_label}”`, (t) => onStep('Taking a snapshot of the current state…', t));
  }
  onStep(`Reverting to “${snap.name_label}”…`);
  await runStep(ctx, 'Revert to snapshot', vm.name_label, vmRef, 'VM.revert', [snapRef], (t) => onStep(`Reverting to “${snap.name_label}”…`, t));
  if (snap.power_state === 'Suspended' && snap.snapshot_info['power-state-at-snapshot'] !== 'Suspended') {
    onStep('Resuming from the saved memory…');
    await runStep(ctx, 'Resume', vm.name_label, vmRef, 'VM.resume', [vmRef, false, false], (t) => onStep('Resuming from the saved memory…', t));
  }
}

/** The disks a snapshot owns (its VBDs say owner), deleted with it as XenCenter does. */
export function ownedDisks(state: MirrorState, connectionId: string, snap: VMRecord): string[] {
  const objects = state.mirrors[connectionId]?.objects;
  const vbds = objects?.VBD as ClassMap<'VBD'> | undefined;
  return snap.VBDs.map((r) => vbds?.get(r)).filter((b) => b && b.type === 'Disk' && !b.empty && 'owner' in b.other_config).map((b) => b!.VDI);
}

/** Deletes snapshots one after the other (each VM.destroy rebases the tree), then their disks. */
export async function deleteSnapshots(ctx: Ctx, state: MirrorState, items: { ref: string; record: VMRecord }[], onStep: (words: string) => void): Promise<void> {
  for (const { ref, record } of items) {
    const disks = ownedDisks(state, ctx.connectionId, record);
    onStep(`Deleting “${record.name_label}”…`);
    await runStep(ctx, 'Delete snapshot', record.name_label, ref, 'VM.destroy', [ref]);
    for (const vdi of disks) await runStep(ctx, 'Delete snapshot disk', record.name_label, vdi, 'VDI.destroy', [vdi]);
  }
}

/** A new VM (or a template) from a snapshot: VM.clone gives a template; a VM is that template made a VM. */
export async function newFromSnapshot(ctx: Ctx, snapRef: string, snap: VMRecord, name: string, asTemplate: boolean): Promise<string> {
  const ref = await runStep(ctx, asTemplate ? 'Save snapshot as template' : 'New VM from snapshot', snap.name_label, snapRef, 'VM.clone', [snapRef, name]);
  if (!ref) throw new TaskFailed('INTERNAL_ERROR', ['the clone task returned no VM']);
  if (!asTemplate) await ctx.bridge.request('xapi.call', { connectionId: ctx.connectionId, method: 'VM.set_is_a_template', params: [ref, false] });
  return ref;
}
