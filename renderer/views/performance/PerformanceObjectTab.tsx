/** The Performance tab as the object-tab registry mounts it (renderer/views/object-tabs.ts): hosts and VMs. */
import type { ConnectionTarget, ObjectTarget } from '../../store/object-id';
import { PerformanceTab } from './PerformanceTab';

export default function PerformanceObjectTab({ target }: { target: ObjectTarget | ConnectionTarget }) {
  if (target.kind !== 'object' || (target.cls !== 'host' && target.cls !== 'VM')) return null;
  // A new object gets a fresh tab (range, zoom), as XenCenter does.
  return <PerformanceTab key={`${target.connectionId}|${target.ref}`} connectionId={target.connectionId} objectClass={target.cls} objectRef={target.ref} />;
}
