/** The General tab of a connection row (a pool not loaded: connecting, reconnecting or disconnected). */
import { useConnection } from '../../store/hooks';
import type { ObjectTabProps } from '../object-tabs';
import { ConnectionGeneral } from './ConnectionGeneral';

export default function ConnectionGeneralTab({ target }: ObjectTabProps) {
  const connection = useConnection(target.connectionId);
  return connection ? <ConnectionGeneral connection={connection} /> : <p className="muted">This connection was removed.</p>;
}
