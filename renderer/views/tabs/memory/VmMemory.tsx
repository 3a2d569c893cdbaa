/**
 * A VM's memory and vCPUs, as XenCenter edits them. Memory: fixed (one size) or dynamic (a range the pool
 * balloons the VM within), with sliders bounded by the template's restrictions and the pool's largest host
 * (vm-limits.ts), and the four XAPI limits underneath for those who want them. A halted VM takes all four
 * (VM.set_memory_limits); a running one only the dynamic range within its static range
 * (VM.set_memory_dynamic_range). vCPUs: the count and its topology (sockets × cores, platform
 * "cores-per-socket"); a running VM whose pool allows it gets vCPUs added live (VM.set_VCPUs_number_live,
 * up to VCPUs_max), everything else while halted.
 */
import { useState } from 'react';
import type { VMRecord } from '../../../../shared/xapi/generated/records';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { PropertyList } from '../../../components/PropertyList';
import { SliderField } from '../../../components/SliderField';
import { useAction } from '../../../components/use-action';
import { useClassMap, useRecord } from '../../../store/hooks';
import { isNullRef } from '../../../store/object-id';
import { formatBytes, MiB } from '../format';
import { FormButtons } from '../tab-parts';
import { useXapi } from '../use-xapi';
import { memoryProblems, parseMiB, type MemoryLimits } from './memory-limits';
import { toMiB, topologies, vmLimits, type VmLimits } from './vm-limits';
import { coresPerSocketOf, cpuSteps } from '../../vm-properties/cpu-plan';

const FIELDS: { key: keyof MemoryLimits; label: string; staticOnly: boolean }[] = [
  { key: 'staticMin', label: 'Static minimum', staticOnly: true },
  { key: 'dynamicMin', label: 'Dynamic minimum', staticOnly: false },
  { key: 'dynamicMax', label: 'Dynamic maximum', staticOnly: false },
  { key: 'staticMax', label: 'Static maximum', staticOnly: true },
];

type Draft = Record<keyof MemoryLimits, string>;

function limitsOf(vm: VMRecord): MemoryLimits {
  return { staticMin: vm.memory_static_min, dynamicMin: vm.memory_dynamic_min, dynamicMax: vm.memory_dynamic_max, staticMax: vm.memory_static_max };
}

const draftOf = (l: MemoryLimits): Draft => Object.fromEntries(FIELDS.map((f) => [f.key, String(toMiB(l[f.key]))])) as Draft;

/** The pool's hosts with their memory, for the bounds. */
function useHosts(connectionId: string) {
  const hosts = useClassMap(connectionId, 'host');
  const metrics = useClassMap(connectionId, 'host_metrics');
  return [...hosts.values()].map((host) => ({ host, memoryTotal: metrics.get(host.metrics)?.memory_total }));
}

