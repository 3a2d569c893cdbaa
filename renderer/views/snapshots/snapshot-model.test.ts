/** The tree the Snapshots tab draws from parent links, with "Now" under the VM's parent. */
import { describe, expect, it } from 'vitest';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { buildSnapshotTree, describeSchedule, flattenTree, nameProblem, snapshotKind } from './snapshot-model';

const NULL = 'OpaqueRef:NULL';
const snap = (name: string, parent: string, time: string, extra: Partial<VMRecord> = {}) =>
  ({ name_label: name, parent, snapshot_time: time, power_state: 'Halted', snapshot_info: { 'disk-snapshot-type': 'crash_consistent' }, ...extra }) as VMRecord;
const rows = (vmParent: string, entries: { ref: string; record: VMRecord }[]) =>
  flattenTree(buildSnapshotTree('vm', { parent: vmParent }, entries)).map((r) => `${'  '.repeat(r.depth)}${r.node.now ? 'Now' : r.node.snapshot!.name_label}`);

describe('snapshot tree', () => {
  it('chains snapshots by parent and puts Now under the VM’s parent, branches included', () => {
    const entries = [
      { ref: 'c', record: snap('after revert', 'a', '20240103T00:00:00Z') },
      { ref: 'a', record: snap('first', NULL, '20240101T00:00:00Z') },
      { ref: 'b', record: snap('second', 'a', '20240102T00:00:00Z', { power_state: 'Suspended' }) },
    ];
    expect(rows('b', entries)).toEqual(['first', '  second', '    Now', '  after revert']);
  });

  it('makes a snapshot whose parent is gone a root, and Now a root when the VM has no parent', () => {
    expect(rows(NULL, [{ ref: 'x', record: snap('orphan', 'deleted', '20240101T00:00:00Z') }])).toEqual(['orphan', 'Now']);
  });

  it('survives a parent cycle from a half-applied update', () => {
    const entries = [
      { ref: 'a', record: snap('a', 'b', '20240101T00:00:00Z') },
      { ref: 'b', record: snap('b', 'a', '20240102T00:00:00Z') },
    ];
    expect(rows(NULL, entries)).toHaveLength(3);
  });
});

describe('snapshot words', () => {
  it('names the kind from power state and snapshot_info', () => {
    expect(snapshotKind(snap('m', NULL, '', { power_state: 'Suspended' }))).toBe('memory');
    expect(snapshotKind(snap('q', NULL, '', { snapshot_info: { 'disk-snapshot-type': 'quiesced' } }))).toBe('quiesced');
    expect(snapshotKind(snap('d', NULL, ''))).toBe('disk');
  });

  it('validates names and describes schedules', () => {
    expect(nameProblem('  ')).toBe('Enter a name for the snapshot.');
    expect(nameProblem('x'.repeat(256))).toMatch(/under 255/);
    expect(nameProblem('before upgrade')).toBeUndefined();
    expect(describeSchedule({ frequency: 'weekly', schedule: { hour: '3', min: '30', days: 'Saturday,Sunday' } })).toBe('Saturday, Sunday at 03:30');
    expect(describeSchedule({ frequency: 'hourly', schedule: { min: '15' } })).toBe('Every hour at :15');
  });
});
