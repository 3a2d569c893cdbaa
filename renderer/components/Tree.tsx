/**
 * A virtualized, multi-select tree (WAI-ARIA tree view with aria-activedescendant): only the rows in
 * view are in the DOM, so 5,000 VMs scroll smoothly. The tree is one tab stop; the focused row is
 * pointed at by aria-activedescendant, so keyboard focus never sits on a row that scrolls out and
 * unmounts. Rows carry aria-level/setsize/posinset so the flat DOM reads as a tree.
 *
 * Keyboard: Up/Down/Home/End move (and select; Shift extends, Ctrl moves only), Right opens or enters,
 * Left closes or goes to the parent, Enter activates, Space selects (Ctrl+Space toggles), Ctrl+A
 * selects all, letters jump to the next row starting with what was typed, the context-menu key or
 * Shift+F10 opens the context menu. Mouse: click, Ctrl/Cmd+click, Shift+click, double-click, right-click.
 *
 * The caller owns the rows (flattened, in order), the open state and the selection (by row id: rows of
 * the same object share an id and are selected together).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import './tree.css';

export interface TreeRowData {
  /** Unique row key. */
  key: string;
  /** Selection id (shared by rows showing the same object). */
  id: string;
  parentKey: string | undefined;
  level: number;
  label: string;
  hasChildren: boolean;
  open: boolean;
  posInSet: number;
  setSize: number;
  detail?: string;
  tone?: 'normal' | 'muted' | 'warning';
  /** Alert count, drawn as a badge. */
  badge?: number;
  /** Part of the label to highlight, [start, end). */
  labelMatch?: [number, number];
  /** Matched text that is not the label (an IP, a uuid), shown after it. */
  termMatch?: string;
}

export interface TreeProps<R extends TreeRowData> {
  label: string;
  rows: readonly R[];
  selectedIds: ReadonlySet<string>;
  /** Keep it stable (module-level or useCallback): rows re-render only when their props change. */
  renderIcon: (row: R) => ReactNode;
  onToggle: (row: R, open: boolean) => void;
  /** The new selection, in order; `focused` is the row the user acted on. */
  onSelect: (ids: string[], focused: R) => void;
  /** Enter or double-click on a row. */
  onActivate?: (row: R) => void;
  /** Right-click, context-menu key or Shift+F10; the selection already includes the row. */
  onContextMenu?: (row: R, at: { x: number; y: number }) => void;
  empty?: ReactNode;
}

export const TREE_ROW_HEIGHT = 24;
const TYPEAHEAD_MS = 700;

function Highlight({ text, range }: { text: string; range?: [number, number] }) {
  if (!range) return <>{text}</>;
  return (
    <>
      {text.slice(0, range[0])}
      <mark className="tree-match">{text.slice(range[0], range[1])}</mark>
      {text.slice(range[1])}
    </>
  );
}

interface RowViewProps {
  row: TreeRowData;
  domId: string;
  renderIcon: (row: never) => ReactNode;
  selected: boolean;
  focused: boolean;
  top: number;
  onRowMouseDown: (e: MouseEvent, key: string) => void;
  onRowDoubleClick: (key: string) => void;
  onRowContextMenu: (e: MouseEvent, key: string) => void;
  onTwisty: (e: MouseEvent, key: string) => void;
}

const RowView = memo(function RowView({ row, domId, renderIcon, selected, focused, top, onRowMouseDown, onRowDoubleClick, onRowContextMenu, onTwisty }: RowViewProps) {
  const extra = [row.detail, row.termMatch, row.badge ? `${row.badge} alert${row.badge === 1 ? '' : 's'}` : undefined].filter(Boolean).join(', ');
  return (
    <div
      id={domId}
      role="treeitem"
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-expanded={row.hasChildren ? row.open : undefined}
      aria-selected={selected}
      aria-label={row.label}
      aria-description={extra || undefined}
      className={`vtree-row tone-${row.tone ?? 'normal'}${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}`}
      style={{ transform: `translateY(${top}px)`, paddingInlineStart: `${(row.level - 1) * 16 + 4}px` }}
      onMouseDown={(e) => onRowMouseDown(e, row.key)}
      onDoubleClick={() => onRowDoubleClick(row.key)}
      onContextMenu={(e) => onRowContextMenu(e, row.key)}
    >
      <span className={`tree-twisty${row.hasChildren ? '' : ' is-leaf'}${row.open ? ' is-open' : ''}`} onMouseDown={(e) => onTwisty(e, row.key)} aria-hidden="true">
        <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M3.5 2 7 5 3.5 8" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </span>
      <span className="tree-icon">{renderIcon(row as never)}</span>
      <span className="tree-label">
        <Highlight text={row.label} range={row.labelMatch} />
      </span>
      {row.termMatch && (
        <span className="tree-detail">
          <mark className="tree-match">{row.termMatch}</mark>
        </span>
      )}
      {row.detail && <span className="tree-detail">{row.detail}</span>}
      {row.badge ? (
        <span className="tree-badge" aria-hidden="true">
          {row.badge}
        </span>
      ) : null}
    </div>
  );
});

