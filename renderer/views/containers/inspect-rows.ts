/**
 * `docker inspect` (the plug-in's get_inspect) as rows of an expandable tree: one row per element, named
 * by its key, with its text when it is a value; keyed by the path of positions so what the user opened
 * stays open when a refresh brings the same shape.
 */
import type { XsNode } from '../../../shared/api-client/xscontainer';
import type { TreeRowData } from '../../components/Tree';

export interface InspectRow extends TreeRowData {
  /** The element's text, for a value (no children). */
  value?: string;
}

/** Longest value shown on a row (a certificate or an env dump can be long: the rest stays in the tooltip). */
const MAX_VALUE = 300;

export function inspectRows(nodes: readonly XsNode[], open: ReadonlySet<string>): InspectRow[] {
  const out: InspectRow[] = [];
  const walk = (list: readonly XsNode[], level: number, parentKey: string | undefined) => {
    list.forEach((node, i) => {
      const key = parentKey === undefined ? String(i) : `${parentKey}/${i}`;
      const hasChildren = node.children.length > 0;
      const isOpen = hasChildren && open.has(key);
      const text = node.text.trim();
      const value = hasChildren ? undefined : text;
      out.push({
        key,
        id: key,
        parentKey,
        level,
        label: node.name,
        hasChildren,
        open: isOpen,
        posInSet: i + 1,
        setSize: list.length,
        // An empty value reads as such rather than as nothing.
        detail: hasChildren ? `${node.children.length} ${node.children.length === 1 ? 'entry' : 'entries'}` : value ? (value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value) : '(empty)',
        value,
      });
      if (isOpen) walk(node.children, level + 1, key);
    });
  };
  walk(nodes, 1, undefined);
  return out;
}
