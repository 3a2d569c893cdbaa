/**
 * The navigator strip under the toolbar, like XenCenter's DataPlotNav: the whole archive of the range at a glance
 * (CPU on average), the part shown by the graphs as a framed window. Drag the window to pan, drag across the strip
 * to choose a new span, arrow keys on the focused window pan by a tenth.
 */
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import uPlot from 'uplot';
import type { TimeView } from './MetricsChart';
import { alertMarkersPlugin, type TimelineMarker } from './timeline-markers';

export interface TimeNavigatorProps {
  times: number[];
  values: (number | null)[];
  /** The whole span (the data's first and last time). */
  full: TimeView;
  view: TimeView;
  onView(view: TimeView): void;
  markers: readonly TimelineMarker[];
}

const HEIGHT = 56;

/** `view` moved by `delta` seconds, kept inside `full` with its width unchanged. */
export function panView(view: TimeView, full: TimeView, delta: number): TimeView {
  const width = view.max - view.min;
  if (width >= full.max - full.min) return full;
  let min = view.min + delta;
  min = Math.max(full.min, Math.min(full.max - width, min));
  return { min, max: min + width };
}

export function TimeNavigator(props: TimeNavigatorProps) {
  const host = useRef<HTMLDivElement>(null);
  const windowEl = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });

  const placeWindow = () => {
    const u = plot.current;
    const w = windowEl.current;
    if (!u || !w) return;
    const { view } = latest.current;
    const left = u.valToPos(view.min, 'x');
    const right = u.valToPos(view.max, 'x');
    // Positions are in the plot area (u.over), where the window element lives.
    w.style.left = `${Math.max(0, left)}px`;
    w.style.width = `${Math.max(4, Math.min(u.over.clientWidth, right) - Math.max(0, left))}px`;
  };

  useEffect(() => {
    const el = host.current;
    const w = windowEl.current;
    if (!el || !w) return;
    const text = getComputedStyle(document.documentElement).getPropertyValue('--text-muted').trim() || '#5f6873';
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false }, y: false },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max !== null && max > 0 ? max * 1.1 : 1] } },
      axes: [{ stroke: text, size: 22, space: 70, grid: { show: false }, ticks: { size: 3 }, font: '10px system-ui' }, { show: false, size: 0 }],
      series: [{}, { stroke: '#1f77b4', fill: 'rgba(31,119,180,0.18)', width: 1, points: { show: false } }],
      hooks: {
        setSelect: [
          (u) => {
            const { left, width } = u.select;
            if (width > 3) latest.current.onView({ min: u.posToVal(left, 'x'), max: u.posToVal(left + width, 'x') });
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
        setSize: [placeWindow],
        draw: [placeWindow],
      },
      plugins: [alertMarkersPlugin(() => latest.current.markers)],
    };
    const u = new uPlot(opts, [props.times, props.values] as uPlot.AlignedData, el);
    plot.current = u;
    u.over.appendChild(w);
    const resize = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (width !== u.width) u.setSize({ width, height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      el.parentElement?.appendChild(w); // keep React's node before uPlot removes its tree
      u.destroy();
      plot.current = null;
    };
    // Created once; data and view updates below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.setData([props.times, props.values] as uPlot.AlignedData, false);
    u.setScale('x', props.full);
  }, [props.times, props.values, props.full]);

  useEffect(placeWindow, [props.view]);
  useEffect(() => plot.current?.redraw(false), [props.markers]);

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const u = plot.current;
    if (!u) return;
    e.preventDefault();
    e.stopPropagation();
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startView = latest.current.view;
    const perPx = (latest.current.full.max - latest.current.full.min) / Math.max(1, u.over.clientWidth);
    const move = (ev: PointerEvent) => latest.current.onView(panView(startView, latest.current.full, (ev.clientX - startX) * perPx));
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      target.removeEventListener('pointercancel', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
    target.addEventListener('pointercancel', up);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const { view, full } = latest.current;
    const tenth = (view.max - view.min) / 10;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      latest.current.onView(panView(view, full, e.key === 'ArrowLeft' ? -tenth : tenth));
    }
  };

  const fmt = (t: number) => new Date(t * 1000).toLocaleString();
  return (
    <div className="perf-navigator">
      <div className="perf-navigator-plot" ref={host} />
      <div
        ref={windowEl}
        // Showing everything, the window covers the strip: let drags through to choose a span instead.
        className={`perf-navigator-window${props.view.min <= props.full.min && props.view.max >= props.full.max ? ' perf-navigator-window-full' : ''}`}
        role="slider"
        tabIndex={0}
        aria-label="Shown time span"
        aria-valuemin={props.full.min}
        aria-valuemax={props.full.max}
        aria-valuenow={props.view.min}
        aria-valuetext={`${fmt(props.view.min)} to ${fmt(props.view.max)}`}
        data-span={props.view.max - props.view.min}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}
