/**
 * The snapshot tree of one VM as XenCenter draws it: snapshots linked by `parent` (the snapshot the VM ran
 * from when the next one was taken), and a "Now" node, the VM's current state, under the VM's own parent.
 * Snapshots whose parent was deleted or belongs to no snapshot of this VM become roots.
 */
import type { VMRecord, VMSSRecord } from '../../../shared/xapi/generated/records';
import { parseXapiTime } from '../tasks/xapi-time';

export type SnapshotKind = 'disk' | 'quiesced' | 'memory';

export const KIND_LABEL: Record<SnapshotKind, string> = { disk: 'Disk', quiesced: 'Quiesced disk', memory: 'Disk and memory' };

/** A checkpoint is a Suspended snapshot (it has a memory image); quiesced ones say so in snapshot_info. */
export function snapshotKind(s: Pick<VMRecord, 'power_state' | 'snapshot_info'>): SnapshotKind {
  if (s.power_state === 'Suspended') return 'memory';
  return s.snapshot_info['disk-snapshot-type'] === 'quiesced' ? 'quiesced' : 'disk';
}

export interface SnapshotNode {
  /** A snapshot's ref, or the VM's own ref for the "Now" node. */
  ref: string;
  now: boolean;
  snapshot?: VMRecord;
  children: SnapshotNode[];
}

export interface SnapshotEntry {
  ref: string;
  record: VMRecord;
}

function time(s: VMRecord): number {
  return parseXapiTime(s.snapshot_time) ?? 0;
}

export function buildSnapshotTree(vmRef: string, vm: Pick<VMRecord, 'parent'>, snapshots: readonly SnapshotEntry[]): SnapshotNode[] {
  const nodes = new Map<string, SnapshotNode>();
  for (const s of snapshots) nodes.set(s.ref, { ref: s.ref, now: false, snapshot: s.record, children: [] });
  const roots: SnapshotNode[] = [];
  const byTime = [...snapshots].sort((a, b) => time(a.record) - time(b.record) || a.record.name_label.localeCompare(b.record.name_label));
  for (const s of byTime) {
    const node = nodes.get(s.ref)!;
    const parent = nodes.get(s.record.parent);
    // A parent cycle cannot come from xapi, but a half-applied batch must not hang the view.
    if (parent && parent !== node && !isAncestor(node, parent)) parent.children.push(node);
    else roots.push(node);
  }
  const now: SnapshotNode = { ref: vmRef, now: true, children: [] };
  const at = nodes.get(vm.parent);
  if (at) at.children.push(now);
  else roots.push(now);
  return roots;
}

function isAncestor(candidate: SnapshotNode, of: SnapshotNode): boolean {
  const stack = [...candidate.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === of) return true;
    stack.push(...n.children);
  }
  return false;
}

/** Depth-first order of the tree, with each node's depth: what the tree view draws row by row. */
export function flattenTree(roots: readonly SnapshotNode[]): { node: SnapshotNode; depth: number }[] {
  const out: { node: SnapshotNode; depth: number }[] = [];
  const walk = (n: SnapshotNode, depth: number) => {
    out.push({ node: n, depth });
    n.children.forEach((c) => walk(c, depth + 1));
  };
  roots.forEach((r) => walk(r, 0));
  return out;
}

/** The newest first, as the list view shows them. */
export function sortByTime(snapshots: readonly SnapshotEntry[]): SnapshotEntry[] {
  return [...snapshots].sort((a, b) => time(b.record) - time(a.record));
}

export const NAME_MAX = 255;

/** Why a snapshot name cannot be used, or undefined. */
export function nameProblem(name: string): string | undefined {
  const t = name.trim();
  if (!t) return 'Enter a name for the snapshot.';
  if (t.length > NAME_MAX) return `Keep the name under ${NAME_MAX} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(t)) return 'The name cannot contain control characters.';
  return undefined;
}

/** XenCenter's default: the VM's name and the moment, unique enough to tell snapshots apart. */
export function defaultSnapshotName(vmName: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${vmName} ${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** The VSS provider of the guest's tools advertises quiesced snapshots (what xapi checks before VM.snapshot_with_quiesce). */
export function guestSupportsQuiesce(other: Readonly<Record<string, string>> | undefined): boolean {
  return other?.['feature-quiesce'] === '1' || other?.['feature-snapshot'] === '1';
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export { DAYS };

/** "Every day at 02:00 (UTC)", "Every hour at :15", "Saturday, Sunday at 03:30 (UTC)". */
export function describeSchedule(v: Pick<VMSSRecord, 'frequency' | 'schedule'>): string {
  const min = String(v.schedule.min ?? '0').padStart(2, '0');
  const hour = String(v.schedule.hour ?? '0').padStart(2, '0');
  if (v.frequency === 'hourly') return `Every hour at :${min}`;
  if (v.frequency === 'daily') return `Every day at ${hour}:${min}`;
  const days = String(v.schedule.days ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  return `${days.join(', ') || 'Weekly'} at ${hour}:${min}`;
}

export const VMSS_TYPE_LABEL: Record<string, string> = { snapshot: 'Disk snapshots', snapshot_with_quiesce: 'Quiesced disk snapshots', checkpoint: 'Disk and memory snapshots' };
