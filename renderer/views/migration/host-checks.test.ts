/**
 * The checks behind "Migrate to Server ▸" and the wizard's Destination page, against the demo pools over
 * real sockets: the reasons a user reads (current server, CPU vendor, not enough memory, a CD on a local
 * ISO library), and the trial storage migration that says a running AMD guest cannot go to Intel hosts
 * while a halted one can.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPools, type DemoPools } from '../../test/demo-pools';
import { canAllMigrateTo, canBootHere, canMigrateTo, checkPlans, compareVersions, cpuIncompatibility, placementReason } from './host-checks';
import { planFor, withDestination, type MigrationState } from './migration-model';
import type { MirrorState } from '../../store';

let demo: DemoPools;
beforeAll(async () => {
  demo = await startDemoPools();
});
afterAll(() => demo?.stop());

const state = (): MirrorState => ({ mirrors: demo.mirrors(), connections: [], connectionsLoaded: true, selection: { ids: [], anchor: undefined }, activeTabs: {} }) as unknown as MirrorState;
const vm = (pool: 'Production' | 'Lab', name: string) => demo.ref(pool, 'VM', name);
const host = (pool: 'Production' | 'Lab', name: string) => demo.ref(pool, 'host', name);

describe('Migrate to Server ▸, from the mirror', () => {
  it('says "Current server" for the host the VM runs on, and names the CPU vendors across Intel and AMD', () => {
    const s = state();
    const web = s.mirrors.Production!.objects.VM!.get(vm('Production', 'web-01'))!;
    expect(placementReason(s, 'Production', web, web.resident_on)).toBe('Current server');
    const sandbox = s.mirrors.Lab!.objects.VM!.get(vm('Lab', 'sandbox-01'))!;
    const intel = s.mirrors.Production!.objects.host!.get(host('Production', 'xcp-prod-01'))!;
    expect(cpuIncompatibility(sandbox, intel)).toBe('CPU incompatible: sandbox-01 is running on AMD CPUs, xcp-prod-01 has Intel CPUs.');
    const halted = s.mirrors.Lab!.objects.VM!.get(vm('Lab', 'k8s-lab-3'))!;
    expect(cpuIncompatibility(halted, intel)).toBeUndefined();
  });

  it('compares versions part by part', () => {
    expect(compareVersions('8.2.1', '8.3.0')).toBeLessThan(0);
    expect(compareVersions('3.4.0', '3.4')).toBe(0);
    expect(compareVersions('10.0', '9.9')).toBeGreaterThan(0);
  });
});

describe('the pool’s own verdicts', () => {
  it('gives "Not enough memory: … needed, … free" for db-primary onto the busiest Production host, and nothing for a roomy one', async () => {
    const mirror = demo.mirrors().Production;
    const refusal = await canBootHere(demo.bridge, mirror, 'Production', vm('Production', 'db-primary'), host('Production', 'xcp-prod-02'));
    expect(refusal).toMatchObject({ code: 'HOST_NOT_ENOUGH_FREE_MEMORY', reason: expect.stringMatching(/^Not enough memory: 3\d(\.\d)? GiB needed, \d+(\.\d)? GiB free\.$/) });
    expect(await canBootHere(demo.bridge, mirror, 'Production', vm('Production', 'db-primary'), host('Production', 'xcp-prod-03'))).toBeUndefined();
  });

  it('reads VM_REQUIRES_SR on an ISO library as "Please eject your CD", as XenCenter does', async () => {
    // A CD from an ISO library that only xcp-prod-01 has (its own disk), in web-01's drive.
    const db = demo.sim.pools.find((p) => p.name === 'Production')!.db;
    const here = host('Production', 'xcp-prod-01');
    const sr = db.create('SR', { name_label: 'Local ISOs', type: 'iso', content_type: 'iso', shared: false, physical_size: 10 * 2 ** 30 });
    db.create('PBD', { SR: sr, host: here, currently_attached: true, device_config: { location: '/opt/isos' } });
    const iso = db.create('VDI', { name_label: 'rescue.iso', SR: sr, virtual_size: 2 ** 30, read_only: true, type: 'user', managed: true });
    const web = vm('Production', 'web-01');
    const drive = (db.get('VM', web).VBDs as string[]).find((b) => db.get('VBD', b).type === 'CD')!;
    await demo.bridge.request('xapi.call', { connectionId: 'Production', method: 'VBD.insert', params: [drive, iso] });
    try {
      const refusal = await canBootHere(demo.bridge, demo.mirrors().Production, 'Production', web, host('Production', 'xcp-prod-02'));
      expect(refusal).toMatchObject({ reason: 'Please eject your CD', code: 'VM_REQUIRES_SR' });
    } finally {
      await demo.bridge.request('xapi.call', { connectionId: 'Production', method: 'VBD.eject', params: [drive] });
    }
  });
});

describe('the Destination page’s check (migrate_receive + assert_can_migrate)', () => {
  it('refuses the running sandbox-01 on an Intel host of Production with the CPU reason, and takes a halted Lab VM there', async () => {
    const mirrors = demo.mirrors();
    const target = { connectionId: 'Production', host: host('Production', 'xcp-prod-01') };
    const running = await canMigrateTo(demo.bridge, mirrors, 'migrate', 'Lab', vm('Lab', 'sandbox-01'), target);
    expect(running).toMatchObject({ code: 'VM_INCOMPATIBLE_WITH_THIS_HOST', reason: 'CPU incompatible: sandbox-01 is running on AMD CPUs, xcp-prod-01 has Intel CPUs.' });
    expect(await canMigrateTo(demo.bridge, mirrors, 'move', 'Lab', vm('Lab', 'k8s-lab-3'), target)).toBeUndefined();
  });

  it('within a pool, falls back to a plain live migration’s check: db-primary fits one host and not the other', async () => {
    const mirrors = demo.mirrors();
    const db = vm('Production', 'db-primary');
    const busy = await canMigrateTo(demo.bridge, mirrors, 'migrate', 'Production', db, { connectionId: 'Production', host: host('Production', 'xcp-prod-02') });
    expect(busy).toMatchObject({ code: 'HOST_NOT_ENOUGH_FREE_MEMORY' });
    expect(await canMigrateTo(demo.bridge, mirrors, 'migrate', 'Production', db, { connectionId: 'Production', host: host('Production', 'xcp-prod-03') })).toBeUndefined();
    const home = mirrors.Production!.objects.VM!.get(db)!.resident_on;
    expect(await canMigrateTo(demo.bridge, mirrors, 'migrate', 'Production', db, { connectionId: 'Production', host: home })).toEqual({ reason: 'Current server', current: true });
  });

  it('names the VM that cannot go when several move', async () => {
    const refusal = await canAllMigrateTo(demo.bridge, demo.mirrors(), 'migrate', 'Lab', [vm('Lab', 'k8s-lab-1'), vm('Lab', 'sandbox-01')], { connectionId: 'Production', host: host('Production', 'xcp-prod-03') });
    expect(refusal?.reason).toBe('CPU incompatible: k8s-lab-1 is running on AMD CPUs, xcp-prod-03 has Intel CPUs.');
  });

  it('checks the exact plan before the summary: a copy of a running VM across pools is refused', async () => {
    const mirrors = demo.mirrors();
    const s0: MigrationState = { mode: 'copy', source: 'Lab', vms: [vm('Lab', 'k8s-lab-2')], storage: {}, networks: {} };
    const s = { ...s0, ...withDestination(mirrors, s0, { connectionId: 'Production', host: host('Production', 'xcp-prod-02') }) };
    expect(await checkPlans(demo.bridge, mirrors, 'Lab', planFor(mirrors, s))).toMatchObject({ code: 'VM_BAD_POWER_STATE' });
    const halted: MigrationState = { ...s, vms: [vm('Lab', 'test-win10')] };
    const h = { ...halted, ...withDestination(mirrors, halted, halted.target!) };
    expect(await checkPlans(demo.bridge, mirrors, 'Lab', planFor(mirrors, h))).toBeUndefined();
  });
});
