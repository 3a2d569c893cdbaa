/**
 * The app's XAPI client through a master failure on a pool with HA, over real sockets: while the liveset
 * has not timed out the members still name the dead master (HOST_IS_SLAVE), so the client keeps looking;
 * once a member is elected it finds it by itself, and its mirror shows HA's work: the failed host, the
 * restarted VMs, the alerts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XapiClient } from '../../../shared/api-client/xapi-client';
import { labClient, settleMirror, startLab, untilState, type Lab } from './sim-harness';

let lab: Lab;
const open: XapiClient[] = [];
beforeAll(async () => { lab = await startLab({ scenario: 'demo', timeScale: 0 }); });
afterAll(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
  await lab?.stop();
});

const production = () => lab.sim.pools[0];
const hostNamed = (name: string) => production().pool.hosts.find((h) => h.name === name)!;

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('XapiClient when the master of an HA pool fails', () => {
  it('waits out the liveset timeout, follows the elected master, and mirrors the restarted VMs and HA alerts', async () => {
    const c = labClient(lab, { url: hostNamed('xcp-prod-01').url });
    open.push(c);
    await c.connect();
    const pool = [...c.objects.records('pool').keys()][0];
    const sr = [...c.objects.records('SR').entries()].find(([, r]) => r.name_label === 'NFS VM storage')![0];
    await c.call('pool.set_ha_host_failures_to_tolerate', pool, 1);
    const task = await c.call<string>('Async.pool.enable_ha', [sr], {});
    await lab.sim.clock.advance(20_000);
    expect(await c.call('task.get_status', task)).toBe('success');
    await until('HA on in the mirror', () => c.objects.get('pool', pool)?.ha_enabled === true);

    const states: string[] = [];
    c.onState((s) => states.push(s.state));
    await lab.sim.faults.killHost('xcp-prod-01');
    await untilState(c, 'reconnecting');
    // Inside the timeout no member may take over: the client keeps looking.
    await lab.sim.clock.advance(40_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.state.state).not.toBe('connected');

    await lab.sim.clock.advance(40_000);
    await untilState(c, 'connected');
    expect(new URL(c.masterUrl).hostname).toBe(new URL(hostNamed('xcp-prod-02').url).hostname);
    expect(states).not.toContain('disconnected');

    await lab.sim.clock.advance(30_000);
    const vm = (name: string) => [...c.objects.records('VM').values()].find((v) => v.name_label === name)!;
    const survivors = [hostNamed('xcp-prod-02').ref, hostNamed('xcp-prod-03').ref];
    await until('protected VMs restarted', () => ['db-primary', 'web-01'].every((n) => vm(n).power_state === 'Running' && survivors.includes(String(vm(n).resident_on))));
    expect(vm('vpn-gw').power_state).toBe('Halted');
    const names = [...c.objects.records('message').values()].map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['HA_HOST_FAILED', 'POOL_MASTER_TRANSITION']));
    const reference = labClient(lab, { url: c.masterUrl });
    open.push(reference);
    await reference.session.login();
    expect(await settleMirror(c, reference)).toEqual([]);
  });
});
