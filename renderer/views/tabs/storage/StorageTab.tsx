/**
 * Storage: a VM's disks (size, SR, mode, position; new disk, attach, detach, resize: each an Async call,
 * so each shows in the task panel), a host's or pool's SRs, an SR's disks. SRs whose name repeats in the
 * pool ("Local storage") are named with the host they belong to (store/object-labels.ts).
 */
import { useState } from 'react';
import type { SRRecord, VBDRecord, VMRecord } from '../../../../shared/xapi/generated/records';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useClassMap, useIndexed, useRecord, useRecords } from '../../../store/hooks';
import { isNullRef } from '../../../store/object-id';
import type { XapiObjectTabProps } from '../../object-tabs';
import { formatBytes, GiB } from '../format';
import { ErrorRow, FormButtons, presentPairs } from '../tab-parts';
import { useAction } from '../../../components/use-action';
import { useXapi, type XapiCaller } from '../use-xapi';
import { useObjectLabels } from '../../../store/object-labels';

const parseGiB = (t: string): number | undefined => {
  const n = Number(t.trim());
  return t.trim() && Number.isFinite(n) && n > 0 && n <= 65536 ? Math.round(n * GiB) : undefined;
};

/** SRs that can hold a new disk: not ISO libraries, with a PBD (attached somewhere). */
const userSr = (sr: SRRecord) => sr.content_type !== 'iso' && sr.PBDs.length > 0;

async function attachVdi(xapi: XapiCaller, vm: VMRecord, vmRef: string, vdi: string, diskName: string) {
  const what = { title: 'Attach disk', targetName: `${diskName} (${vm.name_label})`, targetRef: vmRef };
  const vbd = await xapi.task(what, 'VBD.create', {
    VM: vmRef, VDI: vdi, userdevice: 'autodetect', bootable: false, mode: 'RW', type: 'Disk', empty: false, unpluggable: true, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {},
  });
  if (vm.power_state === 'Running' && vbd) await xapi.task({ ...what, title: 'Plug disk' }, 'VBD.plug', vbd);
}

function NewDiskForm({ connectionId, vmRef, vm, onDone }: { connectionId: string; vmRef: string; vm: VMRecord; onDone: () => void }) {
  const xapi = useXapi(connectionId);
  const labels = useObjectLabels(connectionId, 'SR');
  const srs = [...useClassMap(connectionId, 'SR')].filter(([, sr]) => userSr(sr)).sort((a, b) => (labels.get(a[0]) ?? '').localeCompare(labels.get(b[0]) ?? '', undefined, { numeric: true }));
  const pool = [...useClassMap(connectionId, 'pool').values()][0];
  const [name, setName] = useState(`${vm.name_label} disk`);
  const [size, setSize] = useState('10');
  const [sr, setSr] = useState(pool && !isNullRef(pool.default_SR) ? pool.default_SR : (srs[0]?.[0] ?? ''));
  const { busy, error, run } = useAction();
  const bytes = parseGiB(size);
  const free = srs.find(([r]) => r === sr)?.[1];
  const tooBig = bytes !== undefined && free ? bytes > free.physical_size - free.physical_utilisation : false;
  return (
    <form
      className="inline-form"
      aria-label="New disk"
      onSubmit={(e) => {
        e.preventDefault();
        if (!bytes || !sr || !name.trim()) return;
        run(async () => {
          const vdi = await xapi.task({ title: 'Create disk', targetName: `${name.trim()} (${vm.name_label})`, targetRef: vmRef }, 'VDI.create', {
            name_label: name.trim(), name_description: '', SR: sr, virtual_size: bytes, type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [],
          });
          if (vdi) await attachVdi(xapi, vm, vmRef, vdi, name.trim());
        }, onDone);
      }}
    >
      <label className="form-field">
        <span>Name</span>
        <input className="text-input" value={name} onChange={(e) => setName(e.target.value)} disabled={busy} />
      </label>
      <label className="form-field">
        <span>Size (GiB)</span>
        <input className="text-input" inputMode="decimal" value={size} onChange={(e) => setSize(e.target.value)} disabled={busy} aria-invalid={!bytes} />
        {!bytes && <span className="field-error">Enter a size in GiB, more than 0.</span>}
        {tooBig && <span className="field-error">Larger than the free space of this SR.</span>}
      </label>
      <label className="form-field">
        <span>Storage repository</span>
        <select value={sr} onChange={(e) => setSr(e.target.value)} disabled={busy}>
          {srs.map(([ref, s]) => (
            <option key={ref} value={ref}>
              {labels.get(ref) ?? s.name_label} ({formatBytes(s.physical_size - s.physical_utilisation)} free)
            </option>
          ))}
        </select>
      </label>
      <FormButtons submit={busy ? 'Creating…' : 'Create disk'} submitDisabled={busy || !bytes || !sr || !name.trim()} busy={busy} onCancel={onDone} />
      {error !== undefined && <ErrorMessage error={error} />}
    </form>
  );
}

