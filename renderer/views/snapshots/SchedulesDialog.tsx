/**
 * Snapshot schedules (VMSS) of a pool: list with enable/disable, create and edit (name, kind, frequency,
 * time, days, snapshots kept) and the VMs each schedule covers. Frequency, schedule, type and retention
 * are constructor fields that also have setters; they are applied with those setters on edit.
 */
import { useId, useState } from 'react';
import type { VMRecord, VMSSRecord } from '../../../shared/xapi/generated/records';
import { useBridge } from '../../bridge-context';
import { Dialog, Field, fieldAria } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useClassMap } from '../../store';
import { isNullRef } from '../../store/object-id';
import { DAYS, describeSchedule, VMSS_TYPE_LABEL } from './snapshot-model';

type Frequency = 'hourly' | 'daily' | 'weekly';
type VmssType = 'snapshot' | 'snapshot_with_quiesce' | 'checkpoint';

export interface ScheduleDraft {
  name: string;
  description: string;
  type: VmssType;
  frequency: Frequency;
  hour: string;
  min: string;
  days: string[];
  retained: string;
  enabled: boolean;
  vms: string[];
}

export function draftOf(v: VMSSRecord | undefined, vms: string[]): ScheduleDraft {
  return {
    name: v?.name_label ?? '', description: v?.name_description ?? '', type: (v?.type ?? 'snapshot') as VmssType, frequency: (v?.frequency ?? 'daily') as Frequency,
    hour: v?.schedule.hour ?? '2', min: v?.schedule.min ?? '0', days: (v?.schedule.days ?? 'Sunday').split(',').map((d) => d.trim()).filter(Boolean),
    retained: String(v?.retained_snapshots ?? 7), enabled: v?.enabled ?? true, vms,
  };
}

/** The problems of a draft, by field, in words; empty when it can be saved. */
export function draftProblems(d: ScheduleDraft): Partial<Record<'name' | 'retained' | 'days', string>> {
  const p: Partial<Record<'name' | 'retained' | 'days', string>> = {};
  if (!d.name.trim()) p.name = 'Enter a name for the schedule.';
  const n = Number(d.retained);
  if (!/^\d+$/.test(d.retained.trim()) || n < 1 || n > 10) p.retained = 'Keep between 1 and 10 snapshots per VM.';
  if (d.frequency === 'weekly' && d.days.length === 0) p.days = 'Choose at least one day.';
  return p;
}

export function scheduleOf(d: ScheduleDraft): Record<string, string> {
  if (d.frequency === 'hourly') return { min: d.min };
  if (d.frequency === 'daily') return { hour: d.hour, min: d.min };
  return { hour: d.hour, min: d.min, days: DAYS.filter((x) => d.days.includes(x)).join(',') };
}

