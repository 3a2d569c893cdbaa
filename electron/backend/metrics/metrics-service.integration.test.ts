/**
 * The metrics service against the simulator over HTTPS (pinned certificate), with the simulator's clock frozen
 * and the service's timers driven by hand: what a host sees (one request per host and archive per polling
 * interval, whatever the number of charts), pausing, halted and started VMs, migration, the step check and the
 * in-flight limit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, type TestSimulator } from '../../../simulator/contract/harness';
import { rpc as wireRpc } from '../../../simulator/contract/json-rpc-client';
import { rrdRequestLogs } from '../../../simulator/rrd/rrd-extension';
import type { MetricsUpdate } from '../../../shared/bridge';
import { ManualClock } from '../../testing/manual-clock';
import { HostHttp } from './host-http';
import { MetricsService, type MetricsConnectionPort, type SubscribeArgs } from './metrics-service';

let sim: TestSimulator;
let session = '';
const CONN = 'prod';

/** JSON-RPC on the first host over plain HTTP; a XAPI failure arrives as an RpcFailure with its code and params. */
const rpc = <T>(method: string, params: unknown[]) => wireRpc(sim.hosts[0].httpUrl, method, ...params) as Promise<T>;

/** What the connection manager provides in the app: calls on its session, the pin, the address in use. */
const port: MetricsConnectionPort = {
  call: (_id, method, params) => rpc(method, [session, ...params]),
  endpoint: async () => ({ sessionId: session, pinnedFingerprint256: sim.hosts[0].fingerprint256, address: new URL(sim.url).host }),
};

interface Rig {
  service: MetricsService;
  clock: ManualClock;
  updates: Map<string, MetricsUpdate[]>;
  last(id: string): MetricsUpdate | undefined;
  /** Moves both clocks by `ms` and waits until the service is idle. */
  advance(ms: number): Promise<void>;
  subscribe(args: Omit<SubscribeArgs, 'connectionId' | 'visible'> & { visible?: boolean }): Promise<string>;
}

const rigs: Rig[] = [];

function rig(options: { http?: HostHttp; placementRecheckMs?: number } = {}): Rig {
  const clock = new ManualClock();
  const updates = new Map<string, MetricsUpdate[]>();
  const service = new MetricsService({
    connections: port,
    clock,
    http: options.http,
    placementRecheckMs: options.placementRecheckMs,
    emit: (u) => {
      const list = updates.get(u.subscriptionId) ?? [];
      list.push(u);
      updates.set(u.subscriptionId, list);
    },
  });
  const r: Rig = {
    service, clock, updates,
    last: (id) => updates.get(id)?.at(-1),
    async advance(ms) {
      // In 5-second steps, as time really passes: each step's timers fire and their fetches finish.
      for (let done = 0; done < ms; done += 5_000) {
        const step = Math.min(5_000, ms - done);
        await sim.clock.advance(step);
        clock.tick(step);
        await service.settled();
      }
    },
    async subscribe(args) {
      const { subscriptionId } = service.subscribe({ connectionId: CONN, visible: true, ...args });
      await service.settled();
      return subscriptionId;
    },
  };
  rigs.push(r);
  return r;
}

/** rrd_updates requests a host of the first pool has received so far, by interval. */
function requests(hostRef: string, interval?: number): number {
  const uuid = String(sim.db.get('host', hostRef).uuid);
  const log = rrdRequestLogs.get(sim.pools[0].pool) ?? [];
  return log.filter((r) => r.path === '/rrd_updates' && r.host === uuid && (interval === undefined || new URLSearchParams(r.query).get('interval') === String(interval))).length;
}

function vmsOn(hostRef: string): string[] {
  return [...sim.db.all('VM')].filter(([, v]) => v.resident_on === hostRef && v.power_state === 'Running' && !v.is_control_domain).map(([ref]) => ref);
}

const busiestHost = () => {
  const hosts = sim.db.refs('host');
  return hosts.reduce((a, b) => (vmsOn(b).length > vmsOn(a).length ? b : a));
};

beforeAll(async () => {
  // One certificate for every host, so the port's single pin covers them all (members trusted by their own
  // published certificates: connections/pool-trust.integration.test.ts).
  sim = await startTestSimulator({ seed: 3, timeScale: 0, startTime: 1_750_000_002_500, certificates: 'shared' });
  session = await rpc<string>('session.login_with_password', ['root', 'xendeck', '1.0', 'metrics-test']);
});

afterEach(async () => {
  for (const r of rigs.splice(0)) await r.service.dispose();
});