function AttachDiskForm({ connectionId, vmRef, vm, onDone }: { connectionId: string; vmRef: string; vm: VMRecord; onDone: () => void }) {
  const xapi = useXapi(connectionId);
  const vdis = useClassMap(connectionId, 'VDI');
  const srs = useClassMap(connectionId, 'SR');
  const vbds = useClassMap(connectionId, 'VBD');
  // Free user disks: not attached to any VM (no VBD), not snapshots, not on ISO SRs.
  const used = new Set([...vbds.values()].map((v) => v.VDI));
  const free = [...vdis].filter(([ref, v]) => !used.has(ref) && !v.is_a_snapshot && v.type === 'user' && srs.get(v.SR)?.content_type !== 'iso');
  const labels = useObjectLabels(connectionId, 'SR');
  const [vdi, setVdi] = useState(free[0]?.[0] ?? '');
  const { busy, error, run } = useAction();
  if (!free.length) {
    return (
      <div className="inline-form">
        <p className="muted">There is no free disk to attach in this pool.</p>
        <button type="button" className="button" onClick={onDone}>
          Close
        </button>
      </div>
    );
  }
  return (
    <form
      className="inline-form"
      aria-label="Attach disk"
      onSubmit={(e) => {
        e.preventDefault();
        if (vdi) run(() => attachVdi(xapi, vm, vmRef, vdi, vdis.get(vdi)?.name_label ?? 'disk'), onDone);
      }}
    >
      <label className="form-field">
        <span>Disk</span>
        <select value={vdi} onChange={(e) => setVdi(e.target.value)} disabled={busy}>
          {free.map(([ref, v]) => (
            <option key={ref} value={ref}>
              {v.name_label} ({formatBytes(v.virtual_size)}, {labels.get(v.SR) ?? srs.get(v.SR)?.name_label ?? 'unknown SR'})
            </option>
          ))}
        </select>
      </label>
      <FormButtons submit={busy ? 'Attaching…' : 'Attach'} submitDisabled={busy || !vdi} busy={busy} onCancel={onDone} />
      {error !== undefined && <ErrorMessage error={error} />}
    </form>
  );
}

