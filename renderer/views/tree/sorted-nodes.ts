/**
 * A list of sibling nodes kept in the tree's order while single entries come and go: a VM renamed, started
 * on another host or given a container moves by a binary search instead of its host's 300 VMs (or a pool's
 * 5,000) being sorted again. The order is total (rank, then label as people read numbers, then ref), so a
 * list kept this way equals the same entries sorted from scratch, whatever order they arrived in.
 */
import { collator } from './node-factory';
import type { TreeNodeModel } from './tree-node';

export interface SortedEntry {
  ref: string;
  node: TreeNodeModel;
  /** Sorts before the label: built-in templates (1) after custom ones (0). */
  rank: number;
}

export function compareEntries(a: SortedEntry, b: SortedEntry): number {
  return a.rank - b.rank || collator.compare(a.node.label, b.node.label) || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}

export class SortedNodes {
  private entries: SortedEntry[] = [];
  private nodes: TreeNodeModel[] | undefined;

  get size(): number {
    return this.entries.length;
  }

  /** Where `entry` is, or where it would go (the first entry not before it). */
  private position(entry: SortedEntry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.entries[mid], entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(entry: SortedEntry): void {
    this.entries.splice(this.position(entry), 0, entry);
    this.nodes = undefined;
  }

  /** Removes an entry that was inserted (found by its sort key, which does not change while it is in the list). */
  remove(entry: SortedEntry): void {
    let at = this.position(entry);
    // A collator that disagreed with itself would misplace the search: look the entry up then.
    if (this.entries[at] !== entry) at = this.entries.indexOf(entry);
    if (at < 0) return;
    this.entries.splice(at, 1);
    this.nodes = undefined;
  }

  /** Replaces the whole list (a pool loaded or rebuilt): one sort instead of an insertion per entry. */
  reset(entries: SortedEntry[]): void {
    this.entries = entries.sort(compareEntries);
    this.nodes = undefined;
  }

  /** The nodes in order: the same array until the list changes. */
  list(): TreeNodeModel[] {
    return (this.nodes ??= this.entries.map((e) => e.node));
  }
}
