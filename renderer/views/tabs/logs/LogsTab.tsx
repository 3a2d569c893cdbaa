/** The object's log: alerts (XAPI messages) about it, newest first; for a pool, every message of the pool. */
import type { MessageRecord } from '../../../../shared/xapi/generated/records';
import { useClassMap, useIndexed, useRecord, useRecords } from '../../../store/hooks';
import type { XapiObjectTabProps } from '../../object-tabs';
import { formatTime } from '../format';

const PRIORITY: Record<number, string> = { 1: 'Critical', 2: 'Major', 3: 'Warning', 4: 'Minor', 5: 'Information' };

function MessageTable({ messages }: { messages: MessageRecord[] }) {
  const sorted = [...messages].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  return (
    <table className="data-table" aria-label="Log">
      <thead>
        <tr>
          <th>Time</th>
          <th>Priority</th>
          <th>Event</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {sorted.length === 0 && (
          <tr>
            <td colSpan={4} className="muted">
              Nothing logged.
            </td>
          </tr>
        )}
        {sorted.map((m) => (
          <tr key={m.uuid}>
            <td>{formatTime(m.timestamp)}</td>
            <td>{PRIORITY[m.priority] ?? String(m.priority)}</td>
            <td>{m.name.replace(/_/g, ' ').toLowerCase()}</td>
            <td className="log-body">{m.body}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ObjectLog({ connectionId, uuid }: { connectionId: string; uuid: string }) {
  const messages = useRecords(connectionId, 'message', useIndexed(connectionId, 'messagesByObject', uuid));
  return <MessageTable messages={messages} />;
}

function PoolLog({ connectionId }: { connectionId: string }) {
  const all = useClassMap(connectionId, 'message');
  return <MessageTable messages={[...all.values()]} />;
}

export default function LogsTab({ target }: XapiObjectTabProps) {
  const record = useRecord(target.connectionId, target.cls as 'VM', target.ref) as { uuid: string } | undefined;
  if (!record) return <p className="muted">This object no longer exists.</p>;
  return target.cls === 'pool' ? <PoolLog connectionId={target.connectionId} /> : <ObjectLog connectionId={target.connectionId} uuid={record.uuid} />;
}
