/**
 * The Performance tab of a host or a VM: a range picker (last 10 minutes live, 2 hours, a week, a year), a
 * navigator over the whole range, and the graphs the user chose (CPU, memory, network, disk, IOPS, latency;
 * the choice is kept per object type). Drag on a graph or on the navigator to zoom, drag the navigator's window
 * or use the pan buttons to move, "Reset zoom" to see everything again. Alerts (XAPI messages about the object)
 * are marked on every timeline. While the charts are off screen or the page is hidden, the main process stops
 * polling for them.
 *
 * Mount: <PerformanceTab connectionId={id} objectClass="VM" ref_={vmRef} /> inside the app's bridge and store
 * providers (`ref` is React's, hence `objectRef`).
 */
import 'uplot/dist/uPlot.min.css';
import './performance.css';
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { METRICS_RANGE_NAMES, METRICS_RANGES, type MetricsRange } from '../../../shared/api-client/rrd/rrd-ranges';
import { useBridge } from '../../bridge-context';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useClassMap, useIndexed, useRecord, useRecords } from '../../store';
import { buildGraphs, GRAPH_IDS, GRAPH_TITLES, type GraphId } from './graph-defs';
import { loadGraphChoice, saveGraphChoice } from './graph-prefs';
import { MetricsChart, type TimeView } from './MetricsChart';
import { panView, TimeNavigator } from './TimeNavigator';
import { messageMarkers } from './timeline-markers';
import { useMetrics, useOnScreen } from './use-metrics';

export interface PerformanceTabProps {
  connectionId: string;
  objectClass: 'host' | 'VM';
  objectRef: string;
}

const EMPTY: number[] = [];

