/**
 * The Snapshots tab of a VM: a tree (parent/child, with "Now" for the current state) or a list, a details
 * pane for the selection, and the actions: take, revert, delete (one or many), new VM or template from a
 * snapshot, and the pool's snapshot schedules. Everything reads the mirror store; calls go through the bridge.
 */
import { useMemo, useState } from 'react';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { PropertyList } from '../../components/PropertyList';
import { useIndexed, useRecord, useRecords } from '../../store';
import { isNullRef } from '../../store/object-id';
import type { XapiObjectTabProps } from '../object-tabs';
import { formatBytes, formatTime } from '../tabs/format';
import { buildSnapshotTree, describeSchedule, flattenTree, KIND_LABEL, snapshotKind, sortByTime, type SnapshotEntry } from './snapshot-model';
import { DeleteSnapshotsDialog, FromSnapshotDialog, RevertDialog } from './SnapshotDialogs';
import { SchedulesDialog } from './SchedulesDialog';
import { SnapshotIcon } from './SnapshotIcon';
import { SnapshotTree, type SelectionProps } from './SnapshotTree';
import { TakeSnapshotDialog } from './TakeSnapshotDialog';
import './snapshots.css';

type Open =
  | { kind: 'take' }
  | { kind: 'revert'; ref: string }
  | { kind: 'delete'; refs: string[] }
  | { kind: 'from'; ref: string; template: boolean }
  | { kind: 'schedules' };

