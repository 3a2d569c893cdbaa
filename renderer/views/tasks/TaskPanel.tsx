/**
 * Every task of every pool: running ones from the mirror (progress, elapsed time, Cancel where XAPI
 * allows it), then the recently finished ones from the task log (result or error in words with the
 * code), which stay for FINISHED_TASK_TTL_MS after XAPI has destroyed the task.
 */
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ConnectionInfo } from '../../../shared/bridge';
import type { TaskRecord } from '../../../shared/xapi/generated/records';
import { useStore } from 'zustand';
import { useBridge } from '../../bridge-context';
import { useMirror, useMirrorShallow, useMirrorStoreApi, useConnections, type ClassMap, type MirrorState, type MirrorStore } from '../../store';
import { describeError } from '../../errors';
import { appTaskLog, clearFinished, observeTasks, pruneTaskLog, taskKey, type FinishedTask, type TaskLog } from './task-log';
import { describeTask, listedTaskWords, type TaskWords } from './task-identity';
import { formatDuration, formatWhen } from './xapi-time';
import './tasks.css';

/** Keeps the task log in step with the mirror's tasks for as long as the panel lives. */
function useTaskObserver(store: MirrorStore, log: TaskLog): void {
  useEffect(() => {
    const previous = new Map<string, ReadonlyMap<string, TaskRecord>>();
    const observe = (state: MirrorState) => {
      for (const [connectionId, mirror] of Object.entries(state.mirrors)) {
        const tasks = (mirror.objects.task as ClassMap<'task'> | undefined) ?? new Map<string, TaskRecord>();
        const before = previous.get(connectionId);
        if (before === tasks) continue;
        // After a reset batch (reconnect) the old tasks are not "finished": only compare within one load.
        observeTasks(log, connectionId, tasks, before, (t) => describeTask(state, connectionId, t));
        previous.set(connectionId, tasks);
      }
    };
    observe(store.getState());
    const off = store.subscribe(observe);
    const prune = window.setInterval(() => pruneTaskLog(log), 15_000);
    return () => {
      off();
      window.clearInterval(prune);
    };
  }, [store, log]);
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

interface RunningRow {
  key: string;
  connectionId: string;
  ref: string;
  task: TaskRecord;
  words: TaskWords;
}

/** What Cancel needs of a row. */
type CancelTarget = Pick<RunningRow, 'key' | 'connectionId' | 'ref'>;

/**
 * A row's height in pixels (tasks.css holds rows to it). Only rows that may be taller are measured (a failure's
 * error and a refused cancel wrap): measuring every row forced a layout per row mounted, and a bulk action mounts
 * rows on every batch as they start, move and finish.
 */
const TASK_ROW_HEIGHT = 25;

/** The box that scrolls the panel: the nearest ancestor that scrolls (the bottom panel's tab panel). */
function scrollingAncestor(el: HTMLElement | null): HTMLElement | null {
  for (let node = el?.parentElement; node; node = node.parentElement) {
    const { overflowY } = getComputedStyle(node);
    if (overflowY === 'auto' || overflowY === 'scroll') return node;
  }
  return null;
}

const poolName = (connections: readonly ConnectionInfo[], id: string) => {
  const c = connections.find((x) => x.id === id);
  return c ? c.label || c.address : '';
};

export function TaskPanel({ log = appTaskLog }: { log?: TaskLog }) {
  const store = useMirrorStoreApi();
  const bridge = useBridge();
  useTaskObserver(store, log);
  const connections = useConnections();
  const [cancelError, setCancelError] = useState<Record<string, string>>({});

  // One entry per connection: its task map (shallow-compared, so other classes' batches do not re-render).
  // Flat [id, map, id, map…] so the shallow comparison sees the maps themselves.
  const liveTaskMaps = useMirrorShallow((s) => Object.entries(s.mirrors).flatMap(([id, m]) => [id, m.objects.task]));
  const liveLaunched = useStore(log, (s) => s.launched);
  const liveFirstSeen = useStore(log, (s) => s.firstSeen);
  const liveFinished = useStore(log, (s) => s.finished);
  // Deferred, and together: a bulk action's tasks change on every batch, and listing them again waits for a
  // render React may defer and interrupt rather than holding the window while the batch is applied. The
  // running tasks and the task log are read from one moment, so a task that just ended is never listed both
  // running and done.
  const inputs = useMemo(() => ({ taskMaps: liveTaskMaps, launched: liveLaunched, firstSeen: liveFirstSeen, finished: liveFinished }), [liveTaskMaps, liveLaunched, liveFirstSeen, liveFinished]);
  const { taskMaps, launched, firstSeen, finished } = useDeferredValue(inputs);
  const running = useMemo(() => {
    const rows: RunningRow[] = [];
    for (let i = 0; i < taskMaps.length; i += 2) {
      const connectionId = taskMaps[i] as string;
      for (const [ref, task] of (taskMaps[i + 1] as ClassMap<'task'> | undefined) ?? []) {
        if (task.status !== 'pending' && task.status !== 'cancelling') continue;
        const words = listedTaskWords(store.getState(), launched, connectionId, ref, task);
        if (words) rows.push({ key: taskKey(connectionId, ref), connectionId, ref, task, words });
      }
    }
    return rows.sort((a, b) => (firstSeen[a.key] ?? 0) - (firstSeen[b.key] ?? 0));
  }, [taskMaps, firstSeen, launched, store]);
  const now = useNow(running.length > 0);

  const cancel = useCallback(
    (row: CancelTarget) => {
      setCancelError((e) => ({ ...e, [row.key]: '' }));
      bridge.request('xapi.call', { connectionId: row.connectionId, method: 'task.cancel', params: [row.ref] }).catch((err: { code?: string; message?: string }) =>
        setCancelError((e) => ({ ...e, [row.key]: `${err.message ?? 'Cancel failed'}${err.code ? ` (${err.code})` : ''}` })),
      );
    },
    [bridge],
  );

  // Only the rows in view (and a screenful either side) are in the page: a bulk action lists hundreds of
  // tasks whose progress and time change many times a second, and laying out and painting all of them
  // took the window's frames (a table lays itself out whole when a cell changes).
  const panelRef = useRef<HTMLDivElement>(null);
  // Found once: the virtualizer asks on every render, and reading computed styles up the tree each time showed in profiles.
  const scrollerRef = useRef<HTMLElement | null>(null);
  const rowCount = running.length + finished.length;
  // Sizes are remembered by task, not by position: rows move as tasks start and finish.
  const rowKeyAt = useCallback((index: number) => (index < running.length ? running[index].key : (finished[index - running.length]?.key ?? index)), [running, finished]);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => (scrollerRef.current ??= scrollingAncestor(panelRef.current)),
    estimateSize: () => TASK_ROW_HEIGHT,
    getItemKey: rowKeyAt,
    measureElement: (el) => el.getBoundingClientRect().height,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const spaceBefore = items[0]?.start ?? 0;
  const spaceAfter = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0));

  if (running.length === 0 && finished.length === 0) return <p className="panel-empty muted">No tasks. Operations you start (and those of other clients) appear here with their progress.</p>;

  return (
    <div className="task-panel" ref={panelRef}>
      {/* Fixed column widths: a task finishing (its progress bar becoming "Done") never moves the columns. */}
      <table className="panel-table task-table" aria-label="Tasks" aria-rowcount={rowCount + 1}>
        <colgroup>
          <col className="col-task" />
          <col className="col-object" />
          <col className="col-pool" />
          <col className="col-progress" />
          <col className="col-time" />
          <col className="col-actions" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Task</th>
            <th scope="col">Object</th>
            <th scope="col">Pool</th>
            <th scope="col">Progress</th>
            <th scope="col">Time</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {spaceBefore > 0 && <tr className="task-spacer" aria-hidden="true" style={{ height: spaceBefore }} />}
          {items.map((item) => {
            // aria-rowindex counts the header as row 1, so assistive technology reads positions as if every row were there.
            if (item.index >= running.length) {
              const f = finished[item.index - running.length];
              return <FinishedRow key={f.key} rowIndex={item.index + 2} measure={f.status === 'failure' ? virtualizer.measureElement : undefined} task={f} pool={poolName(connections, f.connectionId)} />;
            }
            const row = running[item.index];
            return (
              <RunningTaskRow
                key={row.key}
                rowIndex={item.index + 2}
                measure={cancelError[row.key] ? virtualizer.measureElement : undefined}
                rowKey={row.key}
                connectionId={row.connectionId}
                taskRef={row.ref}
                task={row.task}
                title={row.words.title}
                targetName={row.words.targetName}
                pool={poolName(connections, row.connectionId)}
                elapsedMs={now - (firstSeen[row.key] ?? now)}
                cancelError={cancelError[row.key]}
                onCancel={cancel}
              />
            );
          })}
          {spaceAfter > 0 && <tr className="task-spacer" aria-hidden="true" style={{ height: spaceAfter }} />}
        </tbody>
      </table>
      {finished.length > 0 && (
        <div className="panel-footer">
          <button type="button" className="button button-small" onClick={() => clearFinished(log)}>
            Clear finished
          </button>
        </div>
      )}
    </div>
  );
}

