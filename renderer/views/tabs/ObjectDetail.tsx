/**
 * The right pane: the selected object's name and its tabs (DetailFrame.tsx, from object-tabs.ts), for a
 * XAPI object, a connection, or a Docker container (views/containers).
 */
import type { XapiRecordByClass } from '../../../shared/xapi/generated/records';
import { useConnection, useRecord } from '../../store/hooks';
import type { ConnectionTarget, ObjectTarget, Target } from '../../store/object-id';
import { ContainerDetail } from '../containers/ContainerDetail';
import { connectionName } from '../tree/connection-status';
import type { NodeState } from '../tree/tree-model';
import { DetailFrame, type AnyRecord } from './DetailFrame';
import { objectKind } from './object-kind';

export function ObjectDetail({ target, count }: { target: Target; count: number }) {
  return target.kind === 'container' ? <ContainerDetail target={target} count={count} /> : <XapiObjectDetail target={target} count={count} />;
}

function XapiObjectDetail({ target, count }: { target: ObjectTarget | ConnectionTarget; count: number }) {
  const connection = useConnection(target.connectionId);
  const record = useRecord(target.connectionId, target.kind === 'object' ? target.cls : 'pool', target.kind === 'object' ? target.ref : undefined) as AnyRecord | undefined;
  const kind = objectKind(target, record);

  if (target.kind === 'object' && !record) {
    return (
      <div className="detail-empty" role="status">
        <p className="muted">This object no longer exists.</p>
      </div>
    );
  }
  const name =
    target.kind === 'connection' ? (connection ? connectionName(connection) : target.connectionId)
    : (record as { name_label?: string }).name_label || (kind === 'pool' && connection ? connectionName(connection) : '(unnamed)');
  const state = kind === 'vm' ? (record as XapiRecordByClass['VM']).power_state.toLowerCase() : undefined;
  return <DetailFrame target={target} kind={kind} record={record} name={name} state={state as NodeState} count={count} />;
}
