/**
 * Contract: Xen Orchestra's own client (xen-api 4.7.6) talks to the simulator as to a real pool, over
 * JSON-RPC and XML-RPC: login, object sweep, events, async calls with tasks, barrier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Xapi } from 'xen-api';
import { eventually, objectsOfType, xenApiOnDemo, type TestSimulator, type Transport } from './harness';

describe.each<Transport>(['json-rpc', 'xml-rpc'])('xen-api over %s', (transport) => {
  const demo = xenApiOnDemo(transport);
  let sim: TestSimulator;
  let xapi: Xapi;
  beforeAll(() => {
    ({ sim, xapi } = demo);
  });

  it('connects to the master and caches the pool, its hosts and its VMs', () => {
    expect(xapi.status).toBe('connected');
    expect(xapi.pool.name_label).toBe('Production');
    const hosts = objectsOfType(xapi, 'host');
    expect(hosts.map((h) => h.name_label).sort()).toEqual(['xcp-prod-01', 'xcp-prod-02', 'xcp-prod-03']);
    const master = hosts.find((h) => h.$ref === xapi.pool.master);
    expect(master?.address).toBe(sim.pools[0].masterAddress);
    const guests = objectsOfType(xapi, 'VM').filter((v) => !v.is_a_template && !v.is_control_domain);
    expect(guests.length).toBeGreaterThanOrEqual(15);
    const web = guests.find((v) => v.name_label === 'web-01')!;
    expect(web.power_state).toBe('Running');
    const gm = xapi.getObjectByRef(String(web.guest_metrics))!;
    expect((gm.networks as Record<string, string>)['0/ip']).toBe('10.10.20.11');
    // int64 fields arrive as numbers over JSON-RPC and as strings over XML-RPC, as from a real host.
    expect(typeof web.memory_static_max).toBe(transport === 'json-rpc' ? 'number' : 'string');
    expect(Number(web.memory_static_max)).toBe(4 * 1024 ** 3);
  });

  it('starts a halted VM with callAsync and the cache shows it Running on a host', async () => {
    const vm = objectsOfType(xapi, 'VM').find((v) => v.name_label === 'backup-proxy')!;
    expect(vm.power_state).toBe('Halted');
    await xapi.callAsync('VM.start', vm.$ref, false, false);
    const after = xapi.getObjectByRef(vm.$ref)!;
    expect(after.power_state).toBe('Running');
    expect(objectsOfType(xapi, 'host').map((h) => h.$ref)).toContain(after.resident_on);
    expect(after.allowed_operations).toContain('clean_shutdown');
    await xapi.barrier();
  });

  it('rejects a second start with VM_BAD_POWER_STATE and keeps the error parameters', async () => {
    const vm = objectsOfType(xapi, 'VM').find((v) => v.name_label === 'web-02')!;
    await expect(xapi.callAsync('VM.start', vm.$ref, false, false)).rejects.toMatchObject({
      code: 'VM_BAD_POWER_STATE', params: [vm.$ref, 'halted', 'running'],
    });
  });

  it('barrier() resolves after a pool.other_config round trip through events', async () => {
    await xapi.call('pool.add_to_other_config', xapi.pool.$ref, 'xendeck-test', transport);
    await xapi.barrier();
    expect((xapi.pool.other_config as Record<string, string>)['xendeck-test']).toBe(transport);
    await expect(xapi.call('pool.add_to_other_config', xapi.pool.$ref, 'xendeck-test', 'again')).rejects.toMatchObject({
      code: 'MAP_DUPLICATE_KEY', params: ['pool', 'other_config', xapi.pool.$ref, 'xendeck-test'],
    });
  });

  it('reports the guest agent IP once a started VM has booted', async () => {
    const vm = objectsOfType(xapi, 'VM').find((v) => v.name_label === 'k8s-lab-3' || v.name_label === 'build-agent-02')!;
    await xapi.callAsync('VM.start', vm.$ref, false, false);
    const ip = await eventually('guest metrics', () => {
      const gm = xapi.getObjectByRef(String(xapi.getObjectByRef(vm.$ref)!.guest_metrics), null);
      return (gm?.networks as Record<string, string> | undefined)?.['0/ip'];
    });
    expect(ip).toBe('10.10.40.32');
  });
});
