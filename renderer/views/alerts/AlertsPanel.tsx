/**
 * Alerts: the XAPI `message` objects of every connected pool that are alerts (store/alert-messages.ts: VM
 * lifecycle events are not, as in XenCenter; they are in the object's Logs tab), newest first, with
 * priority, the object they are about, the pool and the time. Filter by priority, pool and text; dismiss one
 * (message.destroy) or every shown alert (one call each, a few at a time). The list follows the
 * mirror, so an alert dismissed from another client disappears here too.
 */
import { useMemo, useState } from 'react';
import { ConcurrencyLimit } from '../../../shared/api-client/concurrency-limit';
import type { MessageRecord } from '../../../shared/xapi/generated/records';
import { useBridge } from '../../bridge-context';
import { useConnections, useMirrorShallow, type ClassMap } from '../../store';
import { useMirror } from '../../store';
import { isAlert } from '../../store/alert-messages';
import { messageObjectName } from './message-object';
import { ConfirmDialog } from '../../actions/dialogs/ConfirmDialog';
import { useActionRunner } from '../../actions/ActionHost';
import { parseXapiTime, formatWhen } from '../tasks/xapi-time';
import { alertDetail, alertTitle, matchesFilter, priorityLabel, PRIORITIES, type AlertFilter } from './alert-words';
import './alerts.css';

interface AlertRow {
  key: string;
  connectionId: string;
  ref: string;
  message: MessageRecord;
  time: number;
  title: string;
  detail: string;
  objectName: string;
  priority: number;
  name: string;
}

export function AlertsPanel() {
  const bridge = useBridge();
  const runner = useActionRunner();
  const connections = useConnections();
  // [id, messages, id, messages…]: re-render only when some pool's messages change.
  const messageMaps = useMirrorShallow((s) => Object.entries(s.mirrors).flatMap(([id, m]) => [id, m.objects.message]));
  const mirrors = useMirror((s) => s.mirrors);
  const [filter, setFilter] = useState<AlertFilter>({ maxPriority: 5, pool: '', text: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirmAll, setConfirmAll] = useState(false);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());

  const rows = useMemo(() => {
    const out: AlertRow[] = [];
    for (let i = 0; i < messageMaps.length; i += 2) {
      const connectionId = messageMaps[i] as string;
      for (const [ref, m] of (messageMaps[i + 1] as ClassMap<'message'> | undefined) ?? []) {
        if (!isAlert(m)) continue;
        out.push({
          key: `${connectionId}|${ref}`,
          connectionId,
          ref,
          message: m,
          time: parseXapiTime(m.timestamp) ?? 0,
          title: alertTitle(m),
          detail: alertDetail(m),
          objectName: messageObjectName(mirrors[connectionId], m),
          priority: m.priority,
          name: m.name,
        });
      }
    }
    return out.sort((a, b) => b.time - a.time);
    // Object names come from `mirrors`, but only need refreshing when the messages change or a pool reloads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [messageMaps]);

  const shown = rows.filter((r) => matchesFilter(filter, r));
  const poolName = (id: string) => {
    const c = connections.find((x) => x.id === id);
    return c ? c.label || c.address : id;
  };

  const dismiss = async (row: AlertRow) => {
    setBusy((b) => new Set(b).add(row.key));
    setErrors((e) => ({ ...e, [row.key]: '' }));
    try {
      await bridge.request('xapi.call', { connectionId: row.connectionId, method: 'message.destroy', params: [row.ref] });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      // Already gone (dismissed elsewhere): nothing to report, the mirror will drop it.
      if (e.code !== 'HANDLE_INVALID') setErrors((x) => ({ ...x, [row.key]: `Could not dismiss: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}` }));
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(row.key);
        return next;
      });
    }
  };

  const dismissShown = async () => {
    setConfirmAll(false);
    const gate = new ConcurrencyLimit(4);
    await Promise.all(shown.map((r) => gate.run(() => dismiss(r))));
  };

  const filtered = filter.maxPriority < 5 || filter.pool !== '' || filter.text.trim() !== '';
  return (
    <div className="alerts-panel">
      <div className="alerts-filters" role="search" aria-label="Filter alerts">
        <label>
          Priority{' '}
          <select value={filter.maxPriority} onChange={(e) => setFilter((f) => ({ ...f, maxPriority: Number(e.target.value) }))}>
            <option value={5}>All</option>
            {PRIORITIES.slice(0, 4).map((p) => (
              <option key={p.value} value={p.value}>
                {p.value === 1 ? 'Critical only' : `${p.label} and above`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pool{' '}
          <select value={filter.pool} onChange={(e) => setFilter((f) => ({ ...f, pool: e.target.value }))}>
            <option value="">All pools</option>
            {connections
              .filter((c) => !c.hidden)
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label || c.address}
                </option>
              ))}
          </select>
        </label>
        <label>
          <span className="visually-hidden">Search alerts</span>
          <input type="search" className="text-input" placeholder="Search alerts…" value={filter.text} onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))} />
        </label>
        <span className="alerts-count muted" role="status">
          {filtered ? `${shown.length} of ${rows.length} alerts` : `${rows.length} alert${rows.length === 1 ? '' : 's'}`}
        </span>
        <button type="button" className="button button-small" disabled={shown.length === 0} onClick={() => setConfirmAll(true)}>
          {filtered ? 'Dismiss shown' : 'Dismiss all'}
        </button>
        <button type="button" className="button button-small" disabled={rows.length === 0} onClick={() => runner.invoke('alerts.export', [])}>
          Export…
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="panel-empty muted">{rows.length === 0 ? 'No alerts.' : 'No alert matches the filter.'}</p>
      ) : (
        <table className="panel-table" aria-label="Alerts">
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col">Alert</th>
              <th scope="col">Object</th>
              <th scope="col">Pool</th>
              <th scope="col">Time</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.key} aria-label={`${priorityLabel(r.priority)}: ${r.title}, ${r.objectName}`}>
                <td>
                  <span className={`alert-priority priority-${Math.min(5, Math.max(1, r.priority))}`}>{priorityLabel(r.priority)}</span>
                </td>
                <td>
                  <div className="alert-title">{r.title}</div>
                  {r.detail && <div className="alert-detail muted">{r.detail}</div>}
                  {errors[r.key] && (
                    <div className="field-error" role="alert">
                      {errors[r.key]}
                    </div>
                  )}
                </td>
                <td>{r.objectName}</td>
                <td>{poolName(r.connectionId)}</td>
                <td>{r.time ? formatWhen(r.time) : '—'}</td>
                <td>
                  <button type="button" className="button button-small" disabled={busy.has(r.key)} onClick={() => void dismiss(r)} aria-label={`Dismiss ${r.title} (${r.objectName})`}>
                    Dismiss
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirmAll && (
        <ConfirmDialog
          title={filtered ? `Dismiss ${shown.length} shown alerts?` : `Dismiss all ${shown.length} alerts?`}
          message="Dismissed alerts are deleted from the pool, for every client (XenCenter included)."
          confirmLabel="Dismiss"
          onAnswer={(ok) => (ok ? void dismissShown() : setConfirmAll(false))}
        />
      )}
    </div>
  );
}

/** Number of alerts of every pool, for the panel's tab label (lifecycle events are not counted). */
export function useAlertCount(): number {
  return useMirror((s) => {
    let n = 0;
    for (const m of Object.values(s.mirrors)) for (const list of m.indexes.alertsByObject.values()) n += list.length;
    return n;
  });
}
