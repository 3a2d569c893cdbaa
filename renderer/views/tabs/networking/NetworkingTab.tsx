/**
 * Networking: a VM's virtual NICs (MAC, network, IPs from the guest tools; add and remove with real
 * XAPI calls), a host's or pool's networks, and a network's VIFs and PIFs.
 */
import { useState } from 'react';
import type { NetworkRecord, VIFRecord, VMRecord } from '../../../../shared/xapi/generated/records';
import { CopyButton } from '../../../components/CopyButton';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useClassMap, useIndexed, useRecord, useRecords } from '../../../store/hooks';
import { isNullRef } from '../../../store/object-id';
import type { XapiObjectTabProps } from '../../object-tabs';
import { ErrorRow, FormButtons, presentPairs } from '../tab-parts';
import { useAction } from '../../../components/use-action';
import { useObjectLabels } from '../../../store/object-labels';
import { useXapi } from '../use-xapi';

const MAC_RE = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const isUserNetwork = (n: NetworkRecord) => n.other_config?.is_host_internal_management_network !== 'true';

/** IPs the guest tools report for one VIF device: keys "0/ip", "0/ipv4/0", "0/ipv6/1" of guest_metrics.networks. */
export function ipsOfDevice(networks: Record<string, string> | undefined, device: string): string[] {
  if (!networks) return [];
  const out = new Set<string>();
  for (const [key, ip] of Object.entries(networks)) if (key.split('/')[0] === device && ip) out.add(ip);
  return [...out];
}

function AddVifForm({ connectionId, vmRef, vm, onDone }: { connectionId: string; vmRef: string; vm: VMRecord; onDone: () => void }) {
  const xapi = useXapi(connectionId);
  const networks = [...useClassMap(connectionId, 'network')].filter(([, n]) => isUserNetwork(n)).sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));
  const [network, setNetwork] = useState(networks[0]?.[0] ?? '');
  const labels = useObjectLabels(connectionId, 'network');
  const [mac, setMac] = useState('');
  const { busy, error, run } = useAction();
  const macOk = !mac.trim() || MAC_RE.test(mac.trim());
  return (
    <form
      className="inline-form"
      aria-label="Add network interface"
      onSubmit={(e) => {
        e.preventDefault();
        if (!network || !macOk) return;
        run(async () => {
          const devices = await xapi.call<string[]>('VM.get_allowed_VIF_devices', vmRef);
          if (!devices.length) throw Object.assign(new Error('This VM has no free network interface slot.'), { code: 'VIF_DEVICE_LIMIT', params: [] });
          // Each step an Async call: the task panel shows it.
          const what = { title: 'Add network interface', targetName: vm.name_label, targetRef: vmRef };
          const vif = await xapi.task(what, 'VIF.create', {
            device: devices[0], network, VM: vmRef, MAC: mac.trim().toLowerCase(), MTU: networks.find(([r]) => r === network)?.[1].MTU ?? 1500, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, locking_mode: 'network_default', ipv4_allowed: [], ipv6_allowed: [],
          });
          if (vm.power_state === 'Running' && vif) await xapi.task({ ...what, title: 'Plug network interface' }, 'VIF.plug', vif);
        }, onDone);
      }}
    >
      <label className="form-field">
        <span>Network</span>
        <select value={network} onChange={(e) => setNetwork(e.target.value)} disabled={busy}>
          {networks.map(([ref, n]) => (
            <option key={ref} value={ref}>
              {labels.get(ref) ?? n.name_label}
            </option>
          ))}
        </select>
      </label>
      <label className="form-field">
        <span>MAC address (empty: generated)</span>
        <input className="text-input mono" value={mac} onChange={(e) => setMac(e.target.value)} disabled={busy} aria-invalid={!macOk} placeholder="aa:bb:cc:dd:ee:ff" />
        {!macOk && <span className="field-error">Six pairs of hex digits separated by colons, e.g. 02:16:3e:00:00:01.</span>}
      </label>
      <FormButtons submit={busy ? 'Adding…' : 'Add interface'} submitDisabled={busy || !network || !macOk} busy={busy} onCancel={onDone} />
      {error !== undefined && <ErrorMessage error={error} />}
    </form>
  );
}

function VifRow({ connectionId, vifRef, vif, ips }: { connectionId: string; vifRef: string; vif: VIFRecord; ips: string[] }) {
  const xapi = useXapi(connectionId);
  const network = useRecord(connectionId, 'network', vif.network);
  const { busy, error, run } = useAction();
  return (
    <>
      <tr>
        <td>{vif.device}</td>
        <td>
          <span className="copyable">
            <span className="mono">{vif.MAC}</span>
            <CopyButton value={vif.MAC} what={`MAC address ${vif.MAC}`} />
          </span>
        </td>
        <td>{network?.name_label ?? '—'}</td>
        <td>
          {ips.length
            ? ips.map((ip) => (
                <span key={ip} className="copyable">
                  <span className="mono">{ip}</span>
                  <CopyButton value={ip} what={`IP address ${ip}`} />
                </span>
              ))
            : '—'}
        </td>
        <td>{vif.currently_attached ? 'Yes' : 'No'}</td>
        <td className="row-actions">
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            aria-label={`Remove interface ${vif.device}`}
            onClick={() =>
              run(async () => {
                const what = { title: 'Remove network interface', targetName: `${vif.device} (${network?.name_label ?? 'network'})`, targetRef: vif.VM };
                if (vif.currently_attached) await xapi.task({ ...what, title: 'Unplug network interface' }, 'VIF.unplug', vifRef);
                await xapi.task(what, 'VIF.destroy', vifRef);
              })
            }
          >
            Remove
          </button>
        </td>
      </tr>
      <ErrorRow error={error} colSpan={6} />
    </>
  );
}

