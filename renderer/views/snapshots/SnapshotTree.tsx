/**
 * The snapshot tree (WAI-ARIA tree): one row per snapshot, indented under its parent, and the "Now" row for
 * the VM's current state. Click selects, Ctrl/Cmd+click adds, Shift+click selects a range; arrows move,
 * Enter on a snapshot asks to revert to it.
 */
import { useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { formatTime } from '../tabs/format';
import { flattenTree, KIND_LABEL, snapshotKind, type SnapshotNode } from './snapshot-model';
import { SnapshotIcon } from './SnapshotIcon';

export interface SelectionProps {
  selected: ReadonlySet<string>;
  onSelect: (refs: string[], mode: 'replace' | 'toggle' | 'range') => void;
  onActivate: (ref: string) => void;
}

export function SnapshotTree({ roots, vm, ...sel }: SelectionProps & { roots: SnapshotNode[]; vm: VMRecord }) {
  const rows = flattenTree(roots);
  const listRef = useRef<HTMLUListElement>(null);
  const focusRow = (i: number) => listRef.current?.querySelectorAll<HTMLElement>('[role="treeitem"]')[i]?.focus();

  const click = (e: MouseEvent, ref: string) => sel.onSelect([ref], e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'replace');
  const key = (e: KeyboardEvent, i: number, ref: string) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      sel.onSelect([rows[next].node.ref], e.shiftKey ? 'range' : 'replace');
      focusRow(next);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      sel.onActivate(ref);
    } else if (e.key === ' ') {
      e.preventDefault();
      sel.onSelect([ref], e.ctrlKey || e.metaKey ? 'toggle' : 'replace');
    }
  };

  return (
    <ul ref={listRef} className="snap-tree" role="tree" aria-label="Snapshot tree" aria-multiselectable="true">
      {rows.map(({ node, depth }, i) => {
        const selected = sel.selected.has(node.ref);
        const s = node.snapshot;
        const kind = s ? snapshotKind(s) : undefined;
        return (
          <li
            key={node.ref}
            role="treeitem"
            aria-level={depth + 1}
            aria-selected={selected}
            aria-label={s ? `${s.name_label}, ${KIND_LABEL[kind!]} snapshot, ${formatTime(s.snapshot_time)}` : `Now: current state, ${vm.power_state}`}
            tabIndex={selected || (sel.selected.size === 0 && node.now) ? 0 : -1}
            className={`snap-row${selected ? ' is-selected' : ''}${node.now ? ' is-now' : ''}`}
            style={{ paddingLeft: `${0.5 + depth * 1.5}rem` }}
            data-depth={depth}
            onClick={(e) => click(e, node.ref)}
            onDoubleClick={() => sel.onActivate(node.ref)}
            onKeyDown={(e) => key(e, i, node.ref)}
          >
            {depth > 0 && <span className="snap-branch" aria-hidden="true" />}
            <SnapshotIcon kind={node.now ? 'now' : kind!} running={vm.power_state === 'Running'} />
            <span className="snap-name">{s ? s.name_label : 'Now'}</span>
            <span className="snap-meta muted">{s ? `${KIND_LABEL[kind!]} · ${formatTime(s.snapshot_time)}${s.is_vmss_snapshot ? ' · scheduled' : ''}` : `Current state: ${vm.power_state}`}</span>
          </li>
        );
      })}
    </ul>
  );
}
