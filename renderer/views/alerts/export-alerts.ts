/**
 * Export the alerts as a CSV file (XenCenter's Alerts view "Export all"): one line per alert of every
 * connected pool, in the Alerts panel's words (priority, alert, details, object, pool, time, and XAPI's
 * message name and uuid for the record). The file is made in the window and handed to the browser's (or
 * Electron's) download, which asks where to save it; nothing is sent anywhere.
 */
import type { Action } from '../../actions/types';
import type { ClassMap, MirrorState } from '../../store';
import { isAlert } from '../../store/alert-messages';
import { parseXapiTime } from '../tasks/xapi-time';
import { alertDetail, alertTitle, priorityLabel } from './alert-words';
import { messageObjectName } from './message-object';

/** A CSV field: quoted, quotes doubled, and a leading =, +, - or @ defused so a spreadsheet does not run it. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function alertsCsv(state: MirrorState): { csv: string; count: number } {
  const lines = [['Priority', 'Alert', 'Details', 'Object', 'Pool', 'Time', 'Message', 'UUID'].map(csvField).join(',')];
  const rows: { time: number; line: string }[] = [];
  for (const c of state.connections) {
    const mirror = state.mirrors[c.id];
    for (const m of (mirror?.objects.message as ClassMap<'message'> | undefined)?.values() ?? []) {
      if (!isAlert(m)) continue;
      const time = parseXapiTime(m.timestamp) ?? 0;
      const fields = [priorityLabel(m.priority), alertTitle(m), alertDetail(m), messageObjectName(mirror, m), c.label || c.address, time ? new Date(time).toISOString() : '', m.name, m.uuid];
      rows.push({ time, line: fields.map(csvField).join(',') });
    }
  }
  rows.sort((a, b) => b.time - a.time);
  return { csv: [...lines, ...rows.map((r) => r.line)].join('\r\n') + '\r\n', count: rows.length };
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const exportAlerts: Action = {
  id: 'alerts.export',
  label: 'Export alerts…',
  icon: 'export',
  group: 'alerts',
  toolbar: 'none',
  global: true,
  keywords: ['export', 'csv', 'save alerts', 'download'],
  needs: 'Always available.',
  appliesTo: (targets) => targets.length === 0,
  // Counted from the index (this verdict is asked on every change of the pools).
  disabledReason: (_targets, state) => (Object.values(state.mirrors).some((m) => m.indexes.alertsByObject.size > 0) ? undefined : 'There are no alerts to export.'),
  async run(ctx) {
    const { csv } = alertsCsv(ctx.getState());
    download(`xendeck-alerts-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`, csv);
  },
};
