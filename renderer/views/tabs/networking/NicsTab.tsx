/** A host's physical NICs: device, MAC, link state, speed, duplex, vendor (PIF and PIF_metrics). */
import { useClassMap, useIndexed, useRecords } from '../../../store/hooks';
import type { XapiObjectTabProps } from '../../object-tabs';

export default function NicsTab({ target }: XapiObjectTabProps) {
  const pifs = useRecords(target.connectionId, 'PIF', useIndexed(target.connectionId, 'pifsByHost', target.ref));
  const metrics = useClassMap(target.connectionId, 'PIF_metrics');
  const bonds = useClassMap(target.connectionId, 'Bond');
  const physical = pifs.filter((p) => p.physical).sort((a, b) => a.device.localeCompare(b.device, undefined, { numeric: true }));
  return (
    <table className="data-table" aria-label="Physical network interfaces">
      <thead>
        <tr>
          <th>NIC</th>
          <th>MAC</th>
          <th>Link</th>
          <th>Speed</th>
          <th>Duplex</th>
          <th>Vendor</th>
          <th>Device</th>
          <th>Bonded</th>
        </tr>
      </thead>
      <tbody>
        {physical.length === 0 && (
          <tr>
            <td colSpan={8} className="muted">
              No physical NICs reported.
            </td>
          </tr>
        )}
        {physical.map((p) => {
          const m = metrics.get(p.metrics);
          const bond = p.bond_slave_of && bonds.get(p.bond_slave_of);
          return (
            <tr key={p.uuid}>
              <td>{p.device.replace(/^eth/, 'NIC ')}</td>
              <td className="mono">{p.MAC}</td>
              <td>{m ? (m.carrier ? 'Connected' : 'Disconnected') : '—'}</td>
              <td>{m && m.speed > 0 ? `${m.speed} Mbit/s` : '—'}</td>
              <td>{m?.duplex ? 'Full' : m ? 'Half' : '—'}</td>
              <td>{m?.vendor_name || '—'}</td>
              <td>{m?.device_name || '—'}</td>
              <td>{bond ? 'Yes' : 'No'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
