/**
 * Memory of a VM (static and dynamic ranges, editable: VM.set_memory_limits while halted, only the
 * dynamic range via VM.set_memory_dynamic_range while it runs), of a host (used by what) and of a pool.
 */
import { useState } from 'react';
import type { HostRecord, VMRecord } from '../../../../shared/xapi/generated/records';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { PropertyList } from '../../../components/PropertyList';
import { useAction } from '../../../components/use-action';
import { useClassMap, useIndexed, useRecord, useRecords } from '../../../store/hooks';
import { isNullRef } from '../../../store/object-id';
import type { XapiObjectTabProps } from '../../object-tabs';
import { formatBytes, MiB } from '../format';
import { FormButtons } from '../tab-parts';
import { useXapi } from '../use-xapi';
import { memoryProblems, parseMiB, type MemoryLimits } from './memory-limits';

const FIELDS: { key: keyof MemoryLimits; label: string; staticOnly: boolean }[] = [
  { key: 'staticMin', label: 'Static minimum', staticOnly: true },
  { key: 'dynamicMin', label: 'Dynamic minimum', staticOnly: false },
  { key: 'dynamicMax', label: 'Dynamic maximum', staticOnly: false },
  { key: 'staticMax', label: 'Static maximum', staticOnly: true },
];

function limitsOf(vm: VMRecord): MemoryLimits {
  return { staticMin: vm.memory_static_min, dynamicMin: vm.memory_dynamic_min, dynamicMax: vm.memory_dynamic_max, staticMax: vm.memory_static_max };
}

function VmMemory({ connectionId, vmRef, vm }: { connectionId: string; vmRef: string; vm: VMRecord }) {
  const xapi = useXapi(connectionId);
  const metrics = useRecord(connectionId, 'VM_metrics', isNullRef(vm.metrics) ? undefined : vm.metrics);
  const [draft, setDraft] = useState<Record<keyof MemoryLimits, string>>();
  const { busy: saving, error, run, clearError } = useAction();
  const current = limitsOf(vm);
  const halted = vm.power_state === 'Halted';

  const parsed = draft ? (Object.fromEntries(FIELDS.map((f) => [f.key, parseMiB(draft[f.key])])) as Record<keyof MemoryLimits, number | undefined>) : undefined;
  const badFields = parsed ? FIELDS.filter((f) => parsed[f.key] === undefined) : [];
  const problems = parsed && !badFields.length ? memoryProblems(parsed as MemoryLimits) : [];

  const save = () => {
    if (!parsed || badFields.length || problems.length) return;
    const l = parsed as MemoryLimits;
    run(
      () => (halted
        ? xapi.call('VM.set_memory_limits', vmRef, l.staticMin, l.staticMax, l.dynamicMin, l.dynamicMax)
        : xapi.call('VM.set_memory_dynamic_range', vmRef, l.dynamicMin, l.dynamicMax)),
      () => setDraft(undefined),
    );
  };

  return (
    <div className="view-memory">
      <PropertyList
        title="Usage"
        rows={[
          ['In use', vm.power_state === 'Running' ? formatBytes(metrics?.memory_actual) : 'Not running'],
          ['Target', vm.power_state === 'Halted' ? '—' : formatBytes(vm.memory_target)],
        ]}
      />
      <section className="property-section" aria-label="Memory limits">
        <h3 className="section-title">Memory limits</h3>
        {!draft ? (
          <>
            <dl className="property-list">
              {FIELDS.map((f) => (
                <div key={f.key} className="property-row">
                  <dt>{f.label}</dt>
                  <dd>{formatBytes(current[f.key])}</dd>
                </div>
              ))}
            </dl>
            {!vm.is_a_snapshot && (
              <button
                type="button"
                className="button"
                onClick={() => setDraft(Object.fromEntries(FIELDS.map((f) => [f.key, String(Math.round(current[f.key] / MiB))])) as Record<keyof MemoryLimits, string>)}
              >
                Edit memory…
              </button>
            )}
          </>
        ) : (
          <form
            className="memory-form"
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            {!halted && <p className="note">The VM is {vm.power_state.toLowerCase()}: only the dynamic range can change now. Shut it down to change the static range.</p>}
            <div className="form-grid">
              {FIELDS.map((f) => {
                const bad = badFields.includes(f);
                return (
                  <label key={f.key} className="form-field">
                    <span>{f.label} (MiB)</span>
                    <input
                      className="text-input"
                      inputMode="numeric"
                      value={draft[f.key]}
                      disabled={saving || (f.staticOnly && !halted)}
                      aria-invalid={bad || problems.length > 0}
                      onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
                    />
                    {bad && <span className="field-error">Enter a whole number of MiB.</span>}
                  </label>
                );
              })}
            </div>
            {problems.length > 0 && (
              <ul className="field-error" role="alert" aria-label="Memory problems">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
            <FormButtons submit={saving ? 'Applying…' : 'Apply'} submitDisabled={saving || badFields.length > 0 || problems.length > 0} busy={saving} onCancel={() => (setDraft(undefined), clearError())} />
            {error !== undefined && <ErrorMessage error={error} />}
          </form>
        )}
      </section>
    </div>
  );
}

function HostMemory({ connectionId, hostRef, host }: { connectionId: string; hostRef: string; host: HostRecord }) {
  const metrics = useRecord(connectionId, 'host_metrics', isNullRef(host.metrics) ? undefined : host.metrics);
  const vmRefs = useIndexed(connectionId, 'vmsByHost', hostRef);
  const vms = useRecords(connectionId, 'VM', vmRefs);
  const total = metrics?.memory_total ?? 0;
  const free = metrics?.memory_free ?? 0;
  const rows = vms.map((vm) => [vm.is_control_domain ? `${vm.name_label} (control domain)` : vm.name_label, formatBytes(vm.memory_target || vm.memory_dynamic_max)] as [string, string]);
  return (
    <div className="view-memory">
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
  const hosts = useClassMap(connectionId, 'host');
  const metrics = useClassMap(connectionId, 'host_metrics');
  const rows = [...hosts.values()].map((h) => {
    const m = metrics.get(h.metrics);
    return [h.name_label, m ? `${formatBytes(m.memory_free)} free of ${formatBytes(m.memory_total)}` : '—'] as [string, string];
  });
  return <PropertyList title="Memory by server" rows={rows.sort((a, b) => a[0].localeCompare(b[0]))} />;
}

export default function MemoryTab({ target }: XapiObjectTabProps) {
  const record = useRecord(target.connectionId, target.cls as 'VM', target.ref) as unknown;
  if (!record) return <p className="muted">This object no longer exists.</p>;
  if (target.cls === 'VM') return <VmMemory connectionId={target.connectionId} vmRef={target.ref} vm={record as VMRecord} />;
  if (target.cls === 'host') return <HostMemory connectionId={target.connectionId} hostRef={target.ref} host={record as HostRecord} />;
  return <PoolMemory connectionId={target.connectionId} />;
}
