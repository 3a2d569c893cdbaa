/**
 * A host failure as a client connected to the pool lives it, with HA on and without: nothing until the
 * liveset times out, then HA_HOST_FAILED, the dead host's VMs halted, protected VMs restarted on the
 * survivors in VM.order groups, best-effort ones after them, the plan recomputed; a new master when the
 * master died; the fenced host rejoining; HA_PROTECTED_VM_RESTART_FAILED when there is no room.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Xapi, XapiObject } from 'xen-api';
import { client, eventually, objectsOfType, startTestSimulator, type TestSimulator } from '../contract/harness';
import { login, rpc, rpcFailure } from '../contract/json-rpc-client';
import { HA_MONITOR_INTERVAL_MS } from './ha-failover';

type Rec = Record<string, unknown>;
const GiB = 1024 ** 3;
/** Heartbeat timeout (60 s by default) plus a monitor interval: by then the master has acted. */
const DETECTION_MS = 60_000 + HA_MONITOR_INTERVAL_MS;
const quiet = console.warn;

let sim: TestSimulator;
const clients: Xapi[] = [];

beforeEach(async () => {
  console.warn = () => undefined;
  sim = await startTestSimulator({ timeScale: 0 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  await sim.cleanup();
  console.warn = quiet;
});

function hostOf(name: string) {
  return sim.pools[0].pool.hosts.find((h) => h.name === name)!;
}

/** A JSON-RPC caller on a host that is alive (the test moves between them as hosts die). */
async function caller(name: string) {
  const url = hostOf(name).httpUrl;
  const session = await login(url);
  return <T = unknown>(method: string, ...args: unknown[]) => rpc(url, method, session, ...args) as Promise<T>;
}

async function connect(name: string): Promise<Xapi> {
  const xapi = client(hostOf(name).url, 'json-rpc');
  clients.push(xapi);
  await xapi.connect();
  await xapi.objectsFetched;
  return xapi;
}

const named = (xapi: Xapi, type: string, name: string) => objectsOfType(xapi, type).find((o) => o.name_label === name)!;
const fresh = (xapi: Xapi, o: XapiObject) => xapi.getObjectByRef(o.$ref)!;
const messagesNamed = (xapi: Xapi, name: string) => objectsOfType(xapi, 'message').filter((m) => m.name === name);

/** Configures HA as XenCenter's wizard does: priorities, failures to tolerate, enable_ha on the NFS SR. */
async function enableHa(call: Awaited<ReturnType<typeof caller>>, ntol = 1): Promise<void> {
  const vm = async (n: string) => (await call<string[]>('VM.get_by_name_label', n))[0];
  await call('VM.set_ha_restart_priority', await vm('db-replica'), 'best-effort');
  const pool = (await call<string[]>('pool.get_all'))[0];
  await call('pool.set_ha_host_failures_to_tolerate', pool, ntol);
  const nfs = (await call<string[]>('SR.get_by_name_label', 'NFS VM storage'))[0];
  const task = await call<string>('Async.pool.enable_ha', [nfs], {});
  await sim.clock.advance(20_000);
  expect((await call<Rec>('task.get_record', task)).status).toBe('success');
}

/** HA on (as the wizard leaves it) and xen-api connected to the master, xcp-prod-01. */
async function haPoolWithClient(): Promise<{ call: Awaited<ReturnType<typeof caller>>; xapi: Xapi }> {
  const call = await caller('xcp-prod-01');
  await enableHa(call);
  return { call, xapi: await connect('xcp-prod-01') };
}

async function vmStartTime(xapi: Xapi, name: string): Promise<number> {
  return Date.parse(String(fresh(xapi, xapi.getObjectByRef(String(named(xapi, 'VM', name).metrics))!).start_time).replace(/^(\d{4})(\d\d)(\d\d)T/, '$1-$2-$3T'));
}

describe('a member fails with HA on', () => {
  it('waits for the liveset timeout, then declares it failed, restarts its protected VMs in order and its best-effort VM, and recomputes the plan', async () => {
    const call = await caller('xcp-prod-01');
    const vm = async (n: string) => (await call<string[]>('VM.get_by_name_label', n))[0];
    // mail first, then lb-01: the groups go in VM.order.
    await call('VM.set_order', await vm('mail'), 0);
    await call('VM.set_order', await vm('lb-01'), 1);
    await call('VM.set_start_delay', await vm('mail'), 5);
    await call('VM.set_ha_restart_priority', await vm('monitoring'), 'best-effort');
    await enableHa(call);

    const xapi = await connect('xcp-prod-01');
    const prod03 = named(xapi, 'host', 'xcp-prod-03');
    await sim.faults.killHost('xcp-prod-03');
    // Inside the heartbeat timeout the pool does nothing: the VMs still show as running there.
    await sim.clock.advance(40_000);
    await xapi.barrier();
    expect(messagesNamed(xapi, 'HA_HOST_FAILED')).toEqual([]);
    expect(fresh(xapi, named(xapi, 'VM', 'mail'))).toMatchObject({ power_state: 'Running', resident_on: prod03.$ref });

    await sim.clock.advance(DETECTION_MS - 40_000);
    const [failed] = await eventually('HA_HOST_FAILED', () => messagesNamed(xapi, 'HA_HOST_FAILED').length > 0 && messagesNamed(xapi, 'HA_HOST_FAILED'));
    expect(failed).toMatchObject({ cls: 'Host', obj_uuid: prod03.uuid, body: "Server 'xcp-prod-03' has failed" });
    expect(Number(failed.priority)).toBe(3);
    await eventually('dead host', () => fresh(xapi, xapi.getObjectByRef(String(prod03.metrics))!).live === false);
    // Unprotected VMs of the dead host stay halted.
    for (const n of ['monitoring', 'win2022-files']) await eventually(`${n} halted`, () => fresh(xapi, named(xapi, 'VM', n)).power_state === 'Halted');

    await sim.clock.advance(30_000);
    await xapi.barrier();
    const survivors = [named(xapi, 'host', 'xcp-prod-01').$ref, named(xapi, 'host', 'xcp-prod-02').$ref];
    for (const n of ['mail', 'lb-01', 'monitoring']) {
      await eventually(`${n} restarted`, () => fresh(xapi, named(xapi, 'VM', n)).power_state === 'Running');
      expect(survivors).toContain(fresh(xapi, named(xapi, 'VM', n)).resident_on);
    }
    // lb-01's group started once mail's had finished, start delay included.
    expect(await vmStartTime(xapi, 'lb-01') - await vmStartTime(xapi, 'mail')).toBeGreaterThanOrEqual(4_000 + 5_000);
    // The best-effort VM after the protected ones; the unprotected one stays down.
    expect(await vmStartTime(xapi, 'monitoring')).toBeGreaterThan(await vmStartTime(xapi, 'lb-01'));
    expect(fresh(xapi, named(xapi, 'VM', 'win2022-files')).power_state).toBe('Halted');

    // Two hosts cannot absorb each other's protected VMs (db-primary alone needs 32 GiB): the plan drops to 0
    // failures, as the planner computes it, and the pool says so with xapi's alerts.
    const max = await call<number>('pool.ha_compute_hypothetical_max_host_failures_to_tolerate',
      Object.fromEntries(await Promise.all(['db-primary', 'web-01', 'web-02', 'lb-01', 'mail'].map(async (n) => [await vm(n), 'restart']))));
    expect(max).toBe(0);
    await xapi.barrier();
    expect(xapi.pool).toMatchObject({ ha_host_failures_to_tolerate: 1, ha_plan_exists_for: 0, ha_overcommitted: true });
    expect(messagesNamed(xapi, 'HA_POOL_DROP_IN_PLAN_EXISTS_FOR').map((m) => [m.body, Number(m.priority), m.cls])).toEqual([['0', 3, 'Pool']]);
    expect(messagesNamed(xapi, 'HA_POOL_OVERCOMMITTED')).toHaveLength(1);
    // Heartbeats: the survivors see each other only; the dead host has no statefile access.
    expect(fresh(xapi, prod03).ha_statefiles).toEqual([]);
    expect(fresh(xapi, named(xapi, 'host', 'xcp-prod-01')).ha_network_peers).toHaveLength(2);
  });

  it('lets the fenced host rejoin when it boots: HA_HOST_WAS_FENCED, live again, peers and plan restored', async () => {
    const { xapi } = await haPoolWithClient();
    await sim.faults.killHost('xcp-prod-02');
    await sim.clock.advance(DETECTION_MS + 20_000);
    const prod02 = named(xapi, 'host', 'xcp-prod-02');
    await eventually('dead', () => fresh(xapi, xapi.getObjectByRef(String(prod02.metrics))!).live === false);

    await sim.faults.restartHost('xcp-prod-02');
    const [fenced] = await eventually('HA_HOST_WAS_FENCED', () => messagesNamed(xapi, 'HA_HOST_WAS_FENCED').length > 0 && messagesNamed(xapi, 'HA_HOST_WAS_FENCED'));
    expect(fenced).toMatchObject({ cls: 'Host', obj_uuid: prod02.uuid, body: '' });
    expect(Number(fenced.priority)).toBe(4);
    await sim.clock.advance(HA_MONITOR_INTERVAL_MS);
    await eventually('live again', () => fresh(xapi, xapi.getObjectByRef(String(prod02.metrics))!).live === true);
    await eventually('peers', () => (fresh(xapi, prod02).ha_network_peers as string[]).length === 3);
    expect(fresh(xapi, prod02).ha_statefiles).toEqual(xapi.pool.ha_statefiles);
    await eventually('plan restored', () => xapi.pool.ha_plan_exists_for === 1 && xapi.pool.ha_overcommitted === false);
    // Its old guests are not started again on it behind the user's back: only HA's restarts happened.
    expect(fresh(xapi, named(xapi, 'VM', 'build-agent-01')).power_state).toBe('Halted');
  });

  it('restarts the protected VMs of a host that reboots before the liveset timeout, without declaring it failed', async () => {
    const { xapi } = await haPoolWithClient();
    await sim.faults.killHost('xcp-prod-03');
    await sim.clock.advance(20_000);
    await sim.faults.restartHost('xcp-prod-03');
    await eventually('HA_HOST_WAS_FENCED', () => messagesNamed(xapi, 'HA_HOST_WAS_FENCED').length > 0);
    // Its guests died with it: halted at once, the protected ones started again by the next monitor pass.
    await eventually('monitoring halted', () => fresh(xapi, named(xapi, 'VM', 'monitoring')).power_state === 'Halted');
    await sim.clock.advance(HA_MONITOR_INTERVAL_MS + 20_000);
    for (const n of ['lb-01', 'mail']) await eventually(`${n} running`, () => fresh(xapi, named(xapi, 'VM', n)).power_state === 'Running');
    await xapi.barrier();
    expect(messagesNamed(xapi, 'HA_HOST_FAILED')).toEqual([]);
    expect(fresh(xapi, named(xapi, 'VM', 'monitoring')).power_state).toBe('Halted');
  });

  it('posts HA_PROTECTED_VM_RESTART_FAILED once when no survivor has room, and tries again no sooner than 120 s later', async () => {
    const call = await caller('xcp-prod-01');
    const vm = async (n: string) => (await call<string[]>('VM.get_by_name_label', n))[0];
    await enableHa(call);
    // The administrator allows overcommitting and fills xcp-prod-03: neither survivor has room for db-primary (32 GiB).
    const pool = (await call<string[]>('pool.get_all'))[0];
    await call('pool.set_ha_allow_overcommit', pool, true);
    const filler = await vm('win11-helpdesk');
    await call('VM.set_memory_limits', filler, GiB, 30 * GiB, 30 * GiB, 30 * GiB);
    const t = await call<string>('Async.VM.start_on', filler, hostOf('xcp-prod-03').ref, false, false);
    await sim.clock.advance(10_000);
    expect((await call<Rec>('task.get_record', t)).status).toBe('success');
    await sim.faults.killHost('xcp-prod-01');
    await sim.clock.advance(DETECTION_MS + 30_000);
    // The master died: the client reaches the new one through a member.
    const xapi = await connect('xcp-prod-03');
    const db = named(xapi, 'VM', 'db-primary');
    const [restartFailed] = await eventually('restart failed', () => messagesNamed(xapi, 'HA_PROTECTED_VM_RESTART_FAILED').length > 0 && messagesNamed(xapi, 'HA_PROTECTED_VM_RESTART_FAILED'));
    expect(restartFailed).toMatchObject({ cls: 'VM', obj_uuid: db.uuid, body: '' });
    expect(Number(restartFailed.priority)).toBe(2);
    expect(fresh(xapi, db).power_state).toBe('Halted');
    // web-01 is small enough to fit.
    await eventually('web-01 restarted', () => fresh(xapi, named(xapi, 'VM', 'web-01')).power_state === 'Running');
    // Later attempts fail too, without another alert.
    await sim.clock.advance(200_000);
    await xapi.barrier();
    expect(messagesNamed(xapi, 'HA_PROTECTED_VM_RESTART_FAILED')).toHaveLength(1);
    // Room appears: the next attempt succeeds.
    const call2 = await caller('xcp-prod-02');
    const stop = await call2<string>('Async.VM.hard_shutdown', filler);
    await sim.clock.advance(200_000);
    expect((await call2<Rec>('task.get_record', stop)).status).toBe('success');
    await eventually('db-primary restarted', () => fresh(xapi, db).power_state === 'Running');
  });
});

describe('the master fails with HA on', () => {
  it('keeps members answering HOST_IS_SLAVE for the dead master until the timeout, then a member takes over and restarts its VMs', async () => {
    const call = await caller('xcp-prod-01');
    await enableHa(call);
    const prod01 = hostOf('xcp-prod-01');
    await sim.faults.killHost('xcp-prod-01');
    await sim.clock.advance(30_000);
    const inWindow = await rpcFailure(login(hostOf('xcp-prod-03').httpUrl));
    expect(inWindow).toMatchObject({ code: 'HOST_IS_SLAVE', params: [prod01.address] });

    await sim.clock.advance(DETECTION_MS);
    const prod02 = hostOf('xcp-prod-02');
    expect(sim.pools[0].masterAddress).toBe(prod02.address);
    expect(await rpcFailure(login(hostOf('xcp-prod-03').httpUrl))).toMatchObject({ code: 'HOST_IS_SLAVE', params: [prod02.address] });
    // xen-api, pointed at a remembered member, follows HOST_IS_SLAVE to the new master.
    const xapi = await connect('xcp-prod-03');
    expect(named(xapi, 'host', 'xcp-prod-02').$ref).toBe(xapi.pool.master);
    expect(messagesNamed(xapi, 'POOL_MASTER_TRANSITION').map((m) => m.obj_uuid)).toContain(prod02.uuid);
    expect(messagesNamed(xapi, 'HA_HOST_FAILED').map((m) => m.obj_uuid)).toEqual([prod01.uuid]);
    await sim.clock.advance(30_000);
    await xapi.barrier();
    for (const n of ['db-primary', 'web-01']) await eventually(`${n} restarted`, () => fresh(xapi, named(xapi, 'VM', n)).power_state === 'Running');
    // web-01 (order 1) waited for db-primary (order 0).
    expect(await vmStartTime(xapi, 'web-01')).toBeGreaterThan(await vmStartTime(xapi, 'db-primary'));

    // The old master boots as a member of the new one.
    await sim.faults.restartHost('xcp-prod-01');
    expect(await rpcFailure(login(prod01.httpUrl))).toMatchObject({ code: 'HOST_IS_SLAVE', params: [prod02.address] });
  });
});

describe('a host fails without HA', () => {
  it('treats a host that died just before HA was disabled as a pool without HA would', async () => {
    const { call, xapi } = await haPoolWithClient();
    await sim.faults.killHost('xcp-prod-03');
    await sim.clock.advance(10_000);
    const task = await call<string>('Async.pool.disable_ha');
    await sim.clock.advance(10_000);
    expect((await call<Rec>('task.get_record', task)).status).toBe('success');
    const prod03 = named(xapi, 'host', 'xcp-prod-03');
    await eventually('dead', () => fresh(xapi, xapi.getObjectByRef(String(prod03.metrics))!).live === false);
    for (const n of ['lb-01', 'mail']) await eventually(`${n} halted`, () => fresh(xapi, named(xapi, 'VM', n)).power_state === 'Halted');
    await sim.clock.advance(DETECTION_MS * 2);
    await xapi.barrier();
    expect(messagesNamed(xapi, 'HA_HOST_FAILED')).toEqual([]);
    expect(fresh(xapi, named(xapi, 'VM', 'mail')).power_state).toBe('Halted');
  });

  it('halts its VMs at once and restarts nothing, even much later; no HA alert', async () => {
    const xapi = await connect('xcp-prod-01');
    const prod03 = named(xapi, 'host', 'xcp-prod-03');
    await sim.faults.killHost('xcp-prod-03');
    await eventually('offline', () => messagesNamed(xapi, 'HOST_OFFLINE').length > 0);
    for (const n of ['lb-01', 'mail', 'monitoring']) await eventually(`${n} halted`, () => fresh(xapi, named(xapi, 'VM', n)).power_state === 'Halted');
    expect(fresh(xapi, xapi.getObjectByRef(String(prod03.metrics))!).live).toBe(false);
    await sim.clock.advance(10 * 60_000);
    await xapi.barrier();
    for (const n of ['lb-01', 'mail']) expect(fresh(xapi, named(xapi, 'VM', n)).power_state).toBe('Halted');
    expect(objectsOfType(xapi, 'message').filter((m) => String(m.name).startsWith('HA_'))).toEqual([]);
    expect(xapi.pool).toMatchObject({ ha_enabled: false, ha_plan_exists_for: 0 });
  });
});
