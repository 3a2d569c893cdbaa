/** Numbers as people read them in the tabs: sizes in binary units (what XenCenter shows), times in local format. */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = v >= 100 || u === 0 ? 0 : v >= 10 ? 1 : 2;
  return `${bytes < 0 ? '-' : ''}${Number(v.toFixed(digits))} ${UNITS[u]}`;
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** XAPI datetimes arrive as ISO strings (20240101T12:00:00Z or with dashes); shown in local time. */
export function formatTime(value: string | undefined): string {
  if (!value) return '—';
  const iso = /^\d{8}T/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : value;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) || d.getTime() <= 0 ? '—' : d.toLocaleString();
}
