/**
 * The General tab of pools, hosts, VMs, templates, SRs and networks: a property grid with the name,
 * description and tags edited in place (real XAPI setters), copy buttons for UUIDs and IPs, and values
 * that follow the mirror live.
 */
import type { ReactNode } from 'react';
import type { HostRecord, NetworkRecord, PoolRecord, SRRecord, VMRecord } from '../../../shared/xapi/generated/records';
import { CopyButton } from '../../components/CopyButton';
import { InlineEdit } from '../../components/InlineEdit';
import { PropertyList } from '../../components/PropertyList';
import { TagEditor } from '../../components/TagEditor';
import { useClassMap, useIndexed, useRecord } from '../../store/hooks';
import { isNullRef, type ObjectTarget } from '../../store/object-id';
import type { XapiObjectTabProps } from '../object-tabs';
import { VmContainerSection } from '../containers/VmContainerSection';
import { useActionRunner } from '../../actions/ActionHost';
import { VM_PROPERTIES_ACTION_ID } from '../vm-properties/vm-properties-action';
import { formatBytes, formatTime } from '../tabs/format';
import { useXapi } from '../tabs/use-xapi';

type Named = { uuid: string; name_label: string; name_description: string; tags: string[]; other_config: Record<string, string> };
type Rows = Array<[string, ReactNode]>;

const copyable = (value: string, what: string) =>
  value ? (
    <span className="copyable">
      <span className="mono">{value}</span>
      <CopyButton value={value} what={what} />
    </span>
  ) : (
    '—'
  );

function IdentitySection({ target, record, kindLabel }: { target: ObjectTarget; record: Named; kindLabel: string }) {
  const xapi = useXapi(target.connectionId);
  const { cls, ref } = target;
  return (
    <PropertyList
      title="Properties"
      rows={[
        ['Name', <InlineEdit key="n" label="Name" value={record.name_label} validate={(t) => (t.trim() ? undefined : `A ${kindLabel} needs a name.`)} onSave={(t) => xapi.call(`${cls}.set_name_label`, ref, t.trim())} />],
        ['Description', <InlineEdit key="d" label="Description" multiline value={record.name_description} placeholder="No description" onSave={(t) => xapi.call(`${cls}.set_name_description`, ref, t)} />],
        ['Tags', <TagEditor key="t" tags={record.tags} onAdd={(tag) => xapi.call(`${cls}.add_tags`, ref, tag)} onRemove={(tag) => xapi.call(`${cls}.remove_tags`, ref, tag)} />],
        ...(record.other_config?.folder ? ([['Folder', record.other_config.folder]] as Rows) : []),
        ['UUID', copyable(record.uuid, 'UUID')],
      ]}
    />
  );
}

function VmDetails({ target, vm }: { target: ObjectTarget; vm: VMRecord }) {
  const c = target.connectionId;
  const host = useRecord(c, 'host', isNullRef(vm.resident_on) ? undefined : vm.resident_on);
  const affinity = useRecord(c, 'host', isNullRef(vm.affinity) ? undefined : vm.affinity);
  const gm = useRecord(c, 'VM_guest_metrics', isNullRef(vm.guest_metrics) ? undefined : vm.guest_metrics);
  const metrics = useRecord(c, 'VM_metrics', isNullRef(vm.metrics) ? undefined : vm.metrics);
  const ips = gm ? [...new Set(Object.values(gm.networks ?? {}))] : [];
  const rows: Rows = vm.is_a_template
    ? [['Kind', vm.is_default_template ? 'Default template' : 'Custom template'], ['vCPUs', String(vm.VCPUs_max)], ['Memory', formatBytes(vm.memory_static_max)]]
    : [
        ['Power state', vm.power_state],
        ['Running on', host?.name_label ?? '—'],
        ['Home server', affinity?.name_label ?? 'None'],
        ['Operating system', gm?.os_version?.name ?? 'Unknown (no guest tools)'],
        ['IP addresses', ips.length ? <span className="ip-list">{ips.map((ip) => <span key={ip}>{copyable(ip, `IP address ${ip}`)}</span>)}</span> : '—'],
        ['vCPUs', String(vm.VCPUs_at_startup)],
        ['Memory', `${formatBytes(metrics?.memory_actual || vm.memory_target || vm.memory_dynamic_max)} (${formatBytes(vm.memory_dynamic_min)}–${formatBytes(vm.memory_dynamic_max)})`],
        ['Virtualization', vm.domain_type.toUpperCase()],
        ['HA restart priority', vm.ha_restart_priority || 'Do not restart'],
        ['Started', vm.power_state === 'Running' ? formatTime(metrics?.start_time) : '—'],
      ];
  return <PropertyList title={vm.is_a_template ? 'Template' : vm.is_a_snapshot ? 'Snapshot' : 'Virtual machine'} rows={vm.is_a_snapshot ? [['Taken', formatTime(vm.snapshot_time)]] : rows} />;
}

