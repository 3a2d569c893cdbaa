/**
 * The object's log: every XAPI message about it (alerts, and the lifecycle events the Alerts panel leaves
 * out: started, shut down, migrated…), newest first, in the Alerts panel's words (alert-words.ts: "CPU usage
 * is 93% (alarm at 90%)", never the raw XML body) and naming the object each entry is about. A pool's log
 * holds every message of the pool.
 */
import type { MessageRecord } from '../../../../shared/xapi/generated/records';
import { useClassMap, useConnectionMirror, useIndexed, useRecord, useRecords } from '../../../store/hooks';
import { isAlert } from '../../../store/alert-messages';
import { alertDetail, alertTitle, priorityLabel } from '../../alerts/alert-words';
import { messageObjectName } from '../../alerts/message-object';
import type { XapiObjectTabProps } from '../../object-tabs';
import { formatTime } from '../format';

function MessageTable({ connectionId, messages }: { connectionId: string; messages: MessageRecord[] }) {
  const mirror = useConnectionMirror(connectionId);
  const sorted = [...messages].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  return (
    <table className="data-table log-table" aria-label="Log">
      <thead>
        <tr>
          <th>Time</th>
          <th>Priority</th>
          <th>Event</th>
          <th>Object</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {sorted.length === 0 && (
          <tr>
            <td colSpan={5} className="muted">
              Nothing logged.
            </td>
          </tr>
        )}
        {sorted.map((m) => {
          const title = alertTitle(m);
          const object = messageObjectName(mirror, m);
          return (
            <tr key={m.uuid} aria-label={`${title}, ${object}`}>
              <td>{formatTime(m.timestamp)}</td>
              <td>{isAlert(m) ? priorityLabel(m.priority) : 'Event'}</td>
              <td>{title}</td>
              <td>{object}</td>
              <td className="log-body">{alertDetail(m)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ObjectLog({ connectionId, uuid }: { connectionId: string; uuid: string }) {
  const messages = useRecords(connectionId, 'message', useIndexed(connectionId, 'messagesByObject', uuid));
  return <MessageTable connectionId={connectionId} messages={messages} />;
}

function PoolLog({ connectionId }: { connectionId: string }) {
  const all = useClassMap(connectionId, 'message');
  return <MessageTable connectionId={connectionId} messages={[...all.values()]} />;
}

export default function LogsTab({ target }: XapiObjectTabProps) {
  const record = useRecord(target.connectionId, target.cls as 'VM', target.ref) as { uuid: string } | undefined;
  if (!record) return <p className="muted">This object no longer exists.</p>;
  return target.cls === 'pool' ? <PoolLog connectionId={target.connectionId} /> : <ObjectLog connectionId={target.connectionId} uuid={record.uuid} />;
}