function SnapshotList({ entries, ...sel }: SelectionProps & { entries: SnapshotEntry[] }) {
  return (
    <table className="snap-table snap-list" aria-label="Snapshots" aria-multiselectable="true" role="grid">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Taken</th>
          <th scope="col">Type</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(({ ref, record }) => {
          const selected = sel.selected.has(ref);
          return (
            <tr
              key={ref}
              aria-selected={selected}
              tabIndex={0}
              className={selected ? 'is-selected' : undefined}
              onClick={(e) => sel.onSelect([ref], e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'replace')}
              onDoubleClick={() => sel.onActivate(ref)}
              onKeyDown={(e) => {
                if (e.key === ' ') {
                  e.preventDefault();
                  sel.onSelect([ref], e.ctrlKey || e.metaKey ? 'toggle' : 'replace');
                } else if (e.key === 'Enter') {
                  e.preventDefault();
                  sel.onActivate(ref);
                }
              }}
            >
              <td className="snap-nowrap">
                <SnapshotIcon kind={snapshotKind(record)} /> {record.name_label}
              </td>
              <td className="snap-nowrap">{formatTime(record.snapshot_time)}</td>
              <td>
                {KIND_LABEL[snapshotKind(record)]}
                {record.is_vmss_snapshot ? ' (scheduled)' : ''}
              </td>
              <td className="snap-desc">{record.name_description}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Details({ connectionId, vm, selected }: { connectionId: string; vm: VMRecord; selected: SnapshotEntry[] }) {
  const snap = selected.length === 1 ? selected[0].record : undefined;
  const vbds = useRecords(connectionId, 'VBD', snap?.VBDs ?? []);
  const vdis = useRecords(connectionId, 'VDI', vbds.filter((b) => b.type === 'Disk' && !b.empty).map((b) => b.VDI));
  const schedule = useRecord(connectionId, 'VMSS', isNullRef(vm.snapshot_schedule) ? undefined : vm.snapshot_schedule);
  if (selected.length > 1) {
    return (
      <aside className="snap-details" aria-label="Snapshot details">
        <h3 className="section-title">{selected.length} snapshots selected</h3>
        <p className="muted">Delete removes them all with their disks.</p>
      </aside>
    );
  }
  if (!snap) {
    return (
      <aside className="snap-details" aria-label="Snapshot details">
        <PropertyList
          title={`${vm.name_label} now`}
          rows={[
            ['Power state', vm.power_state],
            ['Snapshots', String(vm.snapshots.length)],
            ['Schedule', schedule ? `${schedule.name_label}: ${describeSchedule(schedule)}${schedule.enabled ? '' : ' (disabled)'}` : 'None'],
          ]}
        />
        <p className="muted snap-hint">Select a snapshot to see it, revert to it or make a VM from it.</p>
      </aside>
    );
  }
  const kind = snapshotKind(snap);
  const size = vdis.reduce((a, v) => a + v.virtual_size, 0);
  const used = vdis.reduce((a, v) => a + v.physical_utilisation, 0);
  return (
    <aside className="snap-details" aria-label="Snapshot details">
      <PropertyList
        title={snap.name_label}
        rows={[
          ['Taken', formatTime(snap.snapshot_time)],
          ['Type', `${KIND_LABEL[kind]}${snap.is_vmss_snapshot ? ', by a schedule' : ''}`],
          ['Description', snap.name_description || '—'],
          ['VM state then', snap.snapshot_info['power-state-at-snapshot'] ?? '—'],
          ['Disks', vdis.length ? `${vdis.length} (${formatBytes(size)}, ${formatBytes(used)} used by the snapshot)` : 'None'],
          ['Memory', formatBytes(snap.memory_static_max)],
          ['vCPUs', String(snap.VCPUs_at_startup)],
        ]}
      />
    </aside>
  );
}

export default function SnapshotsTab({ target }: XapiObjectTabProps) {
  const { connectionId, ref: vmRef } = target;
  const vm = useRecord(connectionId, 'VM', vmRef);
  const snapRefs = useIndexed(connectionId, 'snapshotsByVm', vmRef);
  const snapRecords = useRecords(connectionId, 'VM', snapRefs);
  const entries = useMemo(() => snapRecords.map((record, i) => ({ ref: snapRefs[i], record })), [snapRecords, snapRefs]);
  const [view, setView] = useState<'tree' | 'list'>('tree');
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<string>();
  const [open, setOpen] = useState<Open>();

  const roots = useMemo(() => (vm ? buildSnapshotTree(vmRef, vm, entries) : []), [vm, vmRef, entries]);
  const order = useMemo(() => (view === 'tree' ? flattenTree(roots).map((r) => r.node.ref) : sortByTime(entries).map((e) => e.ref)), [view, roots, entries]);
  if (!vm) return <p className="muted">This VM no longer exists.</p>;

  const byRef = new Map(entries.map((e) => [e.ref, e]));
  const selected = [...selection].map((r) => byRef.get(r)).filter((e): e is SnapshotEntry => !!e);
  const single = selected.length === 1 && selection.size === 1 ? selected[0] : undefined;

  const onSelect: SelectionProps['onSelect'] = (refs, mode) => {
    const ref = refs[0];
    if (mode === 'toggle') {
      const next = new Set(selection);
      if (next.has(ref)) next.delete(ref);
      else next.add(ref);
      setSelection(next);
      setAnchor(ref);
    } else if (mode === 'range' && anchor && order.includes(anchor)) {
      const [a, b] = [order.indexOf(anchor), order.indexOf(ref)].sort((x, y) => x - y);
      setSelection(new Set(order.slice(a, b + 1)));
    } else {
      setSelection(new Set([ref]));
      setAnchor(ref);
    }
  };
  const onActivate = (ref: string) => {
    if (byRef.has(ref)) setOpen({ kind: 'revert', ref });
  };
  const canTake = vm.allowed_operations.includes('snapshot');
  const close = () => setOpen(undefined);

  return (
    <div className="view-snapshots">
      <div className="snap-toolbar" role="toolbar" aria-label="Snapshot actions">
        <button type="button" className="button button-primary" disabled={!canTake} title={canTake ? undefined : 'Not allowed now (another operation is running, or this VM cannot be snapshotted)'} onClick={() => setOpen({ kind: 'take' })}>
          Take snapshot…
        </button>
        <button type="button" className="button" disabled={!single} onClick={() => single && setOpen({ kind: 'revert', ref: single.ref })}>
          Revert to…
        </button>
        <button type="button" className="button" disabled={!selected.length} onClick={() => setOpen({ kind: 'delete', refs: selected.map((s) => s.ref) })}>
          Delete{selected.length > 1 ? ` (${selected.length})` : ''}
        </button>
        <button type="button" className="button" disabled={!single} onClick={() => single && setOpen({ kind: 'from', ref: single.ref, template: false })}>
          New VM from snapshot…
        </button>
        <button type="button" className="button" disabled={!single} onClick={() => single && setOpen({ kind: 'from', ref: single.ref, template: true })}>
          Save as template…
        </button>
        <span className="toolbar-spacer" />
        <button type="button" className="button" onClick={() => setOpen({ kind: 'schedules' })}>
          Schedules…
        </button>
        <div className="snap-view-switch" role="radiogroup" aria-label="View">
          {(['tree', 'list'] as const).map((v) => (
            <button key={v} type="button" role="radio" aria-checked={view === v} className={`button button-small${view === v ? ' is-active' : ''}`} onClick={() => setView(v)}>
              {v === 'tree' ? 'Tree' : 'List'}
            </button>
          ))}
        </div>
      </div>
      <div className="snap-body">
        <div className="snap-main">
          {view === 'tree' ? (
            <SnapshotTree roots={roots} vm={vm} selected={selection} onSelect={onSelect} onActivate={onActivate} />
          ) : entries.length ? (
            <SnapshotList entries={sortByTime(entries)} selected={selection} onSelect={onSelect} onActivate={onActivate} />
          ) : (
            <p className="muted">No snapshots of this VM yet.</p>
          )}
        </div>
        <Details connectionId={connectionId} vm={vm} selected={selected} />
      </div>
      {open?.kind === 'take' && <TakeSnapshotDialog connectionId={connectionId} vmRef={vmRef} vm={vm} onClose={close} />}
      {open?.kind === 'revert' && byRef.has(open.ref) && (
        <RevertDialog connectionId={connectionId} vmRef={vmRef} vm={vm} snapRef={open.ref} snap={byRef.get(open.ref)!.record} onClose={close} />
      )}
      {open?.kind === 'delete' && (
        <DeleteSnapshotsDialog
          connectionId={connectionId}
          items={open.refs.map((r) => byRef.get(r)).filter((e): e is SnapshotEntry => !!e)}
          onClose={() => {
            close();
            setSelection(new Set());
          }}
        />
      )}
      {open?.kind === 'from' && byRef.has(open.ref) && (
        <FromSnapshotDialog connectionId={connectionId} snapRef={open.ref} snap={byRef.get(open.ref)!.record} vm={vm} asTemplate={open.template} onClose={close} />
      )}
      {open?.kind === 'schedules' && <SchedulesDialog connectionId={connectionId} onClose={close} />}
    </div>
  );
}