function HostDetails({ target, host }: { target: ObjectTarget; host: HostRecord }) {
  const c = target.connectionId;
  const metrics = useRecord(c, 'host_metrics', isNullRef(host.metrics) ? undefined : host.metrics);
  const pools = useClassMap(c, 'pool');
  const pool = [...pools.values()][0];
  const running = useIndexed(c, 'vmsByHost', target.ref);
  return (
    <PropertyList
      title="Server"
      rows={[
        ['Address', copyable(host.address, 'address')],
        ['Host name', host.hostname || '—'],
        ['Role', pool?.master === target.ref ? 'Pool master' : 'Pool member'],
        ['State', metrics && !metrics.live ? 'Unreachable' : host.enabled ? 'Enabled' : 'Maintenance mode (disabled)'],
        ['Version', host.software_version?.product_version ?? host.software_version?.platform_version ?? '—'],
        ['CPU', `${host.host_CPUs.length} × ${host.cpu_info?.modelname ?? 'CPU'}`],
        ['Memory', metrics ? `${formatBytes(metrics.memory_free)} free of ${formatBytes(metrics.memory_total)}` : '—'],
        ['Resident VMs', String(Math.max(0, running.length - 1))],
      ]}
    />
  );
}

function PoolDetails({ target, pool }: { target: ObjectTarget; pool: PoolRecord }) {
  const c = target.connectionId;
  const master = useRecord(c, 'host', pool.master);
  const defaultSr = useRecord(c, 'SR', isNullRef(pool.default_SR) ? undefined : pool.default_SR);
  const hosts = useClassMap(c, 'host');
  return (
    <PropertyList
      title="Pool"
      rows={[
        ['Master', master?.name_label ?? '—'],
        ['Servers', String(hosts.size)],
        ['Default SR', defaultSr?.name_label ?? 'None'],
        ['High availability', pool.ha_enabled ? 'Enabled' : 'Disabled'],
      ]}
    />
  );
}

function SrDetails({ sr }: { sr: SRRecord }) {
  const pct = sr.physical_size > 0 ? Math.round((sr.physical_utilisation / sr.physical_size) * 100) : 0;
  return (
    <PropertyList
      title="Storage repository"
      rows={[
        ['Type', sr.type],
        ['Content', sr.content_type || '—'],
        ['Shared', sr.shared ? 'Yes' : 'No'],
        ['Size', `${formatBytes(sr.physical_utilisation)} used of ${formatBytes(sr.physical_size)} (${pct}%)`],
        ['Allocated', formatBytes(sr.virtual_allocation)],
      ]}
    />
  );
}

function NetworkDetails({ net }: { net: NetworkRecord }) {
  return (
    <PropertyList
      title="Network"
      rows={[
        ['Bridge', net.bridge || '—'],
        ['MTU', String(net.MTU)],
        ['Managed', net.managed ? 'Yes' : 'No'],
      ]}
    />
  );
}

/** XenCenter's General tab has a Properties button: the VM Properties dialog, where the VM's settings are edited together. */
function VmPropertiesLink({ target }: { target: ObjectTarget }) {
  const runner = useActionRunner();
  return (
    <p className="general-properties-link">
      <button type="button" className="button button-small" onClick={() => runner.invoke(VM_PROPERTIES_ACTION_ID, [target])}>
        Properties…
      </button>
    </p>
  );
}

const KIND_LABEL: Record<string, string> = { pool: 'pool', host: 'server', vm: 'VM', template: 'template', snapshot: 'snapshot', sr: 'storage repository', network: 'network' };

export default function GeneralTab({ target, kind }: XapiObjectTabProps) {
  const record = useRecord(target.connectionId, target.cls as 'VM', target.ref) as unknown as Named | undefined;
  if (!record) return <p className="muted">This object no longer exists.</p>;
  return (
    <div className="view-general">
      <IdentitySection target={target} record={record} kindLabel={KIND_LABEL[kind] ?? 'object'} />
      {kind === 'vm' && <VmPropertiesLink target={target} />}
      {target.cls === 'VM' && <VmDetails target={target} vm={record as unknown as VMRecord} />}
      {target.cls === 'VM' && <VmContainerSection target={target} vm={record as unknown as VMRecord} />}
      {target.cls === 'host' && <HostDetails target={target} host={record as unknown as HostRecord} />}
      {target.cls === 'pool' && <PoolDetails target={target} pool={record as unknown as PoolRecord} />}
      {target.cls === 'SR' && <SrDetails sr={record as unknown as SRRecord} />}
      {target.cls === 'network' && <NetworkDetails net={record as unknown as NetworkRecord} />}
    </div>
  );
}
