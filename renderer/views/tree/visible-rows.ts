/**
 * Flattens the tree model into the rows on screen: open nodes' children follow their parent. With a
 * search, only matching nodes and their ancestors stay (ancestors opened), and each row says where the
 * text matched so the row can highlight it.
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
