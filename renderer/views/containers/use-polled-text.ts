/**
 * Text read from a host plug-in and refreshed while it is shown, as XenCenter's container Processes and
 * Details pages do: read at once, then every 20 s while the tab is open and the window visible (a hidden
 * window reads again when it comes back, if the text is stale), and on demand (Refresh). The text stays the
 * same string when an answer repeats it, so what is drawn from it is not rebuilt.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export const REFRESH_MS = 20_000;

export interface PolledText {
  /** The last answer, until a read fails. */
  text?: string;
  error?: unknown;
  /** A read is under way (the first one, or a refresh). */
  loading: boolean;
  /** When the last read finished (ms since the epoch), whether it succeeded or not. */
  refreshedAt?: number;
  refresh(): void;
}

interface Completed {
  key: string;
  tick: number;
  text?: string;
  error?: unknown;
  at: number;
}

/** Reads `read()` for `key` (undefined: nothing to read) now and every `intervalMs` while mounted and visible. */
export function usePolledText(key: string | undefined, read: () => Promise<string>, intervalMs = REFRESH_MS): PolledText {
  const [done, setDone] = useState<Completed>();
  const [tick, setTick] = useState(0);
  const readRef = useRef(read);
  useEffect(() => {
    readRef.current = read;
  });
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  // One read per key and tick; an answer for an older key or tick is dropped.
  useEffect(() => {
    if (key === undefined) return;
    let live = true;
    readRef.current().then(
      (text) => live && setDone((d) => ({ key, tick, text: d?.key === key && d.text === text ? d.text : text, at: Date.now() })),
      (error: unknown) => live && setDone({ key, tick, error, at: Date.now() }),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  const mine = done?.key === key ? done : undefined;
  const loading = key !== undefined && mine?.tick !== tick;
  const refreshedAt = mine?.at;

  // The next read: `intervalMs` after the last one, only while the window is visible.
  useEffect(() => {
    if (key === undefined || loading || refreshedAt === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      if (document.visibilityState === 'hidden') return;
      timer = setTimeout(refresh, Math.max(0, refreshedAt + intervalMs - Date.now()));
    };
    schedule();
    document.addEventListener('visibilitychange', schedule);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', schedule);
    };
  }, [key, loading, refreshedAt, intervalMs, refresh]);

  return { text: mine?.text, error: mine?.error, loading, refreshedAt, refresh };
}