function DiskRow({ connectionId, vbdRef, vbd, vm }: { connectionId: string; vbdRef: string; vbd: VBDRecord; vm: VMRecord }) {
  const xapi = useXapi(connectionId);
  const vdi = useRecord(connectionId, 'VDI', vbd.empty || isNullRef(vbd.VDI) ? undefined : vbd.VDI);
  const sr = useRecord(connectionId, 'SR', vdi?.SR);
  const srLabel = useObjectLabels(connectionId, 'SR').get(vdi?.SR ?? '') ?? sr?.name_label;
  const [resizing, setResizing] = useState<string>();
  const { busy, error, run } = useAction();
  const running = vm.power_state === 'Running';
  const name = vbd.type === 'CD' ? (vdi ? vdi.name_label : 'Empty DVD drive') : (vdi?.name_label ?? '—');
  const newSize = resizing !== undefined ? parseGiB(resizing) : undefined;
  const what = { title: 'Detach disk', targetName: `${name} (${vm.name_label})`, targetRef: vbd.VM };
  const detach = () =>
    run(async () => {
      if (vbd.currently_attached) await xapi.task({ ...what, title: 'Unplug disk' }, 'VBD.unplug', vbdRef);
      await xapi.task(what, 'VBD.destroy', vbdRef);
    });
  return (
    <>
      <tr>
        <td>{vbd.userdevice}</td>
        <td>{name}</td>
        <td>{vdi ? formatBytes(vdi.virtual_size) : '—'}</td>
        <td>{srLabel ?? '—'}</td>
        <td>{vbd.mode === 'RO' ? 'Read-only' : 'Read/write'}</td>
        <td>{vbd.currently_attached ? 'Yes' : 'No'}</td>
        <td className="row-actions">
          {vbd.type === 'Disk' && vdi && (
            <>
              <button type="button" className="button button-small" disabled={busy} onClick={() => setResizing(String(Math.ceil((vdi.virtual_size / GiB) * 100) / 100))} aria-label={`Resize ${name}`}>
                Resize…
              </button>
              <button type="button" className="button button-small" disabled={busy} onClick={detach} aria-label={`Detach ${name}`}>
                Detach
              </button>
            </>
          )}
        </td>
      </tr>
      {resizing !== undefined && vdi && (
        <tr>
          <td colSpan={7}>
            <form
              className="inline-form"
              aria-label={`Resize ${name}`}
              onSubmit={(e) => {
                e.preventDefault();
                if (newSize) run(() => xapi.task({ ...what, title: 'Resize disk' }, running ? 'VDI.resize_online' : 'VDI.resize', vbd.VDI, newSize), () => setResizing(undefined));
              }}
            >
              <label className="form-field">
                <span>New size (GiB)</span>
                <input className="text-input" inputMode="decimal" value={resizing} onChange={(e) => setResizing(e.target.value)} disabled={busy} />
              </label>
              {newSize !== undefined && newSize < vdi.virtual_size && <span className="field-error">A disk cannot shrink: enter at least {formatBytes(vdi.virtual_size)}.</span>}
              <FormButtons submit="Resize" submitDisabled={busy || !newSize || newSize < vdi.virtual_size} busy={busy} onCancel={() => setResizing(undefined)} />
            </form>
          </td>
        </tr>
      )}
      <ErrorRow error={error} colSpan={7} />
    </>
  );
}

