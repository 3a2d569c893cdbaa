/** Sorting the Processes tab's rows by a column (PIDs and CPU times by value, commands by text). */
import type { DockerProcess } from '../../../shared/api-client/xscontainer';

export type ProcessColumn = 'pid' | 'command' | 'cpu';
export interface ProcessSort {
  column: ProcessColumn;
  descending: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: DockerProcess, b: DockerProcess, column: ProcessColumn): number {
  switch (column) {
    case 'pid':
      return (Number(a.pid) || 0) - (Number(b.pid) || 0) || collator.compare(a.pid, b.pid);
    case 'cpu':
      // A TIME ps did not write as [DD-]HH:MM:SS sorts last.
      return (a.cpuSeconds ?? -1) - (b.cpuSeconds ?? -1) || collator.compare(a.cpuTime, b.cpuTime);
    default:
      return collator.compare(a.command, b.command);
  }
}

/** A sorted copy; ties keep ps's order (by PID). */
export function sortProcesses(list: readonly DockerProcess[], sort: ProcessSort): DockerProcess[] {
  const sign = sort.descending ? -1 : 1;
  return list
    .map((p, i) => ({ p, i }))
    .sort((x, y) => sign * compare(x.p, y.p, sort.column) || x.i - y.i)
    .map((x) => x.p);
}

/** Clicking a column: sorts by it ascending, or flips the direction if it is the one sorted by. */
export function nextSort(current: ProcessSort, column: ProcessColumn): ProcessSort {
  return current.column === column ? { column, descending: !current.descending } : { column, descending: column === 'cpu' };
}
