/**
 * XAPI datetimes as they arrive: `20240521T10:00:00Z` (XML-RPC dateTime.iso8601, and most JSON-RPC
 * servers), ISO 8601 with dashes, or the epoch (`19700101T00:00:00Z`) meaning "not set".
 */
export function parseXapiTime(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  const ms = compact
    ? Date.parse(`${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}${compact[7] ?? 'Z'}`)
    : Date.parse(value);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return ms;
}

/** "4 s", "2 min 05 s", "1 h 03 min": short enough for a task row. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A moment in the user's locale; today's show the time only. */
export function formatWhen(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}
