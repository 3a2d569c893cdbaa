/**
 * Performance data for the renderer's charts (CLIENT-NOTES 14–17):
 *
 * - one `rrd_updates?host=true` request per host and per archive (a "feed"), whatever the number of charts
 *   open: every chart of that host or of a VM resident there shares the feed's reply;
 * - at most three requests in flight over all feeds, each feed polled at its archive's pace (5 s, 1 min, 5 min,
 *   1 h), and not at all while none of its charts is visible (a hidden tab, a chart scrolled away);
 * - `start` in the host's time (host.get_servertime offset), one step less than the window, `meta.step` checked:
 *   a coarser reply means the offset is stale, so it is read again and the window asked once more;
 * - a VM's data comes from its resident host; when a reply no longer holds the VM (migrated, stopped) the VM is
 *   placed again, and a halted VM's charts say `halted` until it runs.
 *
 * After the first poll a feed asks only for the rows after its newest (merged in rrd-window.ts).
 * Knows nothing of Electron: the connection manager comes in as a port (session, pinned certificate, calls).
 */
import { ConcurrencyLimit } from '../../../shared/api-client/concurrency-limit';
import { parseRrdUpdates, type RrdData } from '../../../shared/api-client/rrd/rrd-parse';
import { METRICS_RANGES, rrdStartFor, type MetricsRange, type MetricsRangeSpec } from '../../../shared/api-client/rrd/rrd-ranges';
import type { BridgeErrorShape, MetricsUpdate, RequestArgs } from '../../../shared/bridge';
import type { Clock } from '../ports';
import { HostClocks } from './host-clock';
import { HostHttp, memberBaseUrl } from './host-http';
import { hasOwner, mergeWindow, sameLegend, seriesOf, trimWindow } from './rrd-window';

/** What the service needs of the connection manager (a subset of ConnectionService in app-backend.ts). */
export interface MetricsConnectionPort {
  /** A XAPI call on the connection's session (the session argument is added by the port). */
  call(connectionId: string, method: string, params: unknown[]): Promise<unknown>;
  /** The live session, the pinned certificate and the address in use for the connection. */
  endpoint(connectionId: string): Promise<{ sessionId: string; pinnedFingerprint256: string; address: string }>;
}

/** The HTTP GET the service uses (HostHttp; tests observe it). */
export type HostGet = Pick<HostHttp, 'get' | 'destroy'>;

export interface MetricsServiceOptions {
  connections: MetricsConnectionPort;
  emit(update: MetricsUpdate): void;
  clock?: Clock;
  /** Requests in flight over all hosts (default 3, as XO Lite). */
  maxInFlight?: number;
  timeoutMs?: number;
  /** How often a visible chart of a halted VM checks whether the VM runs again (default 5 s). */
  placementRecheckMs?: number;
  http?: HostGet;
  log?(line: string): void;
}

export type SubscribeArgs = RequestArgs<'metrics.subscribe'>;

type Timer = { cancel(): void };

interface Subscription {
  id: string;
  args: SubscribeArgs;
  visible: boolean;
  uuid?: string;
  feed?: Feed;
  recheck?: Timer;
  /** Bumped on each placement, so an older placement that finishes late is ignored. */
  placing: number;
  closed: boolean;
}

