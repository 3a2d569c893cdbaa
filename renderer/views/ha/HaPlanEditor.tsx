/**
 * The HA plan page (XenCenter's AssignPriorities), shared by the Configure HA wizard and the Edit restart
 * priorities dialog: one row per VM with its restart priority, start order and start delay, and whether
 * it is agile (asked in the background); under it the server failure limit: "Failures tolerated" and its
 * maximum, recomputed by the pool whenever the plan or the pool changes, with the verdict in words.
 *
 * The page owns no state: its caller holds the rows and the number to tolerate (so Back and Next keep
 * them) and the two background helpers (AgilityChecks, FailureCapacity) for as long as it is open.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useClassMap } from '../../store';
import { Tooltip } from '../../components/Tooltip';
import { agilityReason, type AgilityChecks } from './agility';
import { capacityVerdict, type CapacityState, type FailureCapacity } from './failure-capacity';
import { effectivePriority, hypotheticalConfiguration, PRIORITY_CHOICES, type Agility, type PlanRow, type RestartPriority } from './ha-plan-model';
import './ha.css';

export interface HaPlanEditorProps {
  connectionId: string;
  rows: readonly PlanRow[];
  onRowChange: (ref: string, patch: Partial<Pick<PlanRow, 'priority' | 'order' | 'delay'>>) => void;
  /** The number of failures to tolerate as typed (a half-typed number is kept); null until the user types: the maximum. */
  ntolText: string | null;
  onNtolText: (text: string) => void;
  agility: AgilityChecks;
  capacity: FailureCapacity;
  /** Problems from the last Next / OK, by field (`order:<ref>`, `delay:<ref>`, `ntolText`). */
  errors: Partial<Record<string, string>>;
  fieldId: (name: string) => string;
}

/** The number to tolerate the page shows: the one entered, else (the wizard, untouched) the maximum. */
export function shownNtol(ntolText: string | null, state: CapacityState): string {
  if (ntolText !== null) return ntolText;
  if (state.status === 'done') return String(state.max);
  return state.status === 'calculating' && state.previousMax !== undefined ? String(state.previousMax) : '';
}

/** The helpers' answers as React state (re-rendered on each answer). */
export function useAgilityVersion(agility: AgilityChecks): number {
  return useSyncExternalStore(agility.subscribe, agility.snapshot);
}

export function useCapacityState(capacity: FailureCapacity): CapacityState {
  return useSyncExternalStore(capacity.subscribe, () => capacity.current());
}

export function HaPlanEditor({ connectionId, rows, onRowChange, ntolText, onNtolText, agility, capacity, errors, fieldId }: HaPlanEditorProps) {
  const vms = useClassMap(connectionId, 'VM');
  const hostMetrics = useClassMap(connectionId, 'host_metrics');
  const srs = useClassMap(connectionId, 'SR');
  const networks = useClassMap(connectionId, 'network');
  const agilityVersion = useAgilityVersion(agility);
  const capacityState = useCapacityState(capacity);

  useEffect(() => agility.start(rows.map((r) => r.ref)), [agility, rows]);

  // The pool is asked about the plan as it stands (the Restart VMs after agility), each time it changes.
  const config = useMemo(
    () => hypotheticalConfiguration(rows, (ref) => agility.get(ref)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, agility, agilityVersion],
  );
  useEffect(() => capacity.request(config), [capacity, config]);

  // What the pool can take changes with its VMs (started, moved, resized) and hosts (failed, back).
  const seen = useRef<unknown[]>([vms, hostMetrics]);
  useEffect(() => {
    if (seen.current[0] === vms && seen.current[1] === hostMetrics) return;
    seen.current = [vms, hostMetrics];
    const timer = setTimeout(() => capacity.invalidate(), 300);
    return () => clearTimeout(timer);
  }, [capacity, vms, hostMetrics]);

  const name = useCallback((cls: 'SR' | 'network', ref: string) => (cls === 'SR' ? srs.get(ref)?.name_label : networks.get(ref)?.name_label), [srs, networks]);
  // Rows are memoized: they get one stable change handler and an id prefix, not the caller's new closures.
  const onChangeRef = useRef(onRowChange);
  useEffect(() => {
    onChangeRef.current = onRowChange;
  });
  const onChange = useCallback<HaPlanEditorProps['onRowChange']>((ref, patch) => onChangeRef.current(ref, patch), []);
  const idPrefix = fieldId('row');
  const shown = shownNtol(ntolText, capacityState);
  const ntol = /^\d+$/.test(shown.trim()) ? Number(shown) : undefined;
  const verdict = capacityVerdict(capacityState, ntol);
  const max = capacityState.status === 'done' ? capacityState.max : capacityState.status === 'calculating' ? capacityState.previousMax : undefined;
  const calculating = capacityState.status === 'calculating';
  const ntolError = errors.ntolText;

  return (
    <div className="ha-plan">
      <div className="ha-plan-table-wrap">
        <table className="data-table ha-plan-table" aria-label="Restart priorities">
          <thead>
            <tr>
              <th scope="col">VM</th>
              <th scope="col">Restart priority</th>
              <th scope="col">Start order</th>
              <th scope="col">Start delay</th>
              <th scope="col">Agile</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <PlanRowView
                key={row.ref}
                row={row}
                agility={agility.get(row.ref)}
                reasonName={name}
                orderError={errors[`order:${row.ref}`]}
                delayError={errors[`delay:${row.ref}`]}
                idPrefix={idPrefix}
                onChange={onChange}
              />
            ))}
          </tbody>
        </table>
      </div>

      <fieldset className="dialog-fieldset ha-ntol">
        <legend>Server failure limit</legend>
        <p className="muted ha-ntol-blurb">How many servers may fail with every VM set to Restart still restarted. It follows the maximum until you type a number.</p>
        <div className="ha-ntol-row">
          <label htmlFor={fieldId('ntol')}>Failures tolerated:</label>
          <input
            id={fieldId('ntol')}
            className="text-input ha-number"
            inputMode="numeric"
            value={shown}
            aria-invalid={ntolError || verdict.overcommitted ? true : undefined}
            aria-describedby={`${fieldId('ntol')}-max ${fieldId('ntol')}-verdict`}
            onChange={(e) => onNtolText(e.target.value)}
          />
          <span id={`${fieldId('ntol')}-max`} className={calculating ? 'muted' : undefined}>
            {max !== undefined ? `(max = ${max})` : ''}
          </span>
          {calculating && (
            <span className="ha-busy" role="progressbar" aria-label="Calculating the failure capacity">
              Calculating…
            </span>
          )}
        </div>
        <div id={`${fieldId('ntol')}-verdict`} role="status" className={`ha-verdict tone-${verdict.tone}`}>
          <span className="ha-verdict-mark" aria-hidden="true">
            {verdict.tone === 'ok' ? '✓' : verdict.tone === 'busy' ? '…' : '!'}
          </span>
          <span>
            {verdict.message}
            {verdict.detail && <span className="ha-verdict-detail">{verdict.detail}</span>}
          </span>
        </div>
        {ntolError && (
          <p className="field-error" role="alert">
            {ntolError}
          </p>
        )}
      </fieldset>
    </div>
  );
}

