/**
 * One host's memory as a bar divided among what uses it (XenCenter's memory bars): Xen itself, the control
 * domain, each running VM (its current allocation), and what is free. Each part has a tooltip; the whole
 * bar reads as one sentence to assistive technology.
 */
import type { HostRecord } from '../../../../shared/xapi/generated/records';
import { Tooltip } from '../../../components/Tooltip';
import { useClassMap, useIndexed, useRecord } from '../../../store/hooks';
import { isNullRef } from '../../../store/object-id';
import { formatBytes } from '../format';

interface Part {
  key: string;
  label: string;
  bytes: number;
  kind: 'xen' | 'dom0' | 'vm' | 'free';
}

export function HostMemoryBar({ connectionId, hostRef, host, titled = false }: { connectionId: string; hostRef: string; host: HostRecord; titled?: boolean }) {
  const metrics = useRecord(connectionId, 'host_metrics', isNullRef(host.metrics) ? undefined : host.metrics);
  const vmRefs = useIndexed(connectionId, 'vmsByHost', hostRef);
  const vms = useClassMap(connectionId, 'VM');
  const vmMetrics = useClassMap(connectionId, 'VM_metrics');
  const total = metrics?.memory_total ?? 0;
  const free = metrics?.memory_free ?? 0;
  const parts: Part[] = [];
  if (host.memory_overhead) parts.push({ key: 'xen', label: 'Xen', bytes: host.memory_overhead, kind: 'xen' });
  const guests: Part[] = [];
  for (const ref of vmRefs) {
    const vm = vms.get(ref);
    if (!vm || vm.power_state === 'Halted') continue;
    const bytes = vmMetrics.get(vm.metrics)?.memory_actual || vm.memory_target || vm.memory_dynamic_max;
    const part: Part = { key: ref, label: vm.is_control_domain ? 'Control domain' : vm.name_label, bytes, kind: vm.is_control_domain ? 'dom0' : 'vm' };
    (vm.is_control_domain ? parts : guests).push(part);
  }
  parts.push(...guests.sort((a, b) => b.bytes - a.bytes));
  parts.push({ key: 'free', label: 'Free', bytes: free, kind: 'free' });
  const scale = total || parts.reduce((n, p) => n + p.bytes, 0) || 1;
  const used = total - free;
  const summary = `${host.name_label}: ${formatBytes(used)} used of ${formatBytes(total)}, ${formatBytes(free)} free. ${parts
    .filter((p) => p.kind !== 'free')
    .map((p) => `${p.label} ${formatBytes(p.bytes)}`)
    .join(', ')}.`;
  return (
    <div className="memory-bar-row">
      {titled && (
        <div className="memory-bar-title">
          <span className="memory-bar-host">{host.name_label}</span>
          <span className="muted">
            {formatBytes(used)} used of {formatBytes(total)}
          </span>
        </div>
      )}
      <div className="memory-bar" role="img" aria-label={summary}>
        {parts.map((p) => (
          <Tooltip key={p.key} content={`${p.label}: ${formatBytes(p.bytes)}`}>
            <span className={`memory-bar-part is-${p.kind}`} style={{ width: `${(p.bytes / scale) * 100}%` }}>
              {p.bytes / scale > 0.08 && <span className="memory-bar-label">{p.label}</span>}
            </span>
          </Tooltip>
        ))}
      </div>
    </div>
  );
}
