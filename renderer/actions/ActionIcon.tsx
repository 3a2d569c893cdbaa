/** Action glyphs (16×16 strokes in the text colour, like components/Icon.tsx); decorative, the label names the action. */
const paths = {
  start: 'M5 3.5v9l7-4.5z',
  shutdown: 'M8 2v5.5M4.8 4.2a5 5 0 1 0 6.4 0',
  reboot: 'M12.5 8A4.5 4.5 0 1 1 11 4.6M11.5 2v3h-3',
  suspend: 'M10.5 2.8A5.5 5.5 0 1 0 13.2 10 4.5 4.5 0 0 1 10.5 2.8z',
  resume: 'M3 3.5v9M6.5 3.5v9l6.5-4.5z',
  pause: 'M5.5 3.5v9M10.5 3.5v9',
  stop: 'M4 4h8v8H4z',
  'force-shutdown': 'M8 2v5.5M4.8 4.2a5 5 0 1 0 6.4 0M2 14 14 2',
  'force-reboot': 'M12.5 8A4.5 4.5 0 1 1 11 4.6M11.5 2v3h-3M7 6l2 2-2 2',
  delete: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9M7 7v4M9 7v4',
  copy: 'M5.5 5.5h7.5v8H5.5zM3 11V2.5h7.5',
  'new-vm': 'M2 3h12v8H2zM6 14h4M8 11v3M8 5v4M6 7h4',
  maintenance: 'M10.5 2.5a3 3 0 0 0-3.3 4L2.5 11.2l2.3 2.3 4.7-4.7a3 3 0 0 0 4-3.3l-1.8 1.8-1.8-.5-.5-1.8z',
  'exit-maintenance': 'M3 8.5 6.5 12 13 4',
  connect: 'M6 10l4-4M4.5 8.5 3 10a2.1 2.1 0 0 0 3 3l1.5-1.5M8.5 4.5 10 3a2.1 2.1 0 0 1 3 3l-1.5 1.5',
  disconnect: 'M4.5 8.5 3 10a2.1 2.1 0 0 0 3 3l1.5-1.5M11.5 7.5 13 6a2.1 2.1 0 0 0-3-3L8.5 4.5M2 2l12 12',
  forget: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9',
  hide: 'M1.5 8s2.5-4.5 6.5-4.5S14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM2 14 14 2',
  'add-server': 'M3 2.5h10v11H3zM5 5h6M8 7.5v4M6 9.5h4',
  snapshot: 'M2.5 5h2.5l1-1.5h4L11 5h2.5v7.5h-11zM8 11a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
  export: 'M8 2.5v7M5 6.5 8 9.5l3-3M3 11v2.5h10V11',
  ha: 'M8 1.8 13 3.6v4c0 3.2-2.2 5.4-5 6.6-2.8-1.2-5-3.4-5-6.6v-4zM5.8 8l1.6 1.6 3-3.2',
  'ha-off': 'M8 1.8 13 3.6v4c0 3.2-2.2 5.4-5 6.6-2.8-1.2-5-3.4-5-6.6v-4zM2 14 14 2',
  demo: 'M9 1.5 3.5 9h4l-1 5.5L12.5 7h-4z',
  migrate: 'M2.5 8h8.5M8 4.5 11.5 8 8 11.5M13.5 3v10',
  properties: 'M3 2.5h10v11H3zM5.5 5.5h5M5.5 8h5M5.5 10.5h3',
  'move-disk': 'M2.5 4c0-.8 1.6-1.5 3.5-1.5S9.5 3.2 9.5 4v5c0 .8-1.6 1.5-3.5 1.5S2.5 9.8 2.5 9zM9.5 12.5h4M11.5 10.5l2 2-2 2',
} as const;

export type ActionIconName = keyof typeof paths;

export function ActionIcon({ name, size = 16 }: { name: ActionIconName; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.4} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={paths[name]} />
    </svg>
  );
}
