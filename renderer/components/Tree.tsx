/**
 * A virtualized, multi-select tree (WAI-ARIA tree view with aria-activedescendant): only the rows in
 * view are in the DOM, so 5,000 VMs scroll smoothly. The tree is one tab stop; the focused row is
 * pointed at by aria-activedescendant, so keyboard focus never sits on a row that scrolls out and
 * unmounts. Rows carry aria-level/setsize/posinset so the flat DOM reads as a tree.
 *
 * Keyboard: Up/Down/Home/End move (and select; Shift extends, Ctrl moves only), Right opens or enters,
 * Left closes or goes to the parent, Enter activates, Space selects (Ctrl+Space toggles), Ctrl+A
 * selects all, letters jump to the next row starting with what was typed, the context-menu key or
 * Shift+F10 opens the context menu (of a <ContextMenu> around the tree). Mouse: click, Ctrl/Cmd+click,
 * Shift+click, double-click, right-click.
 *
 * Each row reads as its name and state ("web-01, running"); a name cut by the pane's width shows whole in
 * a tooltip while the row is hovered.
 *
 * Drag and drop (`dnd`, rules in drop-policy.ts): rows the caller allows are dragged with the selection;
 * while dragging, a row that accepts is highlighted and the status line under the tree says what the drop
 * will do, a row that refuses is marked and the line says why. The keyboard equivalent: Ctrl+X picks the
 * selection up, arrows choose a row (the line says what a drop there would do), Ctrl+V drops, Esc puts it back.
 *
 * The caller owns the rows (flattened, in order), the open state and the selection (by row id: rows of
 * the same object share an id and are selected together).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { DragSession, type DropState, type DropVerdict } from './drop-policy';
import { openContextMenuFromKeyboard } from './Menu';
import { Tooltip } from './Tooltip';
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
  /** The object's state in words ("running", "in maintenance mode"): part of the row's accessible name. */
  stateText?: string;
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
  /**
   * Drag and drop: which rows may be dragged, and what dropping the dragged selection ids on a row would
   * do (undefined: the row is no target). Without it the tree has no drag and drop.
   */
  dnd?: TreeDnd<R>;
  empty?: ReactNode;
}

export interface TreeDnd<R> {
  canDrag(row: R): boolean;
  evaluate(dragged: readonly string[], row: R): DropVerdict<void> | undefined;
}

/**
 * A lookup over the rows, built on its first use: a pool's batches change the rows many times a second,
 * and most of those renders never look a row up (the keyboard, a drag and a moved focus do).
 */
class RowIndex<R, V> {
  private map: Map<string, V> | undefined;

  constructor(
    private readonly rows: readonly R[],
    private readonly entry: (row: R, index: number) => readonly [string, V],
  ) {}

  get(key: string): V | undefined {
    return (this.map ??= new Map(this.rows.map(this.entry))).get(key);
  }
}

/** The type of the tree's drag data: the dragged selection ids, as JSON. */
export const TREE_DRAG_TYPE = 'application/x-xendeck-tree-ids';

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
  draggable: boolean;
  /** Being moved (picked up with Ctrl+X, or dragged). */
  moving: boolean;
  drop: DropState | undefined;
  onRowMouseDown: (e: MouseEvent, key: string) => void;
  onRowDoubleClick: (key: string) => void;
  onRowContextMenu: (e: MouseEvent, key: string) => void;
  onTwisty: (e: MouseEvent, key: string) => void;
}

/** A row's name as assistive technology reads it: "web-01, running". */
export const rowName = (row: Pick<TreeRowData, 'label' | 'stateText'>) => (row.stateText ? `${row.label}, ${row.stateText}` : row.label);