afterAll(async () => {
  await sim?.cleanup();
});

describe('sharing', () => {
  it('four charts of VMs on one host cost one request per archive per polling interval', async () => {
    const r = rig();
    const host = busiestHost();
    const vms = vmsOn(host).slice(0, 4);
    expect(vms.length).toBe(4);
    const before = { live: requests(host, 5), hours: requests(host, 60) };
    const live = [];
    const hours = [];
    for (const ref of vms) {
      live.push(await r.subscribe({ objectClass: 'VM', ref, range: 'live' }));
      hours.push(await r.subscribe({ objectClass: 'VM', ref, range: 'hours' }));
    }
    expect(requests(host, 5) - before.live).toBe(1);
    expect(requests(host, 60) - before.hours).toBe(1);
    for (const id of [...live, ...hours]) {
      const u = r.last(id)!;
      expect(u.state).toBe('ok');
      expect(u.hostRef).toBe(host);
      expect(u.series.find((s) => s.name === 'cpu0')!.values.some((v) => v !== null)).toBe(true);
    }
    const newest = r.last(live[0])!.times.at(-1)!;
    expect(r.last(live[0])!.times.length).toBeGreaterThanOrEqual(118);

    // A minute passes: twelve live polls, one hourly-archive poll, shared by the four charts of each range.
    await r.advance(60_000);
    expect(requests(host, 5) - before.live).toBe(13);
    expect(requests(host, 60) - before.hours).toBe(2);
    const after = r.last(live[3])!;
    expect(after.times.at(-1)).toBe(newest + 60);
    expect(after.step).toBe(5);
    // The window slides: as many rows as before, the oldest dropped.
    expect(after.times.length).toBeLessThanOrEqual(120);
  });

  it('a chart opened on a host whose data is fresh draws without a request of its own', async () => {
    const r = rig();
    const host = busiestHost();
    await r.subscribe({ objectClass: 'host', ref: host, range: 'live' });
    const count = requests(host, 5);
    const vm = await r.subscribe({ objectClass: 'VM', ref: vmsOn(host)[0], range: 'live' });
    expect(requests(host, 5)).toBe(count);
    expect(r.last(vm)!.series.some((s) => s.name === 'memory')).toBe(true);
  });
});

describe('pausing', () => {
  it('stops polling while no chart of the host is visible and catches up when one is shown again', async () => {
    const r = rig();
    const host = busiestHost();
    const ids = [];
    for (const ref of vmsOn(host).slice(0, 2)) ids.push(await r.subscribe({ objectClass: 'VM', ref, range: 'live' }));
    const count = requests(host, 5);
    r.service.setVisible(ids[0], false);
    await r.advance(5_000);
    expect(requests(host, 5)).toBe(count + 1); // one chart still looks
    r.service.setVisible(ids[1], false);
    await r.advance(30_000);
    expect(requests(host, 5)).toBe(count + 1);
    r.service.setVisible(ids[0], true);
    await r.service.settled();
    expect(requests(host, 5)).toBe(count + 2);
    expect(r.last(ids[0])!.times.at(-1)).toBe(Math.floor(sim.clock.now() / 5000) * 5);
  });
});

describe('VMs that stop, start and move', () => {
  it('says halted for a halted VM without asking any host, then shows data once it runs', async () => {
    const r = rig();
    const [vmRef] = [...sim.db.all('VM')].find(([, v]) => v.power_state === 'Halted' && !v.is_a_template && !v.is_a_snapshot)!;
    const total = () => (rrdRequestLogs.get(sim.pools[0].pool) ?? []).length;
    const count = total();
    const id = await r.subscribe({ objectClass: 'VM', ref: vmRef, range: 'live' });
    expect(r.last(id)).toMatchObject({ state: 'halted', times: [], series: [] });
    expect(total()).toBe(count);

    const started = rpc('VM.start', [session, vmRef, false, false]);
    let done = false;
    void started.finally(() => (done = true));
    while (!done) await sim.clock.advance(1000); // the boot takes simulated seconds
    await started;
    await r.advance(5_000);
    const u = r.last(id)!;
    expect(u.state).toBe('ok');
    expect(u.hostRef).toBe(sim.db.get('VM', vmRef).resident_on);
    const cpu = u.series.find((s) => s.name === 'cpu0')!.values;
    expect(cpu.at(-1)).not.toBeNull();
    expect(cpu[0]).toBeNull(); // halted ten minutes ago: a gap, not a zero
  });

  it("follows a VM's data to its new host after a migration", async () => {
    const r = rig();
    const from = busiestHost();
    const vmRef = vmsOn(from)[0];
    const id = await r.subscribe({ objectClass: 'VM', ref: vmRef, range: 'live' });
    expect(r.last(id)!.hostRef).toBe(from);
    const to = sim.db.refs('host').find((h) => h !== from && sim.pools[0].pool.host(h))!;
    const migrated = rpc('VM.pool_migrate', [session, vmRef, to, {}]);
    let done = false;
    void migrated.finally(() => (done = true));
    while (!done) await sim.clock.advance(1000); // the memory copy takes simulated seconds
    await migrated;
    await r.advance(5_000);
    const u = r.last(id)!;
    expect(u.hostRef).toBe(to);
    expect(u.state).toBe('ok');
    expect(u.series.find((s) => s.name === 'cpu0')!.values.every((v) => v !== null)).toBe(true);
  });
});

