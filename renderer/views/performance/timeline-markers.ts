/**
 * XAPI messages (alerts: a VM started, an alarm fired, a host's clock skewed) as marks on the timeline, like
 * XenCenter's DataEvent markers: a dashed vertical line at the message's time with a small flag on top, coloured by
 * priority (1–2 red, 3 orange, 4–5 blue).
 */
import type uPlot from 'uplot';

export interface TimelineMarker {
  /** Seconds. */
  time: number;
  label: string;
  severity: 'high' | 'medium' | 'info';
}

const COLORS: Record<TimelineMarker['severity'], string> = { high: '#d62728', medium: '#e8710a', info: '#1f6feb' };

/** XAPI DateTime (`20250615T12:34:56Z`, with or without dashes or a zone) to seconds; undefined if unreadable. */
export function parseXapiTime(value: string): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  let t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  const zone = m[7];
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    t -= (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return t;
}

export interface MessageLike {
  name: string;
  priority: number;
  timestamp: string;
  body?: string;
}

/** Readable names for the messages users meet most; others are shown as XAPI names them. */
const NAMES: Record<string, string> = {
  VM_STARTED: 'VM started',
  VM_SHUTDOWN: 'VM shut down',
  VM_REBOOTED: 'VM rebooted',
  VM_SUSPENDED: 'VM suspended',
  VM_RESUMED: 'VM resumed',
  VM_MIGRATED: 'VM migrated',
  VM_CLONED: 'VM cloned',
  HOST_REBOOTED: 'Host rebooted',
  ALARM: 'Alarm',
  HOST_CLOCK_SKEW_DETECTED: 'Clock skew',
};

export function messageMarkers(messages: readonly MessageLike[]): TimelineMarker[] {
  const out: TimelineMarker[] = [];
  for (const m of messages) {
    const time = parseXapiTime(m.timestamp);
    if (time === undefined) continue;
    const p = Number(m.priority);
    out.push({ time, label: NAMES[m.name] ?? m.name, severity: p <= 2 ? 'high' : p === 3 ? 'medium' : 'info' });
  }
  return out.sort((a, b) => a.time - b.time);
}

/** uPlot plugin: draws the markers inside the plot area after the series. */
export function alertMarkersPlugin(markers: () => readonly TimelineMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u: uPlot) => {
          const list = markers();
          if (!list.length) return;
          const { ctx } = u;
          const { left, top, width, height } = u.bbox;
          const min = u.scales.x.min ?? -Infinity;
          const max = u.scales.x.max ?? Infinity;
          const dpr = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
          ctx.save();
          for (const m of list) {
            if (m.time < min || m.time > max) continue;
            const x = Math.round(u.valToPos(m.time, 'x', true));
            if (x < left || x > left + width) continue;
            ctx.strokeStyle = COLORS[m.severity];
            ctx.fillStyle = COLORS[m.severity];
            ctx.lineWidth = 1.5 * dpr;
            ctx.setLineDash([4 * dpr, 3 * dpr]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.beginPath();
            ctx.moveTo(x - 5 * dpr, top);
            ctx.lineTo(x + 5 * dpr, top);
            ctx.lineTo(x, top + 7 * dpr);
            ctx.closePath();
            ctx.fill();
          }
          ctx.restore();
        },
      ],
    },
  };
}
