/**
 * Contract under faults: xen-api recovers from what a real pool does to it. Master death (HA promotes a
 * member; the old address stops answering), SESSION_INVALID (one re-login), EVENTS_LOST (full resync).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Xapi } from 'xen-api';
import { client, eventually, objectsOfType, startTestSimulator, type Transport } from './harness';

const quiet = console.warn;

describe.each<Transport>(['json-rpc', 'xml-rpc'])('xen-api over %s under faults', (transport) => {
  let sim: Awaited<ReturnType<typeof startTestSimulator>>;
  const clients: Xapi[] = [];
  const connect = async (url: string) => {
    const xapi = client(url, transport);
    clients.push(xapi);
    await xapi.connect();
    await xapi.objectsFetched;
    return xapi;
  };

  beforeEach(async () => {
    console.warn = () => undefined;
    sim = await startTestSimulator();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
    await sim.cleanup();
    console.warn = quiet;
  });

  it('follows HOST_IS_SLAVE to the new master after the old one dies', async () => {
    const [prod01, prod02, prod03] = sim.pools[0].pool.hosts;
    const first = await connect(prod01.url);
    const fetchErrors: unknown[] = [];
    first.on('eventFetchingError', (e) => fetchErrors.push(e));

    await sim.faults.killHost(prod01.uuid);
    // The old master's address stops answering: the connected client notices through its event loop.
    await eventually('event fetching error on the dead master', () => fetchErrors.length > 0);
    expect(sim.pools[0].masterAddress).toBe(prod02.address);

    // xen-api has no failover of its own: re-pointed at any surviving member (a remembered host address),
    // it gets HOST_IS_SLAVE [new master] and reconnects there.
    const second = await connect(prod03.url);
    const master = objectsOfType(second, 'host').find((h) => h.$ref === second.pool.master)!;
    expect(master.name_label).toBe('xcp-prod-02');
    expect(master.address).toBe(prod02.address);
    const deadMetrics = second.getObjectByRef(String(objectsOfType(second, 'host').find((h) => h.name_label === 'xcp-prod-01')!.metrics))!;
    expect(deadMetrics.live).toBe(false);
    // Guests that ran on the dead host are halted; the pool still works through the new master.
    const web1 = objectsOfType(second, 'VM').find((v) => v.name_label === 'web-01')!;
    expect(web1.power_state).toBe('Halted');
    await second.callAsync('VM.start', web1.$ref, false, false);
    expect(second.getObjectByRef(web1.$ref)!.resident_on).not.toBe(prod01.ref);

    // The old master comes back as a member: its address now answers logins with HOST_IS_SLAVE.
    await sim.faults.restartHost(prod01.uuid);
    const third = await connect(prod01.url);
    expect(third.pool.master).toBe(prod02.ref);
  });

  it('logs in again once after SESSION_INVALID and keeps receiving events', async () => {
    const xapi = await connect(sim.url);
    const firstSession = xapi.sessionId;
    sim.faults.invalidateSessions();
    const vms = (await xapi.call('VM.get_all')) as string[];
    expect(vms.length).toBeGreaterThan(15);
    expect(xapi.sessionId).not.toBe(firstSession);
    await xapi.barrier();
    const wiki = objectsOfType(xapi, 'VM').find((v) => v.name_label === 'wiki')!;
    await xapi.call('VM.set_name_description', wiki.$ref, 'back online');
    await eventually('renamed VM in the cache', () => xapi.getObjectByRef(wiki.$ref)!.name_description === 'back online');
  });

  it('resyncs everything after EVENTS_LOST and drops objects deleted meanwhile', async () => {
    const xapi = await connect(sim.url);
    let lost = 0;
    const api = sim.sim.api;
    const eventFrom = api.get('event.from')!;
    api.register('event.from', async (call, ...args: unknown[]) => {
      try {
        return await eventFrom(call, ...args);
      } catch (err) {
        if ((err as { code?: string }).code === 'EVENTS_LOST') lost++;
        throw err;
      }
    });
    const db = sim.db;
    const msgRef = objectsOfType(xapi, 'message')[0].$ref;
    const lab = objectsOfType(xapi, 'VM').find((v) => v.name_label === 'backup-proxy')!;
    sim.faults.expireEventTokens();
    db.destroy('message', msgRef);
    db.update('VM', lab.$ref, { name_label: 'backup-proxy-renamed' });
    await eventually('resync after EVENTS_LOST', () => xapi.getObjectByRef(lab.$ref)!.name_label === 'backup-proxy-renamed' && !xapi.getObjectByRef(msgRef, null));
    expect(lost).toBeGreaterThan(0);
  });
});
