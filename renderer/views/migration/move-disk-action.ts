/**
 * "Move Virtual Disk…" for disks (VDI targets: the Storage tabs of a VM and of an SR offer it on their rows):
 * the dialog picks the SR, then a running VM's disks migrate live (VDI.pool_migrate, three at a time) and
 * halted VMs' disks are copied offline (VDI.copy, then the original deleted and the drives put back).
 */
import { createElement } from 'react';
import { ConcurrencyLimit } from '../../../shared/api-client/concurrency-limit';
import type { Action } from '../../actions/types';
import type { MirrorState, Target } from '../../store';
import { diskMoveReason, moveKind } from './move-disk-model';
import { MoveDiskDialog, type MoveDiskChoice } from './MoveDiskDialog';
import { DISK_MIGRATIONS_AT_ONCE, migrateDisksLive, moveDiskOffline } from './migration-runner';

const vdiTargets = (targets: Target[]) => targets.filter((t) => t.kind === 'object' && t.cls === 'VDI');

export const moveVirtualDisk: Action = {
  id: 'vdi.move',
  label: 'Move Virtual Disk…',
  icon: 'move-disk',
  group: 'vm-manage',
  toolbar: 'none',
  keywords: ['migrate disk', 'storage migration', 'VDI.pool_migrate', 'move disk'],
  needs: 'Choose a disk in a Storage tab.',
  appliesTo: (targets) => targets.length > 0 && vdiTargets(targets).length === targets.length && new Set(targets.map((t) => t.connectionId)).size === 1,
  disabledReason: (targets: Target[], state: MirrorState) => {
    const mirror = state.mirrors[targets[0]?.connectionId ?? ''];
    if (!mirror) return 'The pool is not connected.';
    const reasons = targets.map((t) => (t.kind === 'object' ? diskMoveReason(mirror, t.ref) : 'Not a disk.'));
    return reasons.every(Boolean) ? reasons[0] : undefined;
  },
  async run(ctx) {
    const connectionId = ctx.targets[0].connectionId;
    const vdis = ctx.targets.flatMap((t) => (t.kind === 'object' ? [t.ref] : []));
    const choice = await ctx.ui.dialog<MoveDiskChoice>((done) => createElement(MoveDiskDialog, { connectionId, vdis, onDone: done }));
    if (!choice) return;
    const mirror = ctx.getState().mirrors[connectionId];
    if (!mirror) return;
    const run = { bridge: ctx.bridge, getState: ctx.getState };
    const live = choice.vdis.filter((v) => mirror.objects.VDI?.get(v) && moveKind(mirror, mirror.objects.VDI.get(v)!) === 'live');
    const offline = choice.vdis.filter((v) => !live.includes(v));
    const gate = new ConcurrencyLimit(DISK_MIGRATIONS_AT_ONCE);
    await Promise.all([
      migrateDisksLive(run, connectionId, live.map((vdi) => ({ vdi, sr: choice.sr }))),
      ...offline.map((vdi) => gate.run(() => moveDiskOffline(run, connectionId, vdi, choice.sr, { title: 'Move disk' }))),
    ]);
  },
};