function VmNetworking({ connectionId, vmRef, vm }: { connectionId: string; vmRef: string; vm: VMRecord }) {
  const vifRefs = useIndexed(connectionId, 'vifsByVm', vmRef);
  const vifs = useClassMap(connectionId, 'VIF');
  const gm = useRecord(connectionId, 'VM_guest_metrics', isNullRef(vm.guest_metrics) ? undefined : vm.guest_metrics);
  const [adding, setAdding] = useState(false);
  const rows = presentPairs(vifRefs, vifs);
  rows.sort((a, b) => Number(a[1].device) - Number(b[1].device));
  return (
    <div className="view-networking">
      <div className="view-toolbar">
        <button type="button" className="button" onClick={() => setAdding(true)} disabled={vm.is_a_snapshot}>
          Add interface…
        </button>
      </div>
      {adding && <AddVifForm connectionId={connectionId} vmRef={vmRef} vm={vm} onDone={() => setAdding(false)} />}
      <table className="data-table" aria-label="Network interfaces">
        <thead>
          <tr>
            <th>Device</th>
            <th>MAC</th>
            <th>Network</th>
            <th>IP addresses</th>
            <th>Attached</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No network interfaces.
              </td>
            </tr>
          )}
          {rows.map(([ref, vif]) => (
            <VifRow key={ref} connectionId={connectionId} vifRef={ref} vif={vif} ips={ipsOfDevice(gm?.networks, vif.device)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NetworkTable({ connectionId, hostRef }: { connectionId: string; hostRef?: string }) {
  const networks = useClassMap(connectionId, 'network');
  const pifs = useClassMap(connectionId, 'PIF');
  const list = [...networks].filter(([, n]) => isUserNetwork(n)).sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));
  return (
    <table className="data-table" aria-label="Networks">
      <thead>
        <tr>
          <th>Name</th>
          <th>Description</th>
          <th>NIC</th>
          <th>VLAN</th>
          <th>MTU</th>
          {hostRef && <th>IP address</th>}
        </tr>
      </thead>
      <tbody>
        {list.map(([ref, n]) => {
          const pif = n.PIFs.map((p) => pifs.get(p)).find((p) => p && (!hostRef || p.host === hostRef));
          return (
            <tr key={ref}>
              <td>{n.name_label}</td>
              <td>{n.name_description}</td>
              <td>{pif?.device ?? 'None (internal)'}</td>
              <td>{pif && pif.VLAN >= 0 ? String(pif.VLAN) : '—'}</td>
              <td>{n.MTU}</td>
              {hostRef && <td className="mono">{pif?.IP || '—'}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function NetworkMembers({ connectionId, networkRef }: { connectionId: string; networkRef: string }) {
  const vifs = useRecords(connectionId, 'VIF', useIndexed(connectionId, 'vifsByNetwork', networkRef));
  const pifs = useRecords(connectionId, 'PIF', useIndexed(connectionId, 'pifsByNetwork', networkRef));
  const vms = useClassMap(connectionId, 'VM');
  const hosts = useClassMap(connectionId, 'host');
  return (
    <div className="view-networking">
      <table className="data-table" aria-label="Virtual interfaces on this network">
        <caption className="section-title">Virtual interfaces (VIFs)</caption>
        <thead>
          <tr>
            <th>VM</th>
            <th>Device</th>
            <th>MAC</th>
            <th>Attached</th>
          </tr>
        </thead>
        <tbody>
          {vifs.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No VM uses this network.
              </td>
            </tr>
          )}
          {vifs.map((v) => (
            <tr key={v.uuid}>
              <td>{vms.get(v.VM)?.name_label ?? '—'}</td>
              <td>{v.device}</td>
              <td className="mono">{v.MAC}</td>
              <td>{v.currently_attached ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="data-table" aria-label="Physical interfaces on this network">
        <caption className="section-title">Physical interfaces (PIFs)</caption>
        <thead>
          <tr>
            <th>Server</th>
            <th>Device</th>
            <th>VLAN</th>
            <th>IP address</th>
            <th>Attached</th>
          </tr>
        </thead>
        <tbody>
          {pifs.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No physical interface: an internal network.
              </td>
            </tr>
          )}
          {pifs.map((p) => (
            <tr key={p.uuid}>
              <td>{hosts.get(p.host)?.name_label ?? '—'}</td>
              <td>{p.device}</td>
              <td>{p.VLAN >= 0 ? String(p.VLAN) : '—'}</td>
              <td className="mono">{p.IP || '—'}</td>
              <td>{p.currently_attached ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function NetworkingTab({ target }: XapiObjectTabProps) {
  const record = useRecord(target.connectionId, target.cls as 'VM', target.ref) as unknown;
  if (!record) return <p className="muted">This object no longer exists.</p>;
  switch (target.cls) {
    case 'VM':
      return <VmNetworking connectionId={target.connectionId} vmRef={target.ref} vm={record as VMRecord} />;
    case 'network':
      return <NetworkMembers connectionId={target.connectionId} networkRef={target.ref} />;
    case 'host':
      return <NetworkTable connectionId={target.connectionId} hostRef={target.ref} />;
    default:
      return <NetworkTable connectionId={target.connectionId} />;
  }
}