const RowView = memo(function RowView({ row, domId, renderIcon, selected, focused, top, draggable, moving, drop, onRowMouseDown, onRowDoubleClick, onRowContextMenu, onTwisty }: RowViewProps) {
  const extra = [row.detail, row.termMatch, row.badge ? `${row.badge} alert${row.badge === 1 ? '' : 's'}` : undefined].filter(Boolean).join(', ');
  const labelRef = useRef<HTMLSpanElement>(null);
  // The whole name in a tooltip while the row is hovered, when the pane's width cuts it.
  const [cut, setCut] = useState(false);
  const label = (
    <span className="tree-label" ref={labelRef}>
      <Highlight text={row.label} range={row.labelMatch} />
    </span>
  );
  const dropClass = drop ? (drop.kind === 'accept' ? ' is-drop-target' : drop.kind === 'checking' ? ' is-drop-checking' : ' is-drop-refused') : '';
  return (
    <div
      id={domId}
      role="treeitem"
      data-key={row.key}
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-expanded={row.hasChildren ? row.open : undefined}
      aria-selected={selected}
      aria-label={rowName(row)}
      aria-description={extra || undefined}
      draggable={draggable || undefined}
      className={`vtree-row tone-${row.tone ?? 'normal'}${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${moving ? ' is-moving' : ''}${dropClass}`}
      style={{ transform: `translateY(${top}px)`, paddingInlineStart: `${(row.level - 1) * 16 + 4}px` }}
      onMouseDown={(e) => onRowMouseDown(e, row.key)}
      onDoubleClick={() => onRowDoubleClick(row.key)}
      onContextMenu={(e) => onRowContextMenu(e, row.key)}
      onMouseEnter={() => {
        const el = labelRef.current;
        if (el && el.scrollWidth > el.clientWidth) setCut(true);
      }}
      onMouseLeave={() => setCut(false)}
    >
      <span className={`tree-twisty${row.hasChildren ? '' : ' is-leaf'}${row.open ? ' is-open' : ''}`} onMouseDown={(e) => onTwisty(e, row.key)} aria-hidden="true">
        <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M3.5 2 7 5 3.5 8" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </span>
      <span className="tree-icon">{renderIcon(row as never)}</span>
      {cut ? (
        <Tooltip content={[row.label, row.stateText, row.detail].filter(Boolean).join(' — ')} open side="right">
          {label}
        </Tooltip>
      ) : (
        label
      )}
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
  const { label, rows, selectedIds, renderIcon, onToggle, onSelect, onActivate, dnd, empty } = props;
  const base = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusedKey, setFocusedKey] = useState<string>();
  const [anchorKey, setAnchorKey] = useState<string>();
  const typeahead = useRef({ text: '', at: 0 });

  const indexOfKey = useMemo(() => new RowIndex(rows, (r, i) => [r.key, i] as const), [rows]);
  // Where the focused row was at the last render: after a batch that changed rows elsewhere it is still
  // there, found without indexing thousands of rows. Only a hint (checked against the row's key).
  const lastFocus = useRef(-1);
  // The focused row if still shown, else the first selected row, else the first row.
  const focusIndex = useMemo(() => {
    const hint = lastFocus.current;
    const i = focusedKey === undefined ? undefined : rows[hint]?.key === focusedKey ? hint : indexOfKey.get(focusedKey);
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
    lastFocus.current = focusIndex;
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

  // The row's contextmenu event (selection) bubbles to the <ContextMenu> around the tree, which opens.
  const openMenuFor = (row: R) => {
    const el = document.getElementById(`${base}-row-${indexOfKey.get(row.key)}`);
    if (el) openContextMenuFromKeyboard(el);
  };

  const dragging = useTreeDrag(rows, dnd, selectedIds, onSelect);

  const onKeyDown = (event: KeyboardEvent) => {
    if (!focused) return;
    if (dnd && dragging.onKey(event, focused)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    // While something is picked up (Ctrl+X), the arrows only point: the selection stays what is moved.
    const mode = dragging.session ? 'focus' : event.shiftKey ? 'extend' : event.ctrlKey || event.metaKey ? 'focus' : 'select';
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

  // Right-click (or the keyboard's contextmenu event): the row joins the selection first; the menu opens above.
  const onRowContextMenu = useCallback(
    (_e: MouseEvent, key: string) => {
      const row = rowsRef.current.find((r) => r.key === key);
      if (!row) return;
      setFocusedKey(key);
      if (!stateRef.current.selectedIds.has(row.id)) {
        setAnchorKey(key);
        onSelect([row.id], row);
      }
    },
    [onSelect],
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

  const pointed = dragging.session && dragging.session.via === 'keyboard' ? focused?.key : dragging.over;
  const movingIds = dragging.session ? new Set(dragging.session.dragged) : undefined;
  return (
    <div className="vtree-frame">
    <div
      ref={scrollRef}
      role="tree"
      aria-label={label}
      aria-multiselectable="true"
      aria-activedescendant={focusIndex >= 0 ? `${base}-row-${focusIndex}` : undefined}
      tabIndex={0}
      className={`vtree${dragging.session ? ' is-dragging' : ''}`}
      onKeyDown={onKeyDown}
      onDragStart={dnd ? dragging.onDragStart : undefined}
      onDragEnter={dnd ? dragging.onDragOver : undefined}
      onDragOver={dnd ? dragging.onDragOver : undefined}
      onDragLeave={dnd ? dragging.onDragLeave : undefined}
      onDrop={dnd ? dragging.onDrop : undefined}
      onDragEnd={dnd ? dragging.end : undefined}
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
              draggable={Boolean(dnd?.canDrag(row))}
              moving={Boolean(movingIds?.has(row.id))}
              drop={pointed === row.key ? dragging.stateOf(row.key) : undefined}
              onRowMouseDown={onRowMouseDown}
              onRowDoubleClick={onRowDoubleClick}
              onRowContextMenu={onRowContextMenu}
              onTwisty={onTwisty}
            />
          );
        })}
      </div>
    </div>
      {dragging.session && (
        <p className="vtree-drop-status" role="status">
          {dragging.statusText(pointed)}
        </p>
      )}
    </div>
  );
}

/** The drag under way: by the mouse (HTML drag and drop) or by the keyboard (picked up with Ctrl+X). */
interface Dragging<C> {
  via: 'mouse' | 'keyboard';
  dragged: readonly string[];
  session: DragSession<C>;
}

/**
 * Drag and drop state of a tree: the drag under way, the row under the pointer, and the handlers. The
 * verdicts come from `dnd.evaluate`, asked once per row per drag (DragSession).
 */
function useTreeDrag<R extends TreeRowData>(rows: readonly R[], dnd: TreeDnd<R> | undefined, selectedIds: ReadonlySet<string>, onSelect: (ids: string[], focused: R) => void) {
  const [drag, setDrag] = useState<Dragging<void>>();
  const [over, setOver] = useState<string>();
  const [, redraw] = useState(0);
  const [notice, setNotice] = useState<string>();
  const rowsByKey = useMemo(() => new RowIndex(rows, (r) => [r.key, r] as const), [rows]);
  const rowsRef = useRef(rowsByKey);
  useEffect(() => {
    rowsRef.current = rowsByKey;
  });

  const start = (via: Dragging<void>['via'], dragged: readonly string[]) => {
    drag?.session.dispose();
    if (!dnd || dragged.length === 0) return undefined;
    const session = new DragSession<void>(dragged, (key) => {
      const row = rowsRef.current.get(key);
      return row ? dnd.evaluate(dragged, row) : undefined;
    }, () => redraw((n) => n + 1));
    const next = { via, dragged, session };
    setDrag(next);
    setNotice(undefined);
    return next;
  };

  const end = useCallback(() => {
    setDrag((d) => {
      d?.session.dispose();
      return undefined;
    });
    setOver(undefined);
  }, []);

  // A drag whose source row scrolled out of the tree (and unmounted) never gets its dragend: the first
  // mouse move after the drag (none are sent during one) ends it.
  useEffect(() => {
    if (drag?.via !== 'mouse') return;
    window.addEventListener('mousemove', end, { once: true });
    return () => window.removeEventListener('mousemove', end);
  }, [drag, end]);

  const rowOf = (event: DragEvent) => {
    const el = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    const key = el?.dataset.key;
    return key !== undefined ? rowsRef.current.get(key) : undefined;
  };

  /** The row's selection if the row is selected (what can be dragged of it), else the row alone. */
  const draggedIdsFor = (row: R): string[] => {
    const ids = selectedIds.has(row.id) ? rows.filter((r) => selectedIds.has(r.id) && dnd?.canDrag(r)).map((r) => r.id) : dnd?.canDrag(row) ? [row.id] : [];
    return [...new Set(ids)];
  };

  const drop = (session: DragSession<void>, row: R) => {
    const verdict = session.verdict(row.key);
    if (verdict?.kind !== 'accept') return false;
    void verdict.drop();
    return true;
  };

  return {
    session: drag ? { via: drag.via, dragged: drag.dragged } : undefined,
    over,
    stateOf: (key: string) => drag?.session.state(key),
    statusText: (key: string | undefined): string => {
      const count = drag ? `${drag.dragged.length} ${drag.dragged.length === 1 ? 'object' : 'objects'}` : '';
      const state = key !== undefined ? drag?.session.state(key) : undefined;
      if (notice) return notice;
      if (!state) return drag?.via === 'keyboard' ? `Moving ${count}: choose where with the arrow keys, Ctrl+V to drop there, Esc to cancel.` : `Moving ${count}: drop on a highlighted row.`;
      if (state.kind === 'accept') return `${state.label}${drag?.via === 'keyboard' ? ' (Ctrl+V)' : ''}`;
      if (state.kind === 'checking') return `${state.label}: checking…`;
      return `Cannot drop here: ${state.reason}`;
    },
    end,
    onDragStart: (event: DragEvent) => {
      const row = rowOf(event);
      if (!row || !dnd?.canDrag(row)) return;
      const ids = draggedIdsFor(row);
      if (!selectedIds.has(row.id)) onSelect([row.id], row);
      event.dataTransfer.setData(TREE_DRAG_TYPE, JSON.stringify(ids));
      event.dataTransfer.effectAllowed = 'move';
      start('mouse', ids);
    },
    // Entering a row and moving over it both say whether it takes the drop (a drop needs both cancelled).
    onDragOver: (event: DragEvent) => {
      if (!drag || drag.via !== 'mouse') return;
      const row = rowOf(event);
      const key = row?.key;
      if (key !== over) setOver(key);
      const verdict = key !== undefined ? drag.session.verdict(key) : undefined;
      if (verdict?.kind === 'accept') {
        event.preventDefault(); // a drop here is allowed
        event.dataTransfer.dropEffect = 'move';
      } else if (verdict) {
        event.dataTransfer.dropEffect = 'none';
      }
    },
    onDragLeave: (event: DragEvent) => {
      // Leaving the tree itself (not a row for another row): nothing is pointed at.
      if (!(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node | null)) setOver(undefined);
    },
    onDrop: (event: DragEvent) => {
      const row = rowOf(event);
      if (drag && row) {
        event.preventDefault();
        drop(drag.session, row);
      }
      end();
    },
    /** Ctrl+X, Ctrl+V, Esc while moving; true when the key was the tree's drag keys. */
    onKey: (event: KeyboardEvent, focused: R): boolean => {
      const ctrl = event.ctrlKey || event.metaKey;
      if (ctrl && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'x') {
        const ids = draggedIdsFor(focused);
        if (!ids.length) return false;
        start('keyboard', ids);
        return true;
      }
      if (!drag || drag.via !== 'keyboard') return false;
      if (event.key === 'Escape') {
        end();
        return true;
      }
      if (ctrl && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'v') {
        if (drop(drag.session, focused)) end();
        else {
          const state = drag.session.state(focused.key);
          setNotice(state?.kind === 'refuse' ? `Cannot drop here: ${state.reason}` : state?.kind === 'checking' ? `${state.label}: checking…` : 'Cannot drop here: this row takes no drop.');
        }
        return true;
      }
      setNotice(undefined);
      return false;
    },
  };
}