interface Feed {
  key: string;
  connectionId: string;
  hostRef: string;
  range: MetricsRange;
  subscribers: Set<Subscription>;
  data?: RrdData;
  /** When the last fetch started (service clock, ms). */
  fetchedAt: number;
  failed: boolean;
  timer?: Timer;
  running?: Promise<void>;
  error?: BridgeErrorShape;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

const LIVE = new Set(['Running', 'Paused']);
/** After a failed fetch, try again sooner than a slow archive's pace. */
const RETRY_MS = 15_000;

const isRef = (v: unknown): v is string => typeof v === 'string' && v.startsWith('OpaqueRef:') && v !== 'OpaqueRef:NULL';

export function toBridgeError(err: unknown): BridgeErrorShape {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const e = err as { code: string; params?: unknown; method?: unknown; message?: unknown };
    return {
      code: e.code,
      params: Array.isArray(e.params) ? e.params.map(String) : [],
      method: typeof e.method === 'string' ? e.method : undefined,
      message: typeof e.message === 'string' ? e.message : e.code,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL_ERROR', params: [message], message };
}

export class MetricsService {
  private readonly subs = new Map<string, Subscription>();
  private readonly feeds = new Map<string, Feed>();
  private readonly limit: ConcurrencyLimit;
  private readonly clock: Clock;
  private readonly clocks: HostClocks;
  private readonly http: HostGet;
  private readonly hostBases = new Map<string, string>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: MetricsServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.limit = new ConcurrencyLimit(options.maxInFlight ?? 3);
    this.http = options.http ?? new HostHttp();
    this.clocks = new HostClocks((c, m, p) => options.connections.call(c, m, p), this.clock);
  }

  subscribe(args: SubscribeArgs): { subscriptionId: string } {
    if (this.disposed) throw new Error('metrics service stopped');
    const sub: Subscription = { id: `m${this.nextId++}`, args, visible: args.visible, placing: 0, closed: false };
    this.subs.set(sub.id, sub);
    this.track(this.place(sub));
    return { subscriptionId: sub.id };
  }

  setVisible(subscriptionId: string, visible: boolean): void {
    const sub = this.subs.get(subscriptionId);
    if (!sub || sub.visible === visible) return;
    sub.visible = visible;
    if (sub.feed) this.wake(sub.feed);
    else if (visible && !sub.recheck) this.track(this.place(sub));
    else if (!visible) {
      sub.recheck?.cancel();
      sub.recheck = undefined;
    }
  }

  unsubscribe(subscriptionId: string): void {
    const sub = this.subs.get(subscriptionId);
    if (!sub) return;
    sub.closed = true;
    sub.recheck?.cancel();
    this.detach(sub);
    this.subs.delete(subscriptionId);
  }

  /** Subscriptions open now, over all pages (a page that goes takes its own away: page-state-handlers.ts). */
  get subscriptionCount(): number {
    return this.subs.size;
  }

  /** Resolves once no fetch or placement is running or queued (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.work.size) await Promise.allSettled([...this.work]);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const sub of this.subs.values()) sub.recheck?.cancel();
    for (const feed of this.feeds.values()) feed.timer?.cancel();
    this.subs.clear();
    this.feeds.clear();
    this.abort.abort();
    await this.settled();
    this.http.destroy();
  }

  // ------------------------------------------------------------ placement

  /** Finds where the object's data lives (a VM: its resident host) and attaches it to that feed. */
  private async place(sub: Subscription): Promise<void> {
    const token = ++sub.placing;
    sub.recheck?.cancel();
    sub.recheck = undefined;
    const { connectionId, objectClass, ref, range } = sub.args;
    const call = (method: string) => this.options.connections.call(connectionId, method, [ref]);
    try {
      if (!sub.uuid) sub.uuid = String(await call(objectClass === 'host' ? 'host.get_uuid' : 'VM.get_uuid'));
      let hostRef = ref;
      if (objectClass === 'VM') {
        const [power, resident] = await Promise.all([call('VM.get_power_state'), call('VM.get_resident_on')]);
        if (sub.closed || token !== sub.placing) return;
        if (!LIVE.has(String(power)) || !isRef(resident)) {
          // A VM that is not running has no live data (its RRD sleeps on the master): say so, and look again later.
          this.detach(sub);
          this.options.emit({ subscriptionId: sub.id, state: 'halted', step: METRICS_RANGES[range].step, times: [], series: [] });
          this.scheduleRecheck(sub);
          return;
        }
        hostRef = resident;
      }
      if (sub.closed || token !== sub.placing) return;
      this.attach(sub, hostRef);
    } catch (err) {
      if (sub.closed || token !== sub.placing) return;
      this.options.emit({ subscriptionId: sub.id, state: 'error', step: METRICS_RANGES[range].step, times: [], series: [], error: toBridgeError(err) });
      this.scheduleRecheck(sub);
    }
  }

  private scheduleRecheck(sub: Subscription): void {
    sub.recheck?.cancel();
    sub.recheck = undefined;
    if (!sub.visible || sub.closed || this.disposed) return;
    sub.recheck = this.clock.setTimeout(() => {
      sub.recheck = undefined;
      if (!sub.closed && sub.visible) this.track(this.place(sub));
    }, this.options.placementRecheckMs ?? 5_000);
  }

  private attach(sub: Subscription, hostRef: string): void {
    const { connectionId, range } = sub.args;
    const key = `${connectionId}|${hostRef}|${range}`;
    if (sub.feed?.key !== key) {
      this.detach(sub);
      let feed = this.feeds.get(key);
      if (!feed) {
        feed = { key, connectionId, hostRef, range, subscribers: new Set(), fetchedAt: -Infinity, failed: false };
        this.feeds.set(key, feed);
      }
      feed.subscribers.add(sub);
      sub.feed = feed;
    }
    const feed = sub.feed!;
    // A chart opened on a host whose feed is fresh draws at once, without a request of its own.
    if (feed.data) this.send(feed, sub, METRICS_RANGES[range]);
    this.wake(feed);
  }

  private detach(sub: Subscription): void {
    const feed = sub.feed;
    if (!feed) return;
    sub.feed = undefined;
    feed.subscribers.delete(sub);
    if (feed.subscribers.size === 0) {
      feed.timer?.cancel();
      feed.timer = undefined;
      if (this.feeds.get(feed.key) === feed) this.feeds.delete(feed.key);
    }
  }

  // ------------------------------------------------------------ polling

  /** Plans the feed's next fetch: now if due and someone looks, later if not due, never while nobody looks. */
  private wake(feed: Feed): void {
    if (feed.running || this.disposed) return;
    feed.timer?.cancel();
    feed.timer = undefined;
    if (this.feeds.get(feed.key) !== feed) return;
    if (![...feed.subscribers].some((s) => s.visible)) return;
    const spec = METRICS_RANGES[feed.range];
    const due = feed.fetchedAt + (feed.failed ? Math.min(spec.pollMs, RETRY_MS) : spec.pollMs);
    const wait = due - this.clock.now();
    if (wait > 0) {
      feed.timer = this.clock.setTimeout(() => {
        feed.timer = undefined;
        this.wake(feed);
      }, wait);
      return;
    }
    feed.running = this.track(
      this.limit.run(() => this.fetch(feed)).finally(() => {
        feed.running = undefined;
        this.wake(feed);
      }),
    );
  }

  private async fetch(feed: Feed): Promise<void> {
    if (this.feeds.get(feed.key) !== feed || this.disposed) return;
    feed.fetchedAt = this.clock.now();
    const spec = METRICS_RANGES[feed.range];
    try {
      feed.data = await this.fetchWindow(feed, spec);
      feed.error = undefined;
      feed.failed = false;
    } catch (err) {
      if (this.disposed) return;
      feed.error = toBridgeError(err);
      feed.failed = true;
      this.options.log?.(`metrics: ${feed.hostRef} ${feed.range}: ${feed.error.code} ${feed.error.message}`);
    }
    this.publish(feed, spec);
  }

  private async fetchWindow(feed: Feed, spec: MetricsRangeSpec): Promise<RrdData> {
    const hostNow = (await this.clocks.hostNow(feed.connectionId, feed.hostRef)) / 1000;
    const oldest = hostNow - spec.windowSec;
    const held = feed.data;
    if (held && held.step === spec.step && held.times.length && hostNow - held.end < spec.windowSec - spec.step) {
      // Only the rows after the newest held; merged unless the legend moved (a VM came or went).
      const next = await this.request(feed, spec, held.end + 1);
      if (next.step === spec.step && sameLegend(held, next)) return mergeWindow(held, next, oldest);
    }
    let full = await this.request(feed, spec, rrdStartFor(feed.range, hostNow));
    if (full.step !== spec.step && full.columns.length) {
      // A coarser archive answered: our idea of the host's clock is stale (the host's clock jumped). Read it again.
      const again = (await this.clocks.hostNow(feed.connectionId, feed.hostRef, true)) / 1000;
      full = await this.request(feed, spec, rrdStartFor(feed.range, again));
      if (full.step !== spec.step) {
        this.options.log?.(`metrics: ${feed.hostRef} served step ${full.step} for ${feed.range} (asked ${spec.step})`);
      }
      return trimWindow(full, again - spec.windowSec);
    }
    return trimWindow(full, oldest);
  }

  private async request(feed: Feed, spec: MetricsRangeSpec, start: number, renewed = false): Promise<RrdData> {
    const port = this.options.connections;
    const endpoint = await port.endpoint(feed.connectionId);
    const base = await this.hostBase(feed, endpoint.address);
    const query = new URLSearchParams({
      session_id: endpoint.sessionId,
      start: String(Math.floor(start)),
      cf: 'AVERAGE',
      interval: String(spec.step),
      host: 'true',
      json: 'true',
    });
    try {
      const body = await this.http.get(`${base}/rrd_updates?${query}`, endpoint.pinnedFingerprint256, this.options.timeoutMs ?? 20_000, this.abort.signal);
      return parseRrdUpdates(body);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SESSION_INVALID' && !renewed) {
        // Any call renews the connection's session (one re-login on SESSION_INVALID); then ask again with it.
        await port.call(feed.connectionId, 'pool.get_all', []);
        return this.request(feed, spec, start, true);
      }
      if (code === 'RRD_NOT_AVAILABLE') {
        // xapi's No_RRA_Available: nothing to export there (no host RRD yet, the VM gone).
        return { start, step: spec.step, end: start, columns: [], times: new Float64Array(0), values: [] };
      }
      throw err;
    }
  }

