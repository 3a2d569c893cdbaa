/** Reading a selection against the mirror: which selected objects are VMs, hosts, connections, and in what state. */
import type { HostRecord, VMRecord, EnumVmOperations } from '../../shared/xapi/generated/records';
import type { ClassMap, MirrorState, ObjectTarget, Target } from '../store';

export interface Resolved<R> {
  target: ObjectTarget;
  record: R;
}

function recordOf<R>(state: MirrorState, t: ObjectTarget): R | undefined {
  return (state.mirrors[t.connectionId]?.objects[t.cls] as ClassMap<never> | undefined)?.get(t.ref) as R | undefined;
}

/** Ordinary VMs of the selection (no templates, snapshots or control domains), with their records. */
export function selectedVms(targets: Target[], state: MirrorState): Resolved<VMRecord>[] {
  const out: Resolved<VMRecord>[] = [];
  for (const t of targets) {
    if (t.kind !== 'object' || t.cls !== 'VM') continue;
    const record = recordOf<VMRecord>(state, t);
    if (record && !record.is_a_template && !record.is_a_snapshot && !record.is_control_domain) out.push({ target: t, record });
  }
  return out;
}

export function selectedTemplates(targets: Target[], state: MirrorState): Resolved<VMRecord>[] {
  const out: Resolved<VMRecord>[] = [];
  for (const t of targets) {
    if (t.kind !== 'object' || t.cls !== 'VM') continue;
    const record = recordOf<VMRecord>(state, t);
    if (record?.is_a_template && !record.is_a_snapshot) out.push({ target: t, record });
  }
  return out;
}

export function selectedHosts(targets: Target[], state: MirrorState): Resolved<HostRecord>[] {
  const out: Resolved<HostRecord>[] = [];
  for (const t of targets) {
    if (t.kind !== 'object' || t.cls !== 'host') continue;
    const record = recordOf<HostRecord>(state, t);
    if (record) out.push({ target: t, record });
  }
  return out;
}

/** True when every target is an ordinary VM (the selection is "some VMs"). */
export function onlyVms(targets: Target[], state: MirrorState): boolean {
  return targets.length > 0 && selectedVms(targets, state).length === targets.length;
}

export function onlyHosts(targets: Target[], state: MirrorState): boolean {
  return targets.length > 0 && selectedHosts(targets, state).length === targets.length;
}

/** XAPI allows `op` on the VM now (allowed_operations is recomputed by the pool on every change). */
export function vmAllows(vm: VMRecord, op: EnumVmOperations): boolean {
  return vm.allowed_operations.includes(op);
}

export const isMaintenanceMode = (host: HostRecord): boolean => host.other_config?.MAINTENANCE_MODE === 'true';

/** The connection a selection belongs to, when it is one connection (connection row or objects of it). */
export function connectionTargets(targets: Target[]): string[] {
  return targets.filter((t) => t.kind === 'connection').map((t) => t.connectionId);
}