interface RunningTaskRowProps {
  /** Position among all rows, the header being 1 (aria-rowindex), and the index the virtualizer measures by. */
  rowIndex: number;
  measure: ((el: HTMLTableRowElement | null) => void) | undefined;
  rowKey: string;
  connectionId: string;
  taskRef: string;
  task: TaskRecord;
  title: string;
  targetName: string;
  pool: string;
  elapsedMs: number;
  cancelError: string | undefined;
  onCancel: (row: CancelTarget) => void;
}

// Rows are memoised: a bulk action runs hundreds of tasks, and a batch moves the progress of a few.
const RunningTaskRow = memo(function RunningTaskRow({ rowIndex, measure, rowKey, connectionId, taskRef, task, title, targetName, pool, elapsedMs, cancelError, onCancel }: RunningTaskRowProps) {
  const pct = Math.round(Math.min(1, Math.max(0, task.progress)) * 100);
  return (
    <tr ref={measure} data-index={rowIndex - 2} className="task-row is-running" aria-rowindex={rowIndex} aria-label={`${title} ${targetName}`}>
      <td>{title}</td>
      <td>{targetName}</td>
      <td>{pool}</td>
      <td>
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`${title} progress`}>
          <div className="progress-fill" style={{ transform: `scaleX(${pct / 100})` }} />
        </div>
        <span className="progress-text">{task.status === 'cancelling' ? 'Cancelling…' : `${pct}%`}</span>
      </td>
      <td>{formatDuration(elapsedMs)}</td>
      <td>
        {task.allowed_operations.includes('cancel') && task.status === 'pending' && (
          <button type="button" className="button button-small" onClick={() => onCancel({ key: rowKey, connectionId, ref: taskRef })} aria-label={`Cancel ${title} ${targetName}`}>
            Cancel
          </button>
        )}
        {cancelError && <span className="field-error">{cancelError}</span>}
      </td>
    </tr>
  );
});