  private async hostBase(feed: Feed, connectionAddress: string): Promise<string> {
    const key = `${feed.connectionId}|${feed.hostRef}|${connectionAddress}`;
    let base = this.hostBases.get(key);
    if (!base) {
      const address = String(await this.options.connections.call(feed.connectionId, 'host.get_address', [feed.hostRef]));
      base = memberBaseUrl(connectionAddress, address);
      this.hostBases.set(key, base);
    }
    return base;
  }

  private publish(feed: Feed, spec: MetricsRangeSpec): void {
    for (const sub of [...feed.subscribers]) {
      if (sub.args.objectClass === 'VM' && feed.data && !feed.error && sub.uuid && !hasOwner(feed.data, sub.uuid)) {
        // The host no longer exports this VM: it migrated or stopped. Find it again (CLIENT-NOTES 17).
        this.track(this.place(sub));
        continue;
      }
      this.send(feed, sub, spec);
      // Its host failing to answer may mean the VM moved or stopped meanwhile: look (placement resends if so).
      if (sub.args.objectClass === 'VM' && feed.error) this.track(this.place(sub));
    }
  }

  private send(feed: Feed, sub: Subscription, spec: MetricsRangeSpec): void {
    const data = feed.data;
    this.options.emit({
      subscriptionId: sub.id,
      state: feed.error ? 'error' : 'ok',
      step: data?.step ?? spec.step,
      times: data ? Array.from(data.times) : [],
      series: data && sub.uuid ? seriesOf(data, sub.uuid) : [],
      hostRef: feed.hostRef,
      error: feed.error,
    });
  }

  /** Remembers running work for settled(); a failure is logged, never left unhandled. */
  private track(p: Promise<unknown>): Promise<void> {
    const tracked = p.then(
      () => undefined,
      (err: unknown) => this.options.log?.(`metrics: ${err instanceof Error ? err.message : String(err)}`),
    );
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
    return tracked;
  }
}