function VmStorage({ connectionId, vmRef, vm }: { connectionId: string; vmRef: string; vm: VMRecord }) {
  const vbdRefs = useIndexed(connectionId, 'vbdsByVm', vmRef);
  const vbds = useClassMap(connectionId, 'VBD');
  const [form, setForm] = useState<'new' | 'attach'>();
  const rows = presentPairs(vbdRefs, vbds);
  rows.sort((a, b) => Number(a[1].userdevice) - Number(b[1].userdevice));
  return (
    <div className="view-storage">
      <div className="view-toolbar">
        <button type="button" className="button" onClick={() => setForm('new')} disabled={vm.is_a_snapshot}>
          Add disk…
        </button>
        <button type="button" className="button" onClick={() => setForm('attach')} disabled={vm.is_a_snapshot}>
          Attach disk…
        </button>
      </div>
      {form === 'new' && <NewDiskForm connectionId={connectionId} vmRef={vmRef} vm={vm} onDone={() => setForm(undefined)} />}
      {form === 'attach' && <AttachDiskForm connectionId={connectionId} vmRef={vmRef} vm={vm} onDone={() => setForm(undefined)} />}
      <table className="data-table" aria-label="Disks">
        <thead>
          <tr>
            <th>Position</th>
            <th>Name</th>
            <th>Size</th>
            <th>Storage repository</th>
            <th>Mode</th>
            <th>Attached</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No disks.
              </td>
            </tr>
          )}
          {rows.map(([ref, vbd]) => (
            <DiskRow key={ref} connectionId={connectionId} vbdRef={ref} vbd={vbd} vm={vm} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SrTable({ connectionId, refs }: { connectionId: string; refs: readonly string[] }) {
  const all = useClassMap(connectionId, 'SR');
  const labels = useObjectLabels(connectionId, 'SR');
  const sorted = refs.flatMap((ref) => {
    const sr = all.get(ref);
    return sr ? [{ ref, sr, label: labels.get(ref) ?? sr.name_label }] : [];
  }).sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
  return (
    <table className="data-table" aria-label="Storage repositories">
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Shared</th>
          <th>Used</th>
          <th>Size</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map(({ ref, sr, label }) => (
          <tr key={ref}>
            <td>{label}</td>
            <td>{sr.type}</td>
            <td>{sr.shared ? 'Yes' : 'No'}</td>
            <td>{formatBytes(sr.physical_utilisation)}</td>
            <td>{formatBytes(sr.physical_size)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HostStorage({ connectionId, hostRef }: { connectionId: string; hostRef: string }) {
  const pbdRefs = useIndexed(connectionId, 'pbdsByHost', hostRef);
  const pbds = useRecords(connectionId, 'PBD', pbdRefs);
  return <SrTable connectionId={connectionId} refs={pbds.map((p) => p.SR)} />;
}

function PoolStorage({ connectionId }: { connectionId: string }) {
  const srs = useClassMap(connectionId, 'SR');
  return <SrTable connectionId={connectionId} refs={[...srs.keys()]} />;
}

function VdiUsers({ connectionId, vdiRef }: { connectionId: string; vdiRef: string }) {
  const vbds = useRecords(connectionId, 'VBD', useIndexed(connectionId, 'vbdsByVdi', vdiRef));
  const vms = useClassMap(connectionId, 'VM');
  const names = vbds.map((v) => vms.get(v.VM)?.name_label).filter(Boolean);
  return <>{names.length ? names.join(', ') : '—'}</>;
}

function SrDisks({ connectionId, srRef }: { connectionId: string; srRef: string }) {
  const refs = useIndexed(connectionId, 'vdisBySr', srRef);
  const pairs = presentPairs(refs, useClassMap(connectionId, 'VDI'));
  pairs.sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));
  return (
    <table className="data-table" aria-label="Disks on this SR">
      <thead>
        <tr>
          <th>Name</th>
          <th>Description</th>
          <th>Size</th>
          <th>Used</th>
          <th>Virtual machines</th>
        </tr>
      </thead>
      <tbody>
        {pairs.length === 0 && (
          <tr>
            <td colSpan={5} className="muted">
              No disks.
            </td>
          </tr>
        )}
        {pairs.map(([ref, v]) => (
          <tr key={ref}>
            <td>{v.name_label}</td>
            <td>{v.name_description}</td>
            <td>{formatBytes(v.virtual_size)}</td>
            <td>{formatBytes(v.physical_utilisation)}</td>
            <td>
              <VdiUsers connectionId={connectionId} vdiRef={ref} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function StorageTab({ target }: XapiObjectTabProps) {
  const record = useRecord(target.connectionId, target.cls as 'VM', target.ref) as unknown;
  if (!record) return <p className="muted">This object no longer exists.</p>;
  switch (target.cls) {
    case 'VM':
      return <VmStorage connectionId={target.connectionId} vmRef={target.ref} vm={record as VMRecord} />;
    case 'host':
      return <HostStorage connectionId={target.connectionId} hostRef={target.ref} />;
    case 'SR':
      return <SrDisks connectionId={target.connectionId} srRef={target.ref} />;
    default:
      return <PoolStorage connectionId={target.connectionId} />;
  }
}