describe('host clock and step', () => {
  it("reads the host's clock again when a coarser archive answers, and serves the step asked for", async () => {
    const r = rig();
    const host = busiestHost();
    const id = await r.subscribe({ objectClass: 'host', ref: host, range: 'live' });
    expect(r.last(id)!.step).toBe(5);
    // The host's clock jumps three hours ahead (NTP caught up): our offset is now wrong.
    await sim.clock.advance(3 * 3600_000);
    const seen = (rrdRequestLogs.get(sim.pools[0].pool) ?? []).length;
    await r.advance(5_000);
    const starts = (rrdRequestLogs.get(sim.pools[0].pool) ?? []).slice(seen).map((x) => Number(new URLSearchParams(x.query).get('start')));
    // Asked from the old end, then a whole window by the stale clock (both too old: a coarser step came back),
    // then by the clock read again.
    expect(starts.length).toBe(3);
    expect(starts[2]).toBeGreaterThan(Math.floor(sim.clock.now() / 1000) - 600);
    const u = r.last(id)!;
    expect(u.step).toBe(5);
    expect(u.state).toBe('ok');
    expect(u.times.at(-1)).toBe(Math.floor(sim.clock.now() / 5000) * 5);
    expect(u.times.length).toBeGreaterThanOrEqual(118);
  });
});

describe('sessions', () => {
  it('renews the session through the connection when a host says SESSION_INVALID, and carries on', async () => {
    // What the connection manager does: one re-login on SESSION_INVALID, and endpoint() gives the new session.
    const renewing: MetricsConnectionPort = {
      async call(_id, method, params) {
        try {
          return await rpc(method, [session, ...params]);
        } catch (err) {
          if ((err as { code?: string }).code !== 'SESSION_INVALID') throw err;
          session = await rpc<string>('session.login_with_password', ['root', 'xendeck', '1.0', 'metrics-test']);
          return rpc(method, [session, ...params]);
        }
      },
      endpoint: port.endpoint,
    };
    const clock = new ManualClock();
    const updates: MetricsUpdate[] = [];
    const service = new MetricsService({ connections: renewing, clock, emit: (u) => updates.push(u) });
    try {
      const host = busiestHost();
      service.subscribe({ connectionId: CONN, objectClass: 'host', ref: host, range: 'live', visible: true });
      await service.settled();
      const before = session;
      sim.faults.invalidateSessions();
      await sim.clock.advance(5_000);
      clock.tick(5_000);
      await service.settled();
      expect(session).not.toBe(before);
      expect(updates.at(-1)!.state).toBe('ok');
      expect(updates.at(-1)!.times.at(-1)).toBe(Math.floor(sim.clock.now() / 5000) * 5);
    } finally {
      await service.dispose();
    }
  });
});

describe('limits', () => {
  it('keeps at most three requests in flight however many hosts and archives are charted', async () => {
    const real = new HostHttp();
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const observed = {
      get: async (...args: Parameters<HostHttp['get']>) => {
        calls++;
        most = Math.max(most, ++inFlight);
        try {
          return await real.get(...args);
        } finally {
          inFlight--;
        }
      },
      destroy: () => real.destroy(),
    } as unknown as HostHttp;
    const r = rig({ http: observed });
    sim.faults.delayResponses(30);
    try {
      for (const host of sim.db.refs('host')) {
        for (const range of ['live', 'hours', 'week', 'year'] as const) r.service.subscribe({ connectionId: CONN, objectClass: 'host', ref: host, range, visible: true });
      }
      await r.service.settled();
    } finally {
      sim.faults.delayResponses(0);
    }
    expect(calls).toBe(sim.db.refs('host').length * 4);
    expect(most).toBeLessThanOrEqual(3);
  });
});