export function PerformanceTab({ connectionId, objectClass, objectRef }: PerformanceTabProps) {
  const bridge = useBridge();
  const [range, setRange] = useState<MetricsRange>('live');
  const [zoom, setZoom] = useState<TimeView | null>(null);
  const [chosen, setChosen] = useState<GraphId[]>(() => loadGraphChoice(objectClass));
  const [area, setArea] = useState<HTMLElement | null>(null);
  const visible = useOnScreen(area);
  const syncKey = useId();

  const record = useRecord(connectionId, objectClass, objectRef) as { uuid?: string; name_label?: string; power_state?: string } | undefined;
  const messageRefs = useIndexed(connectionId, 'messagesByObject', record?.uuid);
  const messages = useRecords(connectionId, 'message', messageRefs);
  const srs = useClassMap(connectionId, 'SR');
  const srNames = useMemo(() => new Map([...srs.values()].map((sr) => [sr.uuid.slice(0, 8), sr.name_label])), [srs]);

  const { update, error } = useMetrics(bridge, { connectionId, objectClass, ref: objectRef, range }, visible);

  const times = update?.times ?? EMPTY;
  const graphs = useMemo(() => buildGraphs(objectClass, update?.series ?? [], srNames), [objectClass, update, srNames]);
  const shown = graphs.filter((g) => chosen.includes(g.id));
  const hasRows = times.length >= 2;
  const full: TimeView = useMemo(() => (times.length >= 2 ? { min: times[0], max: times[times.length - 1] } : { min: 0, max: 1 }), [times]);
  const view = zoom ?? full;
  const markers = useMemo(() => messageMarkers(messages), [messages]);
  const inView = markers.filter((m) => m.time >= view.min && m.time <= view.max);
  const overview = graphs.find((g) => g.id === 'cpu')?.lines[0]?.values ?? [];

  const pickRange = (r: MetricsRange) => {
    setRange(r);
    setZoom(null);
  };
  // WAI-ARIA radio group: one tab stop, arrows move the choice.
  const onRangeKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = METRICS_RANGE_NAMES.indexOf(range);
    const next = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? i - 1 : undefined;
    if (next === undefined) return;
    e.preventDefault();
    const r = METRICS_RANGE_NAMES[(next + METRICS_RANGE_NAMES.length) % METRICS_RANGE_NAMES.length];
    pickRange(r);
    e.currentTarget.querySelectorAll<HTMLButtonElement>('[role="radio"]')[METRICS_RANGE_NAMES.indexOf(r)]?.focus();
  };
  const toggleGraph = (id: GraphId, on: boolean) => {
    const next = GRAPH_IDS[objectClass].filter((g) => (g === id ? on : chosen.includes(g)));
    setChosen(next);
    saveGraphChoice(objectClass, next);
  };
  const zoomTo = (v: TimeView) => {
    const min = Math.max(full.min, Math.min(v.min, v.max));
    const max = Math.min(full.max, Math.max(v.min, v.max));
    // A span narrower than three rows shows nothing useful.
    if (max - min < 3 * (update?.step ?? METRICS_RANGES[range].step)) return;
    setZoom(min <= full.min && max >= full.max ? null : { min, max });
  };
  const pan = (direction: -1 | 1) => setZoom(panView(view, full, (direction * (view.max - view.min)) / 2));

  const halted = update?.state === 'halted';
  const waiting = !update && !error;
  const problem = error ?? (update?.state === 'error' ? update.error : undefined);
  const coarser = update && update.state === 'ok' && update.step !== METRICS_RANGES[range].step;

  return (
    <section className="perf" aria-label="Performance">
      <div className="perf-toolbar" role="toolbar" aria-label="Performance graphs">
        <div role="radiogroup" aria-label="Time range" className="perf-ranges" onKeyDown={onRangeKey}>
          {METRICS_RANGE_NAMES.map((r) => (
            <button key={r} type="button" role="radio" aria-checked={range === r} tabIndex={range === r ? 0 : -1} className="perf-range" onClick={() => pickRange(r)}>
              {METRICS_RANGES[r].label}
            </button>
          ))}
        </div>
        <div className="perf-zoom" role="group" aria-label="Zoom">
          <button type="button" onClick={() => pan(-1)} disabled={!zoom || view.min <= full.min} aria-label="Pan back in time">
            ◀
          </button>
          <button type="button" onClick={() => pan(1)} disabled={!zoom || view.max >= full.max} aria-label="Pan forward in time">
            ▶
          </button>
          <button type="button" onClick={() => setZoom(null)} disabled={!zoom}>
            Reset zoom
          </button>
        </div>
        <details className="perf-choose">
          <summary>Graphs…</summary>
          <fieldset>
            <legend>Graphs to show for every {objectClass === 'VM' ? 'VM' : 'host'}</legend>
            {GRAPH_IDS[objectClass].map((id) => (
              <label key={id}>
                <input type="checkbox" checked={chosen.includes(id)} onChange={(e) => toggleGraph(id, e.currentTarget.checked)} /> {GRAPH_TITLES[id]}
              </label>
            ))}
          </fieldset>
        </details>
        <span className="perf-status" role="status">
          {range === 'live' && !zoom && update?.state === 'ok' ? 'Live, every 5 seconds' : ''}
          {zoom ? `${new Date(view.min * 1000).toLocaleString()} – ${new Date(view.max * 1000).toLocaleString()}` : ''}
          {coarser ? ` The host served ${update.step}-second rows.` : ''}
        </span>
      </div>

      {problem && (
        <div className="perf-error">
          <p>Performance data could not be read. {update?.times.length ? 'The graphs show the last data received; ' : ''}XenDeck keeps trying.</p>
          <ErrorMessage error={problem} />
        </div>
      )}

      {halted ? (
        <p className="perf-halted" role="status">
          No data while halted. Start {record?.name_label ?? 'the VM'} to see its performance.
        </p>
      ) : (
        <div className="perf-body" ref={setArea}>
          {hasRows && <TimeNavigator times={times} values={overview} full={full} view={view} onView={zoomTo} markers={markers} />}
          {inView.length > 0 && (
            <ul className="perf-alerts" aria-label="Alerts on this timeline">
              {inView.map((m, i) => (
                <li key={`${m.time}-${i}`} className={`perf-alert perf-alert-${m.severity}`}>
                  <time dateTime={new Date(m.time * 1000).toISOString()}>{new Date(m.time * 1000).toLocaleString()}</time> {m.label}
                </li>
              ))}
            </ul>
          )}
          {waiting && <p className="perf-waiting">Reading performance data…</p>}
          {update && !waiting && shown.length === 0 && <p className="perf-waiting">No graph chosen: pick some under “Graphs…”.</p>}
          <div className="perf-charts">
            {update &&
              shown.map((g) => <MetricsChart key={`${range}-${g.id}`} graph={g} times={times} view={view} onZoom={zoomTo} markers={markers} syncKey={syncKey} />)}
          </div>
        </div>
      )}
    </section>
  );
}
