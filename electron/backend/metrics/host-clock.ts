/**
 * Each host's clock as an offset from ours (XenCenter's ServerTimeOffset; CLIENT-NOTES 15): rrd_updates
 * `start` must be in the host's time, or a client whose clock runs a few minutes ahead asks for rows that do not
 * exist yet and one behind spills into the next coarser archive. Read with `host.get_servertime`, refreshed
 * every ten minutes or when a reply's step says the offset is wrong.
 */
import type { Clock } from '../ports';

export type CallPort = (connectionId: string, method: string, params: unknown[]) => Promise<unknown>;

const REFRESH_MS = 10 * 60_000;

/** XAPI's DateTime: `20250615T12:34:56Z` (also with dashes, fractions, an offset), or a Date from XML-RPC. */
export function parseXapiDateTime(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const zone = m[7];
  if (!zone || zone === 'Z') return utc;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

export class HostClocks {
  private readonly offsets = new Map<string, { offsetMs: number; readAt: number }>();
  private readonly reading = new Map<string, Promise<number>>();

  constructor(private readonly call: CallPort, private readonly clock: Clock) {}

  /** The host's current time in ms (our clock plus its offset). */
  async hostNow(connectionId: string, hostRef: string, refresh = false): Promise<number> {
    const key = `${connectionId}|${hostRef}`;
    const known = this.offsets.get(key);
    if (!refresh && known && this.clock.now() - known.readAt < REFRESH_MS) return this.clock.now() + known.offsetMs;
    let pending = this.reading.get(key);
    if (!pending) {
      pending = this.read(connectionId, hostRef, key).finally(() => this.reading.delete(key));
      this.reading.set(key, pending);
    }
    return this.clock.now() + (await pending);
  }

  forget(connectionId: string): void {
    for (const key of [...this.offsets.keys()]) if (key.startsWith(`${connectionId}|`)) this.offsets.delete(key);
  }

  private async read(connectionId: string, hostRef: string, key: string): Promise<number> {
    const before = this.clock.now();
    const raw = await this.call(connectionId, 'host.get_servertime', [hostRef]);
    const after = this.clock.now();
    const server = parseXapiDateTime(raw);
    // A host that answers nonsense is treated as in step with us: the step check still catches a wrong archive.
    // The server's second is truncated: add half a second, and measure against the middle of the round trip.
    const offsetMs = server === undefined ? 0 : server + 500 - (before + after) / 2;
    this.offsets.set(key, { offsetMs, readAt: after });
    return offsetMs;
  }
}