function ScheduleEditor({ connectionId, vmssRef, initial, vms, onDone }: { connectionId: string; vmssRef?: string; initial: ScheduleDraft; vms: [string, VMRecord][]; onDone: () => void }) {
  const bridge = useBridge();
  const schedules = useClassMap(connectionId, 'VMSS');
  const id = useId();
  const [d, setD] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const problems = draftProblems(d);
  const shown = touched ? problems : {};
  const call = (method: string, ...params: unknown[]) => bridge.request('xapi.call', { connectionId, method, params });

  const save = async () => {
    let ref = vmssRef;
    if (!ref) {
      ref = (await call('VMSS.create', {
        name_label: d.name.trim(), name_description: d.description.trim(), enabled: d.enabled, type: d.type, retained_snapshots: Number(d.retained),
        frequency: d.frequency, schedule: scheduleOf(d), last_run_time: '19700101T00:00:00Z', VMs: [],
      })) as string;
    } else {
      await call('VMSS.set_name_label', ref, d.name.trim());
      await call('VMSS.set_name_description', ref, d.description.trim());
      // Frequency first: it reshapes the schedule's keys, then the schedule fills them in.
      await call('VMSS.set_frequency', ref, d.frequency);
      await call('VMSS.set_schedule', ref, scheduleOf(d));
      await call('VMSS.set_retained_snapshots', ref, Number(d.retained));
      await call('VMSS.set_enabled', ref, d.enabled);
    }
    const assigned = new Set(d.vms);
    for (const [vmRef, vm] of vms) {
      const has = vm.snapshot_schedule === ref;
      if (assigned.has(vmRef) && !has) await call('VM.set_snapshot_schedule', vmRef, ref);
      if (!assigned.has(vmRef) && has) await call('VM.set_snapshot_schedule', vmRef, 'OpaqueRef:NULL');
    }
    // The type is checked against the assigned guests (quiesce), so it goes last.
    if (vmssRef) await call('VMSS.set_type', ref, d.type);
  };

  const submit = () => {
    setTouched(true);
    if (Object.keys(problems).length || busy) return;
    setBusy(true);
    setError(undefined);
    save().then(onDone, (err: unknown) => {
      setBusy(false);
      setError(err);
    });
  };
  const hours = Array.from({ length: 24 }, (_, i) => String(i));

  return (
    <form className="snap-form snap-schedule-form" aria-label={vmssRef ? 'Edit schedule' : 'New schedule'} onSubmit={(e) => (e.preventDefault(), submit())}>
      <Field label="Name" htmlFor={`${id}-name`} error={shown.name}>
        <input className="text-input" value={d.name} data-autofocus disabled={busy} onChange={(e) => setD({ ...d, name: e.target.value })} {...fieldAria(`${id}-name`, shown.name)} />
      </Field>
      <Field label="Description (optional)" htmlFor={`${id}-desc`}>
        <input id={`${id}-desc`} className="text-input" value={d.description} disabled={busy} onChange={(e) => setD({ ...d, description: e.target.value })} />
      </Field>
      <div className="snap-form-row">
        <Field label="Snapshot mode" htmlFor={`${id}-type`}>
          <select id={`${id}-type`} className="text-input" value={d.type} disabled={busy} onChange={(e) => setD({ ...d, type: e.target.value as VmssType })}>
            {Object.entries(VMSS_TYPE_LABEL).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Snapshots kept per VM" htmlFor={`${id}-keep`} error={shown.retained}>
          <input className="text-input snap-narrow" inputMode="numeric" value={d.retained} disabled={busy} onChange={(e) => setD({ ...d, retained: e.target.value })} {...fieldAria(`${id}-keep`, shown.retained)} />
        </Field>
      </div>
      <div className="snap-form-row">
        <Field label="Frequency" htmlFor={`${id}-freq`}>
          <select id={`${id}-freq`} className="text-input" value={d.frequency} disabled={busy} onChange={(e) => setD({ ...d, frequency: e.target.value as Frequency })}>
            <option value="hourly">Hourly</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
        </Field>
        {d.frequency !== 'hourly' && (
          <Field label="Hour" htmlFor={`${id}-hour`}>
            <select id={`${id}-hour`} className="text-input" value={d.hour} disabled={busy} onChange={(e) => setD({ ...d, hour: e.target.value })}>
              {hours.map((h) => (
                <option key={h} value={h}>
                  {h.padStart(2, '0')}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Minute" htmlFor={`${id}-min`}>
          <select id={`${id}-min`} className="text-input" value={d.min} disabled={busy} onChange={(e) => setD({ ...d, min: e.target.value })}>
            {['0', '15', '30', '45'].map((m) => (
              <option key={m} value={m}>
                :{m.padStart(2, '0')}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {d.frequency === 'weekly' && (
        <fieldset className="snap-days" disabled={busy}>
          <legend className="field-label">Days</legend>
          {DAYS.map((day) => (
            <label key={day} className="snap-check">
              <input type="checkbox" checked={d.days.includes(day)} onChange={(e) => setD({ ...d, days: e.target.checked ? [...d.days, day] : d.days.filter((x) => x !== day) })} />
              {day.slice(0, 3)}
            </label>
          ))}
          {shown.days && (
            <p className="field-error" role="alert">
              {shown.days}
            </p>
          )}
        </fieldset>
      )}
      <p className="muted snap-hint">
        {d.frequency === 'hourly' ? `Every hour at :${d.min.padStart(2, '0')}` : d.frequency === 'daily' ? `Every day at ${d.hour.padStart(2, '0')}:${d.min.padStart(2, '0')}` : `Every ${d.days.join(', ') || '…'} at ${d.hour.padStart(2, '0')}:${d.min.padStart(2, '0')}`}{' '}
        by the pool master’s clock. Older scheduled snapshots beyond the number kept are deleted with their disks.
      </p>
      <fieldset className="snap-vms" disabled={busy}>
        <legend className="field-label">VMs</legend>
        <div className="snap-vm-list">
          {vms.map(([ref, vm]) => {
            const other = !isNullRef(vm.snapshot_schedule) && vm.snapshot_schedule !== vmssRef ? schedules.get(vm.snapshot_schedule) : undefined;
            return (
              <label key={ref} className="snap-check snap-vm" title={other ? `Now in “${other.name_label}”; checking it moves it here` : undefined}>
                <input type="checkbox" checked={d.vms.includes(ref)} onChange={(e) => setD({ ...d, vms: e.target.checked ? [...d.vms, ref] : d.vms.filter((x) => x !== ref) })} />
                <span className="snap-vm-name">{vm.name_label}</span>
                {other && <span className="muted snap-vm-other">in {other.name_label}</span>}
              </label>
            );
          })}
        </div>
      </fieldset>
      <label className="snap-check">
        <input type="checkbox" checked={d.enabled} disabled={busy} onChange={(e) => setD({ ...d, enabled: e.target.checked })} />
        Enabled
      </label>
      {error !== undefined && <ErrorMessage error={error} />}
      <div className="form-buttons snap-dialog-buttons">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : vmssRef ? 'Save schedule' : 'Create schedule'}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function SchedulesDialog({ connectionId, onClose }: { connectionId: string; onClose: () => void }) {
  const bridge = useBridge();
  const schedules = useClassMap(connectionId, 'VMSS');
  const allVms = useClassMap(connectionId, 'VM');
  const vms = [...allVms].filter(([, v]) => !v.is_a_template && !v.is_a_snapshot && !v.is_control_domain).sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));
  const [editing, setEditing] = useState<{ ref?: string }>();
  const [error, setError] = useState<unknown>();
  const toggle = (ref: string, enabled: boolean) => {
    setError(undefined);
    bridge.request('xapi.call', { connectionId, method: 'VMSS.set_enabled', params: [ref, enabled] }).catch(setError);
  };
  const remove = async (ref: string) => {
    setError(undefined);
    try {
      for (const [vmRef, vm] of vms) if (vm.snapshot_schedule === ref) await bridge.request('xapi.call', { connectionId, method: 'VM.set_snapshot_schedule', params: [vmRef, 'OpaqueRef:NULL'] });
      await bridge.request('xapi.call', { connectionId, method: 'VMSS.destroy', params: [ref] });
    } catch (err) {
      setError(err);
    }
  };
  const rows = [...schedules].sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));
  const current = editing?.ref ? schedules.get(editing.ref) : undefined;

  return (
    <Dialog title="Snapshot schedules" width="wide" onClose={onClose}>
      {editing ? (
        <ScheduleEditor
          key={editing.ref ?? 'new'}
          connectionId={connectionId}
          vmssRef={editing.ref}
          initial={draftOf(current, editing.ref ? vms.filter(([, v]) => v.snapshot_schedule === editing.ref).map(([r]) => r) : [])}
          vms={vms}
          onDone={() => setEditing(undefined)}
        />
      ) : (
        <>
          {rows.length === 0 ? (
            <p className="muted">No schedules in this pool yet.</p>
          ) : (
            <table className="snap-table snap-schedules" aria-label="Schedules">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">When</th>
                  <th scope="col">Kept</th>
                  <th scope="col">VMs</th>
                  <th scope="col">On</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map(([ref, v]) => (
                  <tr key={ref}>
                    <td>
                      <span className="snap-nowrap">{v.name_label}</span>
                      <span className="snap-sub muted">{VMSS_TYPE_LABEL[v.type] ?? v.type}</span>
                    </td>
                    <td className="snap-nowrap">{describeSchedule(v)}</td>
                    <td>{v.retained_snapshots}</td>
                    <td className="snap-vms-cell">{v.VMs.map((r) => allVms.get(r)?.name_label).filter(Boolean).join(', ') || <span className="muted">none</span>}</td>
                    <td>
                      <input type="checkbox" aria-label={`Enable ${v.name_label}`} checked={v.enabled} onChange={(e) => toggle(ref, e.target.checked)} />
                    </td>
                    <td className="snap-row-actions">
                      <button type="button" className="button button-small" onClick={() => setEditing({ ref })}>
                        Edit…
                      </button>
                      <button type="button" className="button button-small" onClick={() => void remove(ref)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {error !== undefined && <ErrorMessage error={error} />}
          <div className="form-buttons snap-dialog-buttons">
            <button type="button" className="button button-primary" onClick={() => setEditing({})}>
              New schedule…
            </button>
            <button type="button" className="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