export function Tree<R extends TreeRowData>(props: TreeProps<R>) {
  const { label, rows, selectedIds, renderIcon, onToggle, onSelect, onActivate, onContextMenu, empty } = props;
  const base = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusedKey, setFocusedKey] = useState<string>();
  const [anchorKey, setAnchorKey] = useState<string>();
  const typeahead = useRef({ text: '', at: 0 });

  const indexOfKey = useMemo(() => new Map(rows.map((r, i) => [r.key, i])), [rows]);
  // The focused row if still shown, else the first selected row, else the first row.
  const focusIndex = useMemo(() => {
    const i = focusedKey !== undefined ? indexOfKey.get(focusedKey) : undefined;
    if (i !== undefined) return i;
    const sel = rows.findIndex((r) => selectedIds.has(r.id));
    return sel >= 0 ? sel : rows.length ? 0 : -1;
  }, [focusedKey, indexOfKey, rows, selectedIds]);
  const focused = focusIndex >= 0 ? rows[focusIndex] : undefined;

  // The virtualizer re-renders this component on scroll by itself; nothing here relies on compiler memoization.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => TREE_ROW_HEIGHT, overscan: 24 });

  const rowsRef = useRef(rows);
  const stateRef = useRef({ selectedIds, anchorKey, focusIndex });
  useEffect(() => {
    rowsRef.current = rows;
    stateRef.current = { selectedIds, anchorKey, focusIndex };
  });

  const rangeIds = (from: number, to: number) => {
    const [a, b] = from <= to ? [from, to] : [to, from];
    return [...new Set(rows.slice(a, b + 1).map((r) => r.id))];
  };

  const moveTo = (index: number, mode: 'select' | 'extend' | 'focus') => {
    if (index < 0 || index >= rows.length) return;
    const row = rows[index];
    setFocusedKey(row.key);
    virtualizer.scrollToIndex(index, { align: 'auto' });
    if (mode === 'select') {
      setAnchorKey(row.key);
      onSelect([row.id], row);
    } else if (mode === 'extend') {
      const anchor = anchorKey !== undefined ? (indexOfKey.get(anchorKey) ?? focusIndex) : focusIndex;
      onSelect(rangeIds(anchor, index), row);
    }
  };

  const openMenuFor = (row: R, at?: { x: number; y: number }) => {
    if (!onContextMenu) return;
    if (!selectedIds.has(row.id)) {
      setAnchorKey(row.key);
      onSelect([row.id], row);
    }
    let point = at;
    if (!point) {
      const el = document.getElementById(`${base}-row-${indexOfKey.get(row.key)}`);
      const rect = el?.getBoundingClientRect();
      point = rect ? { x: rect.left + 24, y: rect.bottom } : { x: 0, y: 0 };
    }
    onContextMenu(row, point);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!focused) return;
    const mode = event.shiftKey ? 'extend' : event.ctrlKey || event.metaKey ? 'focus' : 'select';
    const i = focusIndex;
    const handled = (() => {
      switch (event.key) {
        case 'ArrowDown':
          moveTo(i + 1, mode);
          return true;
        case 'ArrowUp':
          moveTo(i - 1, mode);
          return true;
        case 'Home':
          moveTo(0, mode);
          return true;
        case 'End':
          moveTo(rows.length - 1, mode);
          return true;
        case 'PageDown':
        case 'PageUp': {
          const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 240) / TREE_ROW_HEIGHT) - 1);
          moveTo(Math.max(0, Math.min(rows.length - 1, i + (event.key === 'PageDown' ? page : -page))), mode);
          return true;
        }
        case 'ArrowRight':
          if (focused.hasChildren && !focused.open) onToggle(focused, true);
          else if (focused.hasChildren) moveTo(i + 1, 'select');
          return true;
        case 'ArrowLeft':
          if (focused.hasChildren && focused.open) onToggle(focused, false);
          else if (focused.parentKey !== undefined) moveTo(indexOfKey.get(focused.parentKey) ?? i, 'select');
          return true;
        case 'Enter':
          setAnchorKey(focused.key);
          if (!selectedIds.has(focused.id) || selectedIds.size > 1) onSelect([focused.id], focused);
          onActivate?.(focused);
          return true;
        case ' ':
          if (event.ctrlKey || event.metaKey) {
            const ids = [...selectedIds];
            onSelect(selectedIds.has(focused.id) ? ids.filter((x) => x !== focused.id) : [...ids, focused.id], focused);
          } else onSelect([focused.id], focused);
          setAnchorKey(focused.key);
          return true;
        case 'ContextMenu':
          openMenuFor(focused);
          return true;
        case 'F10':
          if (!event.shiftKey) return false;
          openMenuFor(focused);
          return true;
        case 'a':
        case 'A':
          if (!(event.ctrlKey || event.metaKey)) return false;
          onSelect([...new Set(rows.map((r) => r.id))], focused);
          return true;
        default:
          return false;
      }
    })();
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    // Type-ahead: printable keys without modifiers jump to the next row whose label starts with the typed text.
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const now = Date.now();
      const t = typeahead.current;
      t.text = now - t.at > TYPEAHEAD_MS ? event.key.toLowerCase() : t.text + event.key.toLowerCase();
      t.at = now;
      // A repeated single letter cycles through rows with that initial; a longer prefix stays on a match.
      const start = t.text.length === 1 ? i + 1 : i;
      for (let n = 0; n < rows.length; n++) {
        const j = (start + n) % rows.length;
        if (rows[j].label.toLowerCase().startsWith(t.text)) {
          moveTo(j, 'select');
          break;
        }
      }
      event.preventDefault();
    }
  };

  // Mouse handlers read the latest rows/selection through refs so the memoized rows need not re-render.
  const onRowMouseDown = useCallback(
    (e: MouseEvent, key: string) => {
      if (e.button !== 0) return;
      const rs = rowsRef.current;
      const { selectedIds: sel, anchorKey: anchor, focusIndex: fi } = stateRef.current;
      const index = rs.findIndex((r) => r.key === key);
      const row = rs[index];
      if (!row) return;
      setFocusedKey(key);
      if (e.shiftKey) {
        const from = anchor !== undefined ? rs.findIndex((r) => r.key === anchor) : fi;
        const [a, b] = (from < 0 ? index : from) <= index ? [from < 0 ? index : from, index] : [index, from];
        onSelect([...new Set(rs.slice(a, b + 1).map((r) => r.id))], row);
        e.preventDefault();
      } else if (e.ctrlKey || e.metaKey) {
        setAnchorKey(key);
        onSelect(sel.has(row.id) ? [...sel].filter((x) => x !== row.id) : [...sel, row.id], row);
      } else {
        setAnchorKey(key);
        onSelect([row.id], row);
      }
      scrollRef.current?.focus({ preventScroll: true });
    },
    [onSelect],
  );

  const onRowDoubleClick = useCallback(
    (key: string) => {
      const row = rowsRef.current.find((r) => r.key === key);
      if (!row) return;
      if (row.hasChildren) onToggle(row, !row.open);
      else onActivate?.(row);
    },
    [onToggle, onActivate],
  );

  const onRowContextMenu = useCallback(
    (e: MouseEvent, key: string) => {
      const row = rowsRef.current.find((r) => r.key === key);
      if (!row || !onContextMenu) return;
      e.preventDefault();
      setFocusedKey(key);
      if (!stateRef.current.selectedIds.has(row.id)) {
        setAnchorKey(key);
        onSelect([row.id], row);
      }
      onContextMenu(row, { x: e.clientX, y: e.clientY });
    },
    [onContextMenu, onSelect],
  );

  const onTwisty = useCallback(
    (e: MouseEvent, key: string) => {
      const row = rowsRef.current.find((r) => r.key === key);
      if (!row?.hasChildren || e.button !== 0) return;
      e.stopPropagation();
      e.preventDefault();
      onToggle(row, !row.open);
    },
    [onToggle],
  );

  if (rows.length === 0 && empty) return <div className="tree-empty">{empty}</div>;

  return (
    <div
      ref={scrollRef}
      role="tree"
      aria-label={label}
      aria-multiselectable="true"
      aria-activedescendant={focusIndex >= 0 ? `${base}-row-${focusIndex}` : undefined}
      tabIndex={0}
      className="vtree"
      onKeyDown={onKeyDown}
    >
      <div role="presentation" className="vtree-spacer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          return (
            <RowView
              key={row.key}
              row={row}
              domId={`${base}-row-${item.index}`}
              renderIcon={renderIcon as (row: never) => ReactNode}
              selected={selectedIds.has(row.id)}
              focused={item.index === focusIndex}
              top={item.start}
              onRowMouseDown={onRowMouseDown}
              onRowDoubleClick={onRowDoubleClick}
              onRowContextMenu={onRowContextMenu}
              onTwisty={onTwisty}
            />
          );
        })}
      </div>
    </div>
  );
}
