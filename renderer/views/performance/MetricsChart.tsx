/**
 * One graph drawn by uPlot: time on x, the graph's unit on y (ticks in KiB/MiB, %, ms…), a legend whose entries
 * toggle their line and show the values under the cursor, drag to zoom (every chart and the navigator follow the
 * shared view), alerts as marks on the timeline. Charts of one tab share the cursor (uPlot sync).
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { GraphData } from './graph-defs';
import { formatValue, isBinary, unitLabel } from './units';
import { alertMarkersPlugin, type TimelineMarker } from './timeline-markers';

export interface TimeView {
  min: number;
  max: number;
}

export interface MetricsChartProps {
  graph: GraphData;
  /** Row times in seconds, oldest first. */
  times: number[];
  /** The x range shown. */
  view: TimeView;
  onZoom(view: TimeView): void;
  markers: readonly TimelineMarker[];
  syncKey: string;
}

/** Line colours readable on light and dark backgrounds, in legend order. */
export const PALETTE = ['#1f77b4', '#e8710a', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

const HEIGHT = 170;

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Binary units get ticks on 1-2-4-… × 1024^k, so an axis reads "256 MiB, 512 MiB", not "268 MB". */
function binarySplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  let step = 1;
  while (span / step > 5) step *= 2;
  while (span / step < 2 && step > 1e-9) step /= 2;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

function buildOptions(props: MetricsChartProps, width: number, onSelect: (u: uPlot) => void): uPlot.Options {
  const { graph } = props;
  const text = cssVar('--text-muted', '#5f6873');
  const grid = cssVar('--border', '#d5d9df');
  return {
    width,
    height: HEIGHT,
    cursor: { sync: { key: props.syncKey, scales: ['x', null] }, drag: { x: true, y: false, setScale: false } },
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    legend: { live: true },
    scales: {
      x: { time: true },
      y: {
        range: (_u, _min, max): uPlot.Range.MinMax => {
          if (graph.unit === 'percent') return [0, Math.max(100, Math.ceil(max ?? 0))];
          const top = max !== null && max > 0 ? max * 1.1 : 1;
          return [0, top];
        },
      },
    },
    axes: [
      { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
      {
        stroke: text,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        size: 78,
        label: unitLabel(graph.unit),
        labelSize: 18,
        splits: isBinary(graph.unit) ? binarySplits : undefined,
        values: (_u, splits) => splits.map((v) => formatValue(v, graph.unit)),
      },
    ],
    series: [
      { label: 'Time', value: (_u, v) => (v === null || v === undefined ? '—' : new Date(v * 1000).toLocaleString()) },
      ...graph.lines.map((line, i) => ({
        label: line.label,
        show: !line.hidden,
        stroke: PALETTE[i % PALETTE.length],
        width: i === 0 && graph.id === 'cpu' ? 2.2 : 1.4,
        points: { show: false },
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => formatValue(v, graph.unit),
      })),
    ],
    hooks: { setSelect: [onSelect] },
    plugins: [alertMarkersPlugin(() => props.markers)],
  };
}

function toData(graph: GraphData, times: number[]): uPlot.AlignedData {
  return [times, ...graph.lines.map((l) => l.values)] as uPlot.AlignedData;
}

export function MetricsChart(props: MetricsChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  // Recreate the plot only when its lines change (a VIF added, a range switched), not for every new row.
  const shape = `${props.graph.unit}|${props.graph.lines.map((l) => `${l.label}${l.hidden ? '-' : ''}`).join('|')}`;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const onSelect = (u: uPlot) => {
      const { left, width } = u.select;
      if (width > 3) {
        const min = u.posToVal(left, 'x');
        const max = u.posToVal(left + width, 'x');
        latest.current.onZoom({ min, max });
      }
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    };
    const p = latest.current;
    const u = new uPlot(buildOptions(p, Math.max(200, el.clientWidth), onSelect), toData(p.graph, p.times), el);
    u.setScale('x', p.view);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.batch(() => {
      u.setData(toData(props.graph, props.times), false);
      u.setScale('x', props.view);
    });
  }, [props.graph, props.times, props.view]);

  useEffect(() => {
    plot.current?.redraw(false);
  }, [props.markers]);

  return (
    <figure className="perf-chart" aria-label={props.graph.title}>
      <figcaption className="perf-chart-title">{props.graph.title}</figcaption>
      <div className="perf-chart-plot" ref={host} />
    </figure>
  );
}