const FinishedRow = memo(function FinishedRow({ rowIndex, measure, task: f, pool }: { rowIndex: number; measure: ((el: HTMLTableRowElement | null) => void) | undefined; task: FinishedTask; pool: string }) {
  const statusText = f.status === 'success' ? 'Done' : f.status === 'cancelled' ? 'Cancelled' : 'Failed';
  return (
    <tr ref={measure} data-index={rowIndex - 2} className={`task-row is-${f.status}`} aria-rowindex={rowIndex} aria-label={`${f.title} ${f.targetName}: ${statusText}`}>
      <td>{f.title}</td>
      <td>{f.targetName}</td>
      <td>{pool}</td>
      <td>
        <span className={`task-status status-${f.status}`}>{statusText}</span>
        {f.status === 'failure' && f.error && (
          <span className="task-error">
            {' '}
            {describeError(f.error).title} <span className="error-code">{[f.error.code, ...f.error.params].join(' ')}</span>
          </span>
        )}
      </td>
      <td title={`Finished ${formatWhen(f.finishedAt)}`}>{f.elapsedMs !== undefined ? formatDuration(f.elapsedMs) : '—'}</td>
      <td />
    </tr>
  );
});

/** Number of running tasks the panel lists, for its tab label. */
export function useRunningTaskCount(log: TaskLog = appTaskLog): number {
  const launched = useStore(log, (s) => s.launched);
  return useMirror((s) => {
    let n = 0;
    for (const [connectionId, m] of Object.entries(s.mirrors)) {
      for (const [ref, t] of (m.objects.task as ClassMap<'task'> | undefined) ?? []) {
        if (t.status === 'pending' && listedTaskWords(s, launched, connectionId, ref, t)) n++;
      }
    }
    return n;
  });
}