interface PlanRowViewProps {
  row: PlanRow;
  agility: Agility | undefined;
  reasonName: (cls: 'SR' | 'network', ref: string) => string | undefined;
  orderError?: string;
  delayError?: string;
  idPrefix: string;
  onChange: HaPlanEditorProps['onRowChange'];
}

const PENDING = 'pending';

/** One VM's row; memoized, so editing one VM of a large pool re-renders that row only. */
const PlanRowView = memo(function PlanRowView({ row, agility, reasonName, orderError, delayError, idPrefix, onChange }: PlanRowViewProps) {
  const effective = effectivePriority(row, agility);
  const notAgile = agility && !agility.agile ? agilityReason(agility, reasonName) : undefined;
  const downgraded = row.priority === 'restart' && effective === 'best-effort';
  const agileId = `${idPrefix}-agile-${row.ref}`;
  return (
    <tr>
      <th scope="row" className="ha-vm-name">
        {row.name}
      </th>
      <td>
        <select
          aria-label={`Restart priority of ${row.name}`}
          aria-describedby={notAgile ? agileId : undefined}
          value={effective ?? PENDING}
          onChange={(e) => onChange(row.ref, { priority: e.target.value as RestartPriority })}
        >
          {effective === undefined && (
            <option value={PENDING} disabled>
              Checking…
            </option>
          )}
          {PRIORITY_CHOICES.map((c) => (
            <option key={c.value} value={c.value} disabled={c.value === 'restart' && Boolean(notAgile)}>
              {c.label}
            </option>
          ))}
        </select>
        {downgraded && <span className="ha-downgraded muted">Not agile: restarted if possible</span>}
      </td>
      <td>
        <input
          id={`${idPrefix}-order-${row.ref}`}
          className="text-input ha-number"
          inputMode="numeric"
          aria-label={`Start order of ${row.name}`}
          aria-invalid={orderError ? true : undefined}
          title={orderError}
          value={row.order}
          onChange={(e) => onChange(row.ref, { order: e.target.value })}
        />
      </td>
      <td>
        <span className="ha-delay">
          <input
            id={`${idPrefix}-delay-${row.ref}`}
            className="text-input ha-number"
            inputMode="numeric"
            aria-label={`Start delay of ${row.name}, in seconds`}
            aria-invalid={delayError ? true : undefined}
            title={delayError}
            value={row.delay}
            onChange={(e) => onChange(row.ref, { delay: e.target.value })}
          />
          <span className="muted">s</span>
        </span>
      </td>
      <td>
        {!agility ? (
          <span className="muted">Checking…</span>
        ) : agility.agile ? (
          'Yes'
        ) : (
          <Tooltip content={notAgile}>
            <span className="ha-not-agile" tabIndex={0}>
              No
              <span id={agileId} className="visually-hidden">
                : {notAgile}
              </span>
            </span>
          </Tooltip>
        )}
      </td>
    </tr>
  );
});
