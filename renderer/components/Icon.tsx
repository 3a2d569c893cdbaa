/**
 * Object and action icons, drawn as 16×16 SVG strokes in the current text colour so they follow the
 * theme. Decorative by default (aria-hidden): the text next to them carries the name.
 */
import type { SVGProps } from 'react';

const paths = {
  pool: 'M2.5 3.5h11v3h-11zM2.5 9.5h11v3h-11zM4.5 5h.01M4.5 11h.01M8 6.5v3',
  host: 'M2.5 2.5h11v4h-11zM2.5 9.5h11v4h-11zM4.5 4.5h.01M4.5 11.5h.01M7 4.5h4.5M7 11.5h4.5',
  vm: 'M2 3h12v8H2zM6 14h4M8 11v3',
  server: 'M3 2.5h10v11H3zM5 5h6M5 8h6M5 11h2',
  connect: 'M6 10l4-4M4.5 8.5 3 10a2.1 2.1 0 0 0 3 3l1.5-1.5M8.5 4.5 10 3a2.1 2.1 0 0 1 3 3l-1.5 1.5',
  disconnect: 'M4.5 8.5 3 10a2.1 2.1 0 0 0 3 3l1.5-1.5M11.5 7.5 13 6a2.1 2.1 0 0 0-3-3L8.5 4.5M2 2l12 12',
  search: 'M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10zM10.5 10.5 14 14',
  home: 'M2.5 7.5 8 3l5.5 4.5M4 6.5V13h8V6.5',
  task: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zM8 5v3l2 2',
  alert: 'M8 2.5 14 13H2zM8 6.5v3M8 11.5h.01',
  chevron: 'M6 4l4 4-4 4',
  external: 'M9 2.5h4.5V7M13.5 2.5 7.5 8.5M12 9.5v4H2.5V4h4',
  sr: 'M3 4c0-1 2.2-1.8 5-1.8s5 .8 5 1.8v8c0 1-2.2 1.8-5 1.8S3 13 3 12zM3 4c0 1 2.2 1.8 5 1.8S13 5 13 4M3 8c0 1 2.2 1.8 5 1.8S13 9 13 8',
  network: 'M8 2.5v4M3.5 9.5v-3h9v3M2 9.5h3v4H2zM6.5 9.5h3v4h-3zM11 9.5h3v4h-3z',
  // A shipping container: a box with its corrugated side.
  container: 'M2 4.5h12v8H2zM5 6.5v4M8 6.5v4M11 6.5v4',
  template: 'M2 3h12v8H2zM6 14h4M8 11v3M4.5 5.5h3M4.5 8h7',
  snapshot: 'M2.5 5h2.5l1-1.5h4L11 5h2.5v7.5h-11zM8 11a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
  folder: 'M2 4.5V12.5h12V6H7.5L6 4.5z',
  tag: 'M2.5 2.5h5l6 6-5 5-6-6zM5 5h.01',
  group: 'M3 4h10M3 8h10M3 12h10',
  copy: 'M5.5 5.5h7.5v8H5.5zM3 11V2.5h7.5',
  edit: 'M10.5 3 13 5.5 6 12.5H3.5V10z',
  plus: 'M8 3v10M3 8h10',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9',
  sidebar: 'M2.5 3h11v10h-11zM6 3v10',
  'bottom-panel': 'M2.5 3h11v10h-11zM2.5 9.5h11',
  collapse: 'M4 6l4 4 4-4',
  expand: 'M4 10l4-4 4 4',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, size = 16, ...rest }: { name: IconName; size?: number } & Omit<SVGProps<SVGSVGElement>, 'name'>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.4}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d={paths[name]} />
    </svg>
  );
}

/** XenDeck's mark: three stacked deck plates, the middle one in the accent colour. */
export function AppMark({ size = 20 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="4" y="4" width="24" height="6" rx="2" fill="currentColor" opacity="0.55" />
      <rect x="4" y="13" width="24" height="6" rx="2" fill="var(--accent)" />
      <rect x="4" y="22" width="24" height="6" rx="2" fill="currentColor" opacity="0.55" />
    </svg>
  );
}
