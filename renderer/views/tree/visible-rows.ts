/**
 * Flattens the tree model into the rows on screen: open nodes' children follow their parent. With a
 * search, only matching nodes and their ancestors stay (ancestors opened), and each row says where the
 * text matched so the row can highlight it.
 *
 * Without a search, VisibleRows keeps the rows of each subtree from one flattening to the next: a node
 * that is the same object at the same place gives the same row objects (the tree model reuses unchanged
 * nodes), so a change under one host walks that host's rows only, and unchanged rows stay equal by
 * identity for the memoised rows on screen.
 */
import type { TreeNodeModel } from './tree-model';

export interface VisibleRow {
  /** Unique row key: the path of node keys (an object can appear twice, e.g. under two tags). */
  key: string;
  node: TreeNodeModel;
  level: number;
  parentKey: string | undefined;
  hasChildren: boolean;
  open: boolean;
  posInSet: number;
  setSize: number;
  /** Where the search matched the label, [start, end) . */
  labelMatch?: [number, number];
  /** A non-label text that matched (IP, uuid, tag), shown after the label. */
  termMatch?: string;
}

/** Whether a node with this row key is open, given its default. */
export type OpenState = (rowKey: string, node: TreeNodeModel) => boolean;

function matchOf(node: TreeNodeModel, q: string): Pick<VisibleRow, 'labelMatch' | 'termMatch'> | undefined {
  const at = node.label.toLowerCase().indexOf(q);
  if (at >= 0) return { labelMatch: [at, at + q.length] };
  const term = node.terms?.find((t) => t.toLowerCase().includes(q));
  return term !== undefined ? { termMatch: term } : undefined;
}

interface Subtree<R> {
  parentKey: string | undefined;
  level: number;
  posInSet: number;
  setSize: number;
  /** The node's row, then its open descendants' rows. */
  rows: R[];
}

/**
 * Flattening without a search, reusing the rows of unchanged subtrees (see the header). The rows are
 * what `toRow` makes of each visible row (the list's own row objects), made once per visible row.
 */
export class VisibleRows<R = VisibleRow> {
  private subtrees = new WeakMap<TreeNodeModel, Subtree<R>>();
  private openState: unknown;

  constructor(private readonly toRow: (row: VisibleRow) => R = (row) => row as R) {}

  /** `openState` stands for what `isOpen` answers: rows are reused only while it is the same value. */
  flatten(nodes: readonly TreeNodeModel[], isOpen: OpenState, openState: unknown): R[] {
    if (openState !== this.openState) {
      this.subtrees = new WeakMap();
      this.openState = openState;
    }
    // One pool (the usual case): its rows as they are, not copied once more.
    if (nodes.length === 1) return this.subtree(nodes[0], 1, undefined, 1, 1, isOpen);
    const out: R[] = [];
    nodes.forEach((node, i) => append(out, this.subtree(node, 1, undefined, i + 1, nodes.length, isOpen)));
    return out;
  }

  private subtree(node: TreeNodeModel, level: number, parentKey: string | undefined, posInSet: number, setSize: number, isOpen: OpenState): R[] {
    const known = this.subtrees.get(node);
    if (known && known.level === level && known.parentKey === parentKey && known.posInSet === posInSet && known.setSize === setSize) return known.rows;
    const key = parentKey === undefined ? node.key : `${parentKey}/${node.key}`;
    const hasChildren = Boolean(node.children?.length);
    const open = hasChildren && isOpen(key, node);
    const rows: R[] = [this.toRow({ key, node, level, parentKey, hasChildren, open, posInSet, setSize })];
    if (open) {
      const children = node.children!;
      children.forEach((child, i) => append(rows, this.subtree(child, level + 1, key, i + 1, children.length, isOpen)));
    }
    this.subtrees.set(node, { parentKey, level, posInSet, setSize, rows });
    return rows;
  }
}

function append<R>(to: R[], rows: readonly R[]) {
  for (const row of rows) to.push(row);
}

export function flattenTree(nodes: readonly TreeNodeModel[], isOpen: OpenState, query = ''): VisibleRow[] {
  const q = query.trim().toLowerCase();
  const out: VisibleRow[] = [];
  if (!q) {
    const walk = (list: readonly TreeNodeModel[], level: number, parentKey: string | undefined) => {
      list.forEach((node, i) => {
        const key = parentKey === undefined ? node.key : `${parentKey}/${node.key}`;
        const hasChildren = Boolean(node.children?.length);
        const open = hasChildren && isOpen(key, node);
        out.push({ key, node, level, parentKey, hasChildren, open, posInSet: i + 1, setSize: list.length });
        if (open) walk(node.children!, level + 1, key);
      });
    };
    walk(nodes, 1, undefined);
    return out;
  }
  // Returns the rows of `node` (itself and kept descendants), or none when nothing under it matches.
  const visit = (node: TreeNodeModel, level: number, parentKey: string | undefined): VisibleRow[] => {
    const key = parentKey === undefined ? node.key : `${parentKey}/${node.key}`;
    const kept: VisibleRow[][] = [];
    for (const child of node.children ?? []) {
      const rows = visit(child, level + 1, key);
      if (rows.length) kept.push(rows);
    }
    const match = matchOf(node, q);
    if (!match && !kept.length) return [];
    kept.forEach((rows, i) => {
      rows[0].posInSet = i + 1;
      rows[0].setSize = kept.length;
    });
    return [{ key, node, level, parentKey, hasChildren: kept.length > 0, open: kept.length > 0, posInSet: 1, setSize: 1, ...match }, ...kept.flat()];
  };
  const top = nodes.map((n) => visit(n, 1, undefined)).filter((r) => r.length);
  top.forEach((rows, i) => {
    rows[0].posInSet = i + 1;
    rows[0].setSize = top.length;
    out.push(...rows);
  });
  return out;
}
