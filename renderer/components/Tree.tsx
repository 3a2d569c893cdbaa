/**
 * An accessible tree (WAI-ARIA tree view pattern): role=tree/treeitem/group, aria-level, aria-expanded,
 * aria-selected, one tab stop with arrow-key navigation (Up/Down move, Right opens or enters, Left
 * closes or goes to the parent, Home/End, Enter/Space select). The caller owns the data, the selection
 * and the expanded set; this component only draws and navigates.
 */
import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface TreeNode {
  id: string;
  label: string;
  icon?: ReactNode;
  /** Short state next to the label ("Connecting…"), also read by screen readers. */
  detail?: string;
  /** Tones the row: muted for disconnected objects. */
  tone?: 'normal' | 'muted' | 'warning';
  children?: TreeNode[];
}

interface Visible {
  node: TreeNode;
  level: number;
  parentId: string | undefined;
}

function flatten(nodes: TreeNode[], expanded: ReadonlySet<string>, level = 1, parentId?: string, out: Visible[] = []): Visible[] {
  for (const node of nodes) {
    out.push({ node, level, parentId });
    if (node.children?.length && expanded.has(node.id)) flatten(node.children, expanded, level + 1, node.id, out);
  }
  return out;
}

export interface TreeProps {
  label: string;
  nodes: TreeNode[];
  selectedId: string | undefined;
  expanded: ReadonlySet<string>;
  onSelect: (id: string) => void;
  onToggle: (id: string, open: boolean) => void;
  /** Shown instead of the tree when there is nothing in it. */
  empty?: ReactNode;
}

export function Tree({ label, nodes, selectedId, expanded, onSelect, onToggle, empty }: TreeProps) {
  const visible = useMemo(() => flatten(nodes, expanded), [nodes, expanded]);
  const [focusedId, setFocusedId] = useState<string>();
  const rowRefs = useRef(new Map<string, HTMLLIElement>());
  // The one tab stop: the focused row if still visible, else the selection, else the first row.
  const tabStop = visible.find((v) => v.node.id === focusedId)?.node.id ?? visible.find((v) => v.node.id === selectedId)?.node.id ?? visible[0]?.node.id;

  const focusRow = (id: string | undefined) => {
    if (!id) return;
    setFocusedId(id);
    rowRefs.current.get(id)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const { node, parentId } = visible[index];
    const hasChildren = Boolean(node.children?.length);
    const open = expanded.has(node.id);
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusRow(visible[index + 1]?.node.id),
      ArrowUp: () => focusRow(visible[index - 1]?.node.id),
      Home: () => focusRow(visible[0]?.node.id),
      End: () => focusRow(visible[visible.length - 1]?.node.id),
      ArrowRight: () => {
        if (hasChildren && !open) onToggle(node.id, true);
        else if (hasChildren) focusRow(visible[index + 1]?.node.id);
      },
      ArrowLeft: () => {
        if (hasChildren && open) onToggle(node.id, false);
        else focusRow(parentId);
      },
      Enter: () => onSelect(node.id),
      ' ': () => onSelect(node.id),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  };

  if (visible.length === 0 && empty) return <div className="tree-empty">{empty}</div>;

  const renderLevel = (items: TreeNode[], level: number): ReactNode =>
    items.map((node) => {
      const index = visible.findIndex((v) => v.node.id === node.id);
      const hasChildren = Boolean(node.children?.length);
      const open = hasChildren && expanded.has(node.id);
      return (
        <li
          key={node.id}
          role="treeitem"
          aria-level={level}
          aria-selected={node.id === selectedId}
          aria-expanded={hasChildren ? open : undefined}
          aria-label={node.detail ? `${node.label}, ${node.detail}` : node.label}
          tabIndex={node.id === tabStop ? 0 : -1}
          ref={(el) => {
            if (el) rowRefs.current.set(node.id, el);
            else rowRefs.current.delete(node.id);
          }}
          onKeyDown={(e) => onKeyDown(e, index)}
          onFocus={(e) => {
            if (e.target === e.currentTarget) setFocusedId(node.id);
          }}
          className="tree-item"
        >
          <div
            className={`tree-row tone-${node.tone ?? 'normal'}`}
            style={{ paddingInlineStart: `${(level - 1) * 16 + 4}px` }}
            onClick={() => {
              onSelect(node.id);
              focusRow(node.id);
            }}
          >
            <span
              className={`tree-twisty${hasChildren ? '' : ' is-leaf'}${open ? ' is-open' : ''}`}
              onClick={(e) => {
                if (!hasChildren) return;
                e.stopPropagation();
                onToggle(node.id, !open);
              }}
              aria-hidden="true"
            >
              <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
                <path d="M3.5 2 7 5 3.5 8" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
            </span>
            {node.icon && <span className="tree-icon">{node.icon}</span>}
            <span className="tree-label">{node.label}</span>
            {node.detail && <span className="tree-detail">{node.detail}</span>}
          </div>
          {open && (
            <ul role="group" className="tree-group">
              {renderLevel(node.children ?? [], level + 1)}
            </ul>
          )}
        </li>
      );
    });

  return (
    <ul role="tree" aria-label={label} className="tree">
      {renderLevel(nodes, 1)}
    </ul>
  );
}