function MemoryEditor({ connectionId, vmRef, vm, bounds, onDone }: { connectionId: string; vmRef: string; vm: VMRecord; bounds: VmLimits; onDone: () => void }) {
  const xapi = useXapi(connectionId);
  const halted = vm.power_state === 'Halted';
  const current = limitsOf(vm);
  const [draft, setDraft] = useState<Draft>(() => draftOf(current));
  const [mode, setMode] = useState<'fixed' | 'dynamic'>(current.dynamicMin === current.dynamicMax && current.dynamicMax === current.staticMax ? 'fixed' : 'dynamic');
  const { busy: saving, error, run, clearError } = useAction();

  const parsed = Object.fromEntries(FIELDS.map((f) => [f.key, parseMiB(draft[f.key])])) as Record<keyof MemoryLimits, number | undefined>;
  const badFields = FIELDS.filter((f) => parsed[f.key] === undefined);
  const problems = badFields.length ? [] : memoryProblems(parsed as MemoryLimits);
  // The sliders move within the template's bounds (a running VM: within its static range).
  const lo = halted ? toMiB(bounds.memoryMin) : toMiB(current.staticMin);
  const hi = halted ? Math.max(toMiB(bounds.memoryMax), toMiB(current.staticMax)) : toMiB(current.staticMax);
  const mib = (key: keyof MemoryLimits) => Number(draft[key]);
  const set = (patch: Partial<Draft>) => {
    clearError();
    setDraft((d) => ({ ...d, ...patch }));
  };
  const setFixed = (v: number) => set(halted ? { dynamicMin: String(v), dynamicMax: String(v), staticMax: String(v), staticMin: String(Math.min(v, mib('staticMin') || v)) } : { dynamicMin: String(v), dynamicMax: String(v) });
  const outOfBounds = halted && !badFields.length && parsed.staticMax! > bounds.memoryMax ? `The template allows at most ${formatBytes(bounds.memoryMax)} on this pool.` : undefined;

  const save = () => {
    if (badFields.length || problems.length || outOfBounds) return;
    const l = parsed as MemoryLimits;
    run(
      () => (halted
        ? xapi.call('VM.set_memory_limits', vmRef, l.staticMin, l.staticMax, l.dynamicMin, l.dynamicMax)
        : xapi.call('VM.set_memory_dynamic_range', vmRef, l.dynamicMin, l.dynamicMax)),
      onDone,
    );
  };

  return (
    <form
      className="memory-form"
      aria-label="Edit memory"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      {!halted && <p className="note">The VM is {vm.power_state.toLowerCase()}: only the dynamic range can change now. Shut it down to change the static range.</p>}
      <fieldset className="dialog-fieldset">
        <legend>Memory</legend>
        <label className="checkbox-row">
          <input type="radio" name="memory-mode" checked={mode === 'fixed'} onChange={() => (setMode('fixed'), setFixed(mib('dynamicMax')))} disabled={saving} />
          <span>Fixed memory: the VM always has this much</span>
        </label>
        <label className="checkbox-row">
          <input type="radio" name="memory-mode" checked={mode === 'dynamic'} onChange={() => setMode('dynamic')} disabled={saving} />
          <span>Dynamic memory: the pool may take some back (ballooning) when hosts run short</span>
        </label>
        {mode === 'fixed' ? (
          <SliderField label="Memory" unit="MiB" value={mib('dynamicMax')} min={lo} max={hi} step={64} describe={(v) => formatBytes(v * MiB)} onChange={setFixed} disabled={saving} />
        ) : (
          <>
            <SliderField label="Minimum" unit="MiB" value={mib('dynamicMin')} min={lo} max={hi} step={64} describe={(v) => formatBytes(v * MiB)} onChange={(v) => set({ dynamicMin: String(v) })} disabled={saving} />
            <SliderField
              label="Maximum"
              unit="MiB"
              value={mib('dynamicMax')}
              min={lo}
              max={hi}
              step={64}
              describe={(v) => formatBytes(v * MiB)}
              onChange={(v) => set(halted ? { dynamicMax: String(v), staticMax: String(Math.max(v, mib('staticMax') || v)) } : { dynamicMax: String(v) })}
              disabled={saving}
            />
          </>
        )}
      </fieldset>
      <details className="memory-advanced" open>
        <summary>The four limits XAPI keeps</summary>
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
                  onChange={(e) => set({ [f.key]: e.target.value })}
                />
                {bad && <span className="field-error">Enter a whole number of MiB.</span>}
              </label>
            );
          })}
        </div>
      </details>
      {(problems.length > 0 || outOfBounds) && (
        <ul className="field-error" role="alert" aria-label="Memory problems">
          {[...problems, ...(outOfBounds ? [outOfBounds] : [])].map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <FormButtons submit={saving ? 'Applying…' : 'Apply'} submitDisabled={saving || badFields.length > 0 || problems.length > 0 || Boolean(outOfBounds)} busy={saving} onCancel={() => (onDone(), clearError())} />
      {error !== undefined && <ErrorMessage error={error} />}
    </form>
  );
}

function CpuEditor({ connectionId, vmRef, vm, bounds, onDone }: { connectionId: string; vmRef: string; vm: VMRecord; bounds: VmLimits; onDone: () => void }) {
  const xapi = useXapi(connectionId);
  const halted = vm.power_state === 'Halted';
  // Hot-plug: a running VM may get vCPUs up to VCPUs_max, if the pool allows it now (guest support, no other operation).
  const live = !halted && vm.allowed_operations.includes('changing_VCPUs_live');
  const [count, setCount] = useState(vm.VCPUs_at_startup);
  const [cores, setCores] = useState(coresPerSocketOf(vm));
  const { busy, error, run } = useAction();
  const max = halted ? bounds.vcpusMax : vm.VCPUs_max;
  const min = 1;
  const countProblem = !Number.isInteger(count) || count < min || count > max ? `vCPUs must be a whole number from ${min} to ${max}${!halted ? ' (a running VM up to its maximum)' : ''}.` : undefined;
  const coresOk = halted ? Number.isInteger(count) && count > 0 && count % cores === 0 : cores === coresPerSocketOf(vm);

  const save = () => {
    if (countProblem || !coresOk) return;
    run(async () => {
      // One count for both the maximum and the startup count here; VM Properties sets them apart.
      for (const step of cpuSteps(vmRef, vm, { max: halted ? count : vm.VCPUs_max, atStartup: count, coresPerSocket: halted ? cores : coresPerSocketOf(vm) })) await xapi.call(step.method, ...step.params);
    }, onDone);
  };

  return (
    <form
      className="memory-form"
      aria-label="Edit vCPUs"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      {!halted && (
        <p className="note">
          {live ? `The VM is running: vCPUs can be added live, up to ${vm.VCPUs_max}. Shut it down to change the maximum or the topology.` : 'The VM is running and its vCPUs cannot change live now. Shut it down to change them.'}
        </p>
      )}
      <SliderField label="vCPUs" unit="vCPUs" value={count} min={min} max={Math.max(min, max)} describe={(v) => `${v} vCPU${v === 1 ? '' : 's'}`} onChange={(v) => (setCount(v), halted && setCores(1))} disabled={busy || (!halted && !live)} error={countProblem} />
      <label className="form-field">
        <span>Topology</span>
        <select value={cores} disabled={busy || !halted} onChange={(e) => setCores(Number(e.target.value))}>
          {topologies(Number.isInteger(count) && count > 0 ? count : 1).map((c) => (
            <option key={c} value={c}>
              {count / c} socket{count / c === 1 ? '' : 's'} with {c} core{c === 1 ? '' : 's'} each
            </option>
          ))}
        </select>
      </label>
      <FormButtons submit={busy ? 'Applying…' : 'Apply'} submitDisabled={busy || Boolean(countProblem) || !coresOk || (!halted && !live)} busy={busy} onCancel={onDone} />
      {error !== undefined && <ErrorMessage error={error} />}
    </form>
  );
}

export function VmMemory({ connectionId, vmRef, vm }: { connectionId: string; vmRef: string; vm: VMRecord }) {
  const metrics = useRecord(connectionId, 'VM_metrics', isNullRef(vm.metrics) ? undefined : vm.metrics);
  const hosts = useHosts(connectionId);
  const bounds = vmLimits(vm, hosts);
  const [editing, setEditing] = useState<'memory' | 'cpu'>();
  const current = limitsOf(vm);
  const fixed = current.dynamicMin === current.dynamicMax && current.dynamicMax === current.staticMax;
  const canEdit = !vm.is_a_snapshot;
  return (
    <div className="view-memory">
      <PropertyList
        title="Usage"
        rows={[
          ['In use', vm.power_state === 'Running' ? formatBytes(metrics?.memory_actual) : 'Not running'],
          ['Target', vm.power_state === 'Halted' ? '—' : formatBytes(vm.memory_target)],
          ['Mode', fixed ? `Fixed, ${formatBytes(current.staticMax)}` : `Dynamic, ${formatBytes(current.dynamicMin)} to ${formatBytes(current.dynamicMax)}`],
        ]}
      />
      <section className="property-section" aria-label="Memory limits">
        <h3 className="section-title">Memory limits</h3>
        {editing !== 'memory' ? (
          <>
            <dl className="property-list">
              {FIELDS.map((f) => (
                <div key={f.key} className="property-row">
                  <dt>{f.label}</dt>
                  <dd>{formatBytes(current[f.key])}</dd>
                </div>
              ))}
            </dl>
            {canEdit && (
              <button type="button" className="button" onClick={() => setEditing('memory')}>
                Edit memory…
              </button>
            )}
          </>
        ) : (
          <MemoryEditor connectionId={connectionId} vmRef={vmRef} vm={vm} bounds={bounds} onDone={() => setEditing(undefined)} />
        )}
      </section>
      <section className="property-section" aria-label="vCPUs">
        <h3 className="section-title">vCPUs</h3>
        {editing !== 'cpu' ? (
          <>
            <dl className="property-list">
              <div className="property-row">
                <dt>vCPUs</dt>
                <dd>
                  {vm.VCPUs_at_startup} (maximum {vm.VCPUs_max})
                </dd>
              </div>
              <div className="property-row">
                <dt>Topology</dt>
                <dd>
                  {Math.max(1, Math.round(vm.VCPUs_max / coresPerSocketOf(vm)))} socket(s) × {coresPerSocketOf(vm)} core(s)
                </dd>
              </div>
            </dl>
            {canEdit && (
              <button type="button" className="button" onClick={() => setEditing('cpu')}>
                Edit vCPUs…
              </button>
            )}
          </>
        ) : (
          <CpuEditor connectionId={connectionId} vmRef={vmRef} vm={vm} bounds={bounds} onDone={() => setEditing(undefined)} />
        )}
      </section>
    </div>
  );
}
