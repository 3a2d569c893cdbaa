/**
 * The left pane: search box, view switcher (Infrastructure, Objects, Organization) and the resource
 * tree, with its context menu and drag and drop. Selection lives in the store (the tabs and actions read
 * it); open/closed rows live here, per view. What the menu offers and what a drop does come from the
 * caller (renderer/actions: the action registry and the drop policies).
 */
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { DropVerdict } from '../../components/drop-policy';
import type { MenuEntry } from '../../components/menu-model';
import { ContextMenu, DropdownMenu } from '../../components/Menu';
import { Icon } from '../../components/Icon';
import { Tree, type TreeDnd, type TreeRowData } from '../../components/Tree';
import { useMirrorStoreApi, useSelectionIds } from '../../store/hooks';
import { parseObjectId, type Target } from '../../store/object-id';
import { ObjectIcon } from './ObjectIcon';
import { InfrastructureTree } from './infrastructure-tree';
import { buildTree, type TreeNodeModel, type TreeViewKind } from './tree-model';
import { setTreeOption, TREE_OPTION_LABELS, useTreeOptions, type TreeOptions } from './tree-options';
import { useTreeSource } from './use-tree-source';
import { flattenTree, VisibleRows, type VisibleRow } from './visible-rows';

export interface ResourcePaneProps {
  /** The context menu of the selection (the right-clicked row joined it first). */
  menuFor?: (selection: Target[]) => MenuEntry[];
  /** What dropping the dragged objects on a row would do; undefined: the row takes no drop. */
  dropVerdict?: (dragged: Target[], over: TreeNodeModel) => DropVerdict<void> | undefined;
  /** Enter or double-click on a leaf row. */
  onActivate?: (target: Target | undefined) => void;
}

interface Row extends TreeRowData {
  node: TreeNodeModel;
}

const VIEWS: { id: TreeViewKind; label: string }[] = [
  { id: 'infrastructure', label: 'Infrastructure' },
  { id: 'objects', label: 'Objects' },
  { id: 'organization', label: 'Organization' },
];

const renderIcon = (row: Row) => <ObjectIcon kind={row.node.kind} state={row.node.state} />;

const targetsOf = (ids: readonly string[]) => ids.map(parseObjectId).filter((t): t is Target => Boolean(t));

function toRow(v: VisibleRow): Row {
  return {
    key: v.key,
    id: v.node.id,
    parentKey: v.parentKey,
    level: v.level,
    label: v.node.label,
    hasChildren: v.hasChildren,
    open: v.open,
    posInSet: v.posInSet,
    setSize: v.setSize,
    detail: v.node.detail,
    stateText: v.node.stateText,
    tone: v.node.tone,
    badge: v.node.alerts,
    labelMatch: v.labelMatch,
    termMatch: v.termMatch,
    node: v.node,
  };
}

/**
 * What the pane keeps between renders so that a batch touching a few VMs costs a few rows: the
 * Infrastructure view updated in place, and the rows of unchanged subtrees (the same Row objects, so
 * the tree's memoised rows skip re-rendering).
 */
function usePaneCaches() {
  const [caches] = useState(() => ({ infrastructure: new InfrastructureTree(), visible: new VisibleRows(toRow) }));
  return caches;
}

export function ResourcePane({ menuFor, dropVerdict, onActivate }: ResourcePaneProps) {
  const store = useMirrorStoreApi();
  // The tree follows the pools in a render React may defer and interrupt: a batch that moves hundreds of
  // VMs does not hold the window while their rows are placed again (selection and typing stay immediate).
  const source = useDeferredValue(useTreeSource());
  const selection = useSelectionIds();
  const [view, setView] = useState<TreeViewKind>('infrastructure');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  // Rows whose open state the user flipped from its default, per view.
  const [flipped, setFlipped] = useState<Record<TreeViewKind, ReadonlySet<string>>>({ infrastructure: new Set(), objects: new Set(), organization: new Set() });

  const options = useTreeOptions();
  const caches = usePaneCaches();
  const nodes = useMemo(() => (view === 'infrastructure' ? caches.infrastructure.update(source, options) : buildTree(view, source, options)), [caches, view, source, options]);
  const rows = useMemo<Row[]>(() => {
    const f = flipped[view];
    const isOpen = (key: string, node: TreeNodeModel) => (f.has(key) ? !node.defaultOpen : Boolean(node.defaultOpen));
    if (deferredQuery.trim()) return flattenTree(nodes, isOpen, deferredQuery).map(toRow);
    return caches.visible.flatten(nodes, isOpen, f);
  }, [caches, nodes, flipped, view, deferredQuery]);
  const selectedIds = useMemo(() => new Set(selection), [selection]);

  const onToggle = useCallback(
    (row: Row, open: boolean) => {
      if (deferredQuery.trim()) return; // while searching, matches' ancestors stay open
      setFlipped((prev) => {
        const next = new Set(prev[view]);
        if (open === Boolean(row.node.defaultOpen)) next.delete(row.key);
        else next.add(row.key);
        return { ...prev, [view]: next };
      });
    },
    [view, deferredQuery],
  );
  const onSelect = useCallback((ids: string[]) => store.getState().select(ids), [store]);
  const dnd = useMemo<TreeDnd<Row> | undefined>(
    () =>
      dropVerdict && {
        // Objects move; group rows (Tags, a folder) and connection rows do not.
        canDrag: (row) => row.node.target?.kind === 'object',
        evaluate: (dragged, row) => dropVerdict(targetsOf(dragged), row.node),
      },
    [dropVerdict],
  );

  const searching = deferredQuery.trim().length > 0;
  return (
    <div className="resource-pane">
      <div className="sidebar-search" role="search">
        <label htmlFor="tree-filter" className="visually-hidden">
          Search resources
        </label>
        <input
          id="tree-filter"
          type="search"
          placeholder="Search…"
          title="Filter by name, tag, IP address, UUID or power state"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
          }}
        />
        <label className="tree-view-picker">
          <span className="visually-hidden">View</span>
          <select value={view} onChange={(e) => setView(e.target.value as TreeViewKind)} aria-label="Tree view">
            {VIEWS.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <DropdownMenu
          label="Show in the tree"
          entries={() =>
            (Object.keys(TREE_OPTION_LABELS) as (keyof TreeOptions)[]).map((key) => ({
              kind: 'item' as const,
              id: key,
              label: TREE_OPTION_LABELS[key],
              checked: options[key],
              onSelect: () => setTreeOption(key, !options[key]),
            }))
          }
          trigger={
            <button type="button" className="toolbar-button is-icon-only tree-options-button" aria-label="Show in the tree">
              <Icon name="group" />
            </button>
          }
        />
      </div>
      <ContextMenu label="Actions" entries={() => (menuFor ? menuFor(targetsOf(store.getState().selection.ids)) : [])}>
        <div className="sidebar-tree">
          <Tree<Row>
            label="Resources"
            rows={rows}
            selectedIds={selectedIds}
            renderIcon={renderIcon}
            onToggle={onToggle}
            onSelect={onSelect}
            onActivate={onActivate ? (row) => onActivate(row.node.target) : undefined}
            dnd={dnd}
            empty={<p className="muted">{searching ? `Nothing matches “${deferredQuery.trim()}”.` : source.connections.length ? 'Nothing to show.' : 'No servers yet.'}</p>}
          />
        </div>
      </ContextMenu>
      {searching && (
        <p className="tree-search-count muted" role="status">
          {((n) => `${n} ${n === 1 ? 'match' : 'matches'}`)(rows.filter((r) => r.labelMatch || r.termMatch).length)}
        </p>
      )}
    </div>
  );
}
