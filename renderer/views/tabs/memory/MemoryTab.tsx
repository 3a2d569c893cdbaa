/**
 * Memory of a VM (VmMemory.tsx: fixed or dynamic, with vCPUs), of a host (used by what) and of a pool: one
 * bar per host divided among what uses its memory, as XenCenter's pool Memory tab draws it.
 */
import type { HostRecord, VMRecord } from '../../../../shared/xapi/generated/records';
import { PropertyList } from '../../../components/PropertyList';
import { useClassMap, useIndexed, useRecord, useRecords } from '../../../store/hooks';
import { isNullRef } from '../../../store/object-id';
import type { XapiObjectTabProps } from '../../object-tabs';
import { formatBytes } from '../format';
import { HostMemoryBar } from './HostMemoryBar';
import { VmMemory } from './VmMemory';

function HostMemory({ connectionId, hostRef, host }: { connectionId: string; hostRef: string; host: HostRecord }) {
  const metrics = useRecord(connectionId, 'host_metrics', isNullRef(host.metrics) ? undefined : host.metrics);
  const vmRefs = useIndexed(connectionId, 'vmsByHost', hostRef);
  const vms = useRecords(connectionId, 'VM', vmRefs);
  const total = metrics?.memory_total ?? 0;
  const free = metrics?.memory_free ?? 0;
  const rows = vms.map((vm) => [vm.is_control_domain ? `${vm.name_label} (control domain)` : vm.name_label, formatBytes(vm.memory_target || vm.memory_dynamic_max)] as [string, string]);
  return (
    <div className="view-memory">
      <HostMemoryBar connectionId={connectionId} hostRef={hostRef} host={host} />
      <PropertyList
        title="Server memory"
        rows={[
          ['Total', formatBytes(total)],
          ['Free', formatBytes(free)],
          ['Used', `${formatBytes(total - free)}${total ? ` (${Math.round(((total - free) / total) * 100)}%)` : ''}`],
          ['Xen overhead', formatBytes(host.memory_overhead)],
        ]}
      />
      <PropertyList title="Used by" rows={rows.sort((a, b) => a[0].localeCompare(b[0]))} />
    </div>
  );
}

function PoolMemory({ connectionId }: { connectionId: string }) {
  const hosts = [...useClassMap(connectionId, 'host')].sort((a, b) => a[1].name_label.localeCompare(b[1].name_label, undefined, { numeric: true }));
  return (
    <section className="property-section" aria-label="Memory by server">
      <h3 className="section-title">Memory by server</h3>
      {hosts.map(([ref, host]) => (
        <HostMemoryBar key={ref} connectionId={connectionId} hostRef={ref} host={host} titled />
      ))}
    </section>
  );
}

export default function MemoryTab({ target }: XapiObjectTabProps) {
  const record = useRecord(target.connectionId, target.cls as 'VM', target.ref) as unknown;
  if (!record) return <p className="muted">This object no longer exists.</p>;
  if (target.cls === 'VM') return <VmMemory connectionId={target.connectionId} vmRef={target.ref} vm={record as VMRecord} />;
  if (target.cls === 'host') return <HostMemory connectionId={target.connectionId} hostRef={target.ref} host={record as HostRecord} />;
  return <PoolMemory connectionId={target.connectionId} />;
}
