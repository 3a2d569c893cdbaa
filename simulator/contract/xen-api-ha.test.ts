/**
 * Contract: Xen Orchestra's client (xen-api) configures HA the way XenCenter's wizard does, over JSON-RPC
 * and XML-RPC: heartbeat SR check, priorities, the hypothetical failure capacity, failures to tolerate,
 * Async enable_ha; then it reads the plan in the pool record its event loop keeps up to date.
 */
import { describe, expect, it } from 'vitest';
import { eventually, objectsOfType, xenApiOnDemo, type Transport } from './harness';

const PROTECTED = ['db-primary', 'web-01', 'web-02', 'lb-01', 'mail'];

describe.each<Transport>(['json-rpc', 'xml-rpc'])('HA through xen-api over %s', (transport) => {
  const demo = xenApiOnDemo(transport);
  const vm = (name: string) => objectsOfType(demo.xapi, 'VM').find((v) => v.name_label === name)!;

  it('checks the heartbeat SR and computes the failure capacity for the planned priorities', async () => {
    const nfs = objectsOfType(demo.xapi, 'SR').find((s) => s.name_label === 'NFS VM storage')!;
    await demo.xapi.call('SR.assert_can_host_ha_statefile', nfs.$ref);
    const iso = objectsOfType(demo.xapi, 'SR').find((s) => s.name_label === 'ISO library')!;
    await expect(demo.xapi.call('SR.assert_can_host_ha_statefile', iso.$ref)).rejects.toMatchObject({ code: 'SR_OPERATION_NOT_SUPPORTED', params: [iso.$ref] });
    const planned = Object.fromEntries(PROTECTED.map((n) => [vm(n).$ref, 'restart']));
    expect(Number(await demo.xapi.call('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', planned))).toBe(1);
    delete planned[vm('db-primary').$ref];
    expect(Number(await demo.xapi.call('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', planned))).toBe(2);
  });

  it('sets priorities, order and failures to tolerate, enables HA as a task, and reads the plan from its cache', async () => {
    for (const n of PROTECTED) await demo.xapi.call('VM.set_ha_restart_priority', vm(n).$ref, 'restart');
    await demo.xapi.call('VM.set_ha_restart_priority', vm('db-replica').$ref, 'best-effort');
    await demo.xapi.call('VM.set_order', vm('db-primary').$ref, 0);
    await demo.xapi.call('VM.set_start_delay', vm('db-primary').$ref, 10);
    await demo.xapi.call('pool.set_ha_host_failures_to_tolerate', demo.xapi.pool.$ref, 1);
    const nfs = objectsOfType(demo.xapi, 'SR').find((s) => s.name_label === 'NFS VM storage')!;
    await demo.xapi.callAsync('pool.enable_ha', [nfs.$ref], {});
    await demo.xapi.barrier();

    const pool = demo.xapi.pool;
    expect(pool.ha_enabled).toBe(true);
    expect(Number(pool.ha_host_failures_to_tolerate)).toBe(1);
    expect(Number(pool.ha_plan_exists_for)).toBe(1);
    expect(pool.ha_overcommitted).toBe(false);
    const [statefile] = pool.ha_statefiles as string[];
    expect(demo.xapi.getObjectByRef(statefile)).toMatchObject({ type: 'ha_statefile', SR: nfs.$ref });
    for (const h of objectsOfType(demo.xapi, 'host')) expect(h.ha_statefiles).toEqual([statefile]);
    expect(vm('db-replica').ha_restart_priority).toBe('best-effort');
    expect(vm('db-primary')).toMatchObject({ ha_restart_priority: 'restart', ha_always_run: true });
    expect(Number(vm('db-primary').start_delay)).toBe(10);
    // What the pool records is what the planner says now.
    expect(Number(await demo.xapi.call('pool.ha_compute_max_host_failures_to_tolerate'))).toBe(Number(pool.ha_plan_exists_for));
    expect(await demo.xapi.call('pool.ha_failover_plan_exists', 1)).toBe(true);
    // Once the monitor has run, every host hears the other two.
    await eventually('network peers', () => objectsOfType(demo.xapi, 'host').every((h) => (h.ha_network_peers as string[]).length === 3));
  });

  it('gets a failover plan for a host, and HA errors with their parameters', async () => {
    const prod01 = objectsOfType(demo.xapi, 'host').find((h) => h.name_label === 'xcp-prod-01')!;
    const plan = await demo.xapi.call('pool.ha_compute_vm_failover_plan', [prod01.$ref], [vm('db-primary').$ref, vm('web-01').$ref]) as Record<string, Record<string, string>>;
    for (const n of ['db-primary', 'web-01']) expect(plan[vm(n).$ref].host).not.toBe(prod01.$ref);
    await expect(demo.xapi.call('host.disable', prod01.$ref)).rejects.toMatchObject({ code: 'HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN', params: [] });
    await expect(demo.xapi.call('pool.set_ha_host_failures_to_tolerate', demo.xapi.pool.$ref, -1)).rejects.toMatchObject({ code: 'INVALID_VALUE', params: ['ha_host_failures_to_tolerate', '-1'] });
    await expect(demo.xapi.callAsync('pool.enable_ha', [], {})).rejects.toMatchObject({ code: 'HA_IS_ENABLED' });
  });

  it('disables HA and the cache follows', async () => {
    await demo.xapi.callAsync('pool.disable_ha');
    await demo.xapi.barrier();
    expect(demo.xapi.pool.ha_enabled).toBe(false);
    expect(Number(demo.xapi.pool.ha_plan_exists_for)).toBe(0);
    await expect(demo.xapi.callAsync('pool.disable_ha')).rejects.toMatchObject({ code: 'HA_NOT_ENABLED' });
  });
});
