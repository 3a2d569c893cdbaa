/**
 * The HA planner against xapi: its memory figures for known VMs, the cases of xapi's own unit tests
 * (test_ha_vm_failover.ml, binpack_test.ml) with xapi's expected answers, and properties for random
 * pools: the maximum failure capacity equals a brute-force search over every set of failed hosts, and
 * the conservative heuristic of big pools never promises a plan that does not exist.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XapiError } from '../xapi-error';
import { hostFreeMemoryWithPolicy, vmMemoryOverhead, vmStartMemory } from './memory-model';
import { allProtectedVms, assertChangePreservesPlan, computeMaxHostFailuresToTolerate, planForNFailures, type VmEntry } from './ha-plan';
import { approximate, biggestFitDecreasing, exhaustive, type PlanConfig, type Sized } from './binpack';
import { fixturePool, GiB, type FixtureHost, type FixtureVm } from './ha-pool-fixture';

const MiB = 1024 ** 2;
const basic: FixtureVm = { name: 'vm', memory: GiB };

describe('xapi memory accounting', () => {
  it('gives a VM the overhead xapi records in VM.memory_overhead, per domain type', () => {
    // PV-in-PVH, 4 GiB, 2 vCPUs: 1 + 1 + shadow 34 + per-vCPU 1 + shim (23 + 4096/90) 68 MiB.
    expect(vmMemoryOverhead({ domain_type: 'pv_in_pvh', memory_static_max: 4 * GiB, VCPUs_max: 2, HVM_shadow_multiplier: 1 })).toBe(105 * MiB);
    // HVM, 8 GiB, 4 vCPUs: 1 + 1 + shadow 68 + per-vCPU 1 MiB.
    expect(vmMemoryOverhead({ domain_type: 'hvm', memory_static_max: 8 * GiB, VCPUs_max: 4, HVM_shadow_multiplier: 1 })).toBe(71 * MiB);
    // A database from before domain_type: derived from HVM_boot_policy, as xapi's upgrade does.
    expect(vmMemoryOverhead({ domain_type: 'unspecified', HVM_boot_policy: 'BIOS order', memory_static_max: 8 * GiB, VCPUs_max: 4, HVM_shadow_multiplier: 1 })).toBe(71 * MiB);
  });

  it('plans a Linux PV guest with the default shadow multiplier, though its recorded overhead uses its own', () => {
    const pv = { domain_type: 'pv', memory_static_max: GiB, memory_dynamic_min: GiB / 2, VCPUs_max: 1, HVM_shadow_multiplier: 2 };
    expect(vmMemoryOverhead(pv)).toBe((1 + 18 + 1) * MiB);
    expect(vmStartMemory(pv, 'static_max')).toBe((1024 + 1 + 9 + 1) * MiB);
    expect(vmStartMemory(pv, 'dynamic_min')).toBe((512 + 1 + 9 + 1) * MiB);
  });

  it('takes from a host its own overhead and, per resident VM, the policy figure plus the recorded overhead', () => {
    const { pool, hosts, vms } = fixturePool([{ name: 'h', memory: 16 * GiB, overhead: GiB, vms: [{ ...basic, memory: 4 * GiB }] }]);
    const overhead = Number(pool.db.get('VM', vms.get('vm')!).memory_overhead);
    expect(hostFreeMemoryWithPolicy(pool.db, hosts.get('h')!, 'static_max')).toBe(16 * GiB - GiB - 4 * GiB - overhead);
    pool.db.update('VM', vms.get('vm')!, { memory_dynamic_min: GiB });
    expect(hostFreeMemoryWithPolicy(pool.db, hosts.get('h')!, 'dynamic_min')).toBe(16 * GiB - GiB - GiB - overhead);
  });
});

describe("xapi's own planner cases give xapi's answers", () => {
  const single = (vms: FixtureVm[]): FixtureHost[] => [{ name: 'master', memory: 256 * GiB, vms }];

  it.each<[string, FixtureVm[], string[]]>([
    ['no VMs', [], []],
    ['one unprotected VM', [{ ...basic, alwaysRun: false, priority: '' }], []],
    ['a VM that would be protected if it ran', [{ ...basic, alwaysRun: false }], []],
    ['one protected VM', [basic], ['vm']],
    ['one protected, one not', [{ ...basic, name: 'vm1' }, { ...basic, name: 'vm2', alwaysRun: false, priority: '' }], ['vm1']],
  ])('protected VMs: %s', (_, vms, expected) => {
    const { pool } = fixturePool(single(vms));
    expect(allProtectedVms(pool.db).map(([, r]) => r.name_label).sort()).toEqual(expected);
  });

  const twoHosts = (masterVms: number[], slaveVms: number[]): FixtureHost[] => [
    { name: 'master', memory: 256 * GiB, vms: masterVms.map((m, i) => ({ ...basic, name: `m${i}`, memory: m * GiB })) },
    { name: 'slave', memory: 256 * GiB, vms: slaveVms.map((m, i) => ({ ...basic, name: `s${i}`, memory: m * GiB })) },
  ];

  it.each<[string, number[], number[], string]>([
    ['two hosts, no VMs', [], [], 'all'],
    ['one VM under half a host', [120], [], 'all'],
    ['two VMs filling one host', [120, 120], [], 'all'],
    ['overcommitted', [120, 120], [120, 120], 'none'],
  ])('plan for one failure: %s', (_, masterVms, slaveVms, expected) => {
    const { pool } = fixturePool(twoHosts(masterVms, slaveVms), { failuresToTolerate: 1 });
    expect(planForNFailures(pool, allProtectedVms(pool.db), 1)).toBe(expected);
  });

  it.each<[string, number[], number[], boolean]>([
    ['another VM fits', [120], [], true],
    ['no room for another VM', [120, 120], [], false],
    ['already overcommitted: cannot get worse', [120, 120], [120], true],
  ])('a new protected VM: %s', (_, masterVms, slaveVms, allowed) => {
    const { pool, addVm } = fixturePool(twoHosts(masterVms, slaveVms), { failuresToTolerate: 1 });
    const vm = addVm({ ...basic, name: 'new', memory: 120 * GiB, alwaysRun: false });
    const check = () => assertChangePreservesPlan(pool, { newVmsToProtect: [vm] });
    if (allowed) expect(check).not.toThrow();
    else expect(check).toThrow(new XapiError('HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN'));
  });

  it.each<[string, number, number, number]>([
    ['three clustered hosts', 3, 3, 1],
    ['two clustered hosts', 2, 2, 0],
    ['two hosts, one out of the cluster', 2, 1, 1],
  ])('failure capacity with a corosync cluster: %s', (_, hosts, clustered, expected) => {
    const { pool } = fixturePool(Array.from({ length: hosts }, (_, i) => ({ name: `h${i}`, memory: 256 * GiB, vms: [] })), { clusterHosts: clustered });
    expect(computeMaxHostFailuresToTolerate(pool)).toBe(expected);
  });

  it('finds no plan when more than half of eight hosts fail, each running a VM bigger than what the others have free', () => {
    const hosts: Sized<number>[] = Array.from({ length: 8 }, (_, i) => [i, 500]);
    const config: PlanConfig<number, number> = { hosts, vms: hosts.map(([i]) => [i, 400]), placement: hosts.map(([i]) => [i, i]), totalHosts: 8, numFailures: 5 };
    expect(approximate<number, number>().planAlwaysPossible(config)).toBe(false);
    expect(exhaustive<number, number>().planAlwaysPossible(config)).toBe(false);
  });
});

// ---- Properties over random pools ----

const vmArb = fc.record({
  memory: fc.integer({ min: 1, max: 40 }),
  host: fc.nat(5),
  running: fc.integer({ min: 0, max: 9 }).map((n) => n > 1),
  priority: fc.constantFrom<'' | 'restart' | 'best-effort'>('restart', 'restart', 'best-effort', ''),
  agile: fc.integer({ min: 0, max: 19 }).map((n) => n > 0),
  /** A protected VM HA could not restart yet stays Halted with ha_always_run set. */
  offline: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  domainType: fc.constantFrom<'hvm' | 'pv_in_pvh'>('hvm', 'pv_in_pvh'),
  vcpus: fc.integer({ min: 1, max: 8 }),
});
const poolArb = fc.record({
  hosts: fc.array(fc.integer({ min: 8, max: 64 }), { minLength: 1, maxLength: 6 }),
  vms: fc.array(vmArb, { maxLength: 10 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

type PoolSpec = typeof poolArb extends fc.Arbitrary<infer T> ? T : never;

function buildRandomPool(spec: PoolSpec) {
  const hosts: FixtureHost[] = spec.hosts.map((gib, i) => ({ name: `h${i}`, memory: gib * GiB, overhead: Math.round(gib * GiB * 0.005), vms: [] }));
  spec.vms.forEach((v, i) => {
    const host = hosts[v.host % hosts.length];
    const offline = v.offline && v.priority === 'restart';
    host.vms.push({
      name: `vm${i}`, memory: v.memory * GiB, priority: v.priority, agile: v.agile, domainType: v.domainType, vcpus: v.vcpus,
      running: v.running && !offline, alwaysRun: offline || (v.running && v.priority === 'restart'),
    });
  });
  return fixturePool(hosts, { seed: spec.seed });
}

/**
 * Brute force, independent of the planner's enumeration and bisection: protected VMs that are offline are
 * first packed onto the hosts; then for every set of N hosts, failing in every order, each failed host's
 * VMs must pack (biggest fit decreasing, xapi's rule for one failure) onto the hosts still up. The answer
 * is the largest N that always works (0 when none does, as xapi's bisection answers).
 */
function bruteForceMax(pool: ReturnType<typeof fixturePool>['pool'], protectedVms: VmEntry[]): number {
  const db = pool.db;
  const byUuid = (a: string, b: string) => (String(db.get('host', a).uuid) < String(db.get('host', b).uuid) ? -1 : 1);
  const hosts = db.refs('host').sort(byUuid);
  const free = new Map(hosts.map((h) => [h, hostFreeMemoryWithPolicy(db, h, 'static_max')]));
  const size = new Map(protectedVms.map(([ref, rec]) => [ref, vmStartMemory(rec, 'static_max')]));
  // Agility as xapi defines it for these pools: a VM on local storage or network is not agile.
  const agile = (rec: Record<string, unknown>) => (rec.VBDs as string[]).every((vbd) => db.get('SR', String(db.get('VDI', String(db.get('VBD', vbd).VDI)).SR)).shared === true);
  if (protectedVms.some(([, rec]) => !agile(rec))) return 0;
  const place = new Map<string, string>();
  const offline: Sized<string>[] = [];
  for (const [ref, rec] of [...protectedVms].sort((a, b) => (String(a[1].uuid) < String(b[1].uuid) ? -1 : 1))) {
    if (hosts.includes(String(rec.resident_on))) place.set(ref, String(rec.resident_on));
    else offline.push([ref, size.get(ref)!]);
  }
  const initial = biggestFitDecreasing(offline, hosts.map((h): Sized<string> => [h, free.get(h)!]));
  if (initial.length !== offline.length) return 0;
  for (const [vm, h] of initial) {
    place.set(vm, h);
    free.set(h, free.get(h)! - size.get(vm)!);
  }
  const survives = (up: string[], room: Map<string, number>, where: Map<string, string>, failing: string[]): boolean => {
    if (!failing.length) return true;
    return failing.every((dead) => {
      const rest = up.filter((h) => h !== dead);
      const failed = [...where].filter(([, h]) => h === dead).map(([vm]): Sized<string> => [vm, size.get(vm)!]);
      const plan = biggestFitDecreasing(failed, rest.map((h): Sized<string> => [h, room.get(h)!]));
      if (plan.length !== failed.length) return false;
      const room2 = new Map(room);
      const where2 = new Map(where);
      for (const [vm, h] of plan) {
        room2.set(h, room2.get(h)! - size.get(vm)!);
        where2.set(vm, h);
      }
      return survives(rest, room2, where2, failing.filter((h) => h !== dead));
    });
  };
  const subsets = (n: number, from = 0): string[][] => (n === 0 ? [[]] : hosts.slice(from).flatMap((h, i) => subsets(n - 1, from + i + 1).map((s) => [h, ...s])));
  const planExists = (n: number) => n <= hosts.length && !(n === hosts.length && protectedVms.length > 0) && subsets(n).every((s) => survives(hosts, free, place, s));
  let best = 0;
  for (let n = 0; n <= hosts.length; n++) if (planExists(n)) best = n;
  return best;
}

describe('the failure capacity of random pools', () => {
  it('equals a brute-force check of every set of failed hosts, for the pool\'s protected VMs', () => {
    fc.assert(fc.property(poolArb, (spec) => {
      const { pool } = buildRandomPool(spec);
      expect(computeMaxHostFailuresToTolerate(pool)).toBe(bruteForceMax(pool, allProtectedVms(pool.db)));
    }), { numRuns: 150 });
  });

  it('equals the brute force for a hypothetical set of priorities, halted VMs included, as the wizard asks', () => {
    fc.assert(fc.property(poolArb, fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), (spec, chosen) => {
      const { pool, vms } = buildRandomPool(spec);
      const planned: VmEntry[] = [...vms.values()].filter((_, i) => chosen[i]).map((ref) => [ref, pool.db.get('VM', ref)]);
      expect(computeMaxHostFailuresToTolerate(pool, { protectedVms: planned })).toBe(bruteForceMax(pool, planned));
    }), { numRuns: 150 });
  });

  it('never gets a plan from the conservative heuristic that an exhaustive search would refute', () => {
    const configArb = fc.record({
      hosts: fc.array(fc.integer({ min: 100, max: 1000 }), { minLength: 2, maxLength: 7 }),
      vms: fc.array(fc.record({ size: fc.integer({ min: 1, max: 400 }), host: fc.nat(6) }), { maxLength: 14 }),
      failures: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(fc.property(configArb, ({ hosts, vms, failures }) => {
      const config: PlanConfig<number, number> = {
        hosts: hosts.map((mem, i) => [i, mem]), vms: vms.map((v, i) => [i, v.size]), placement: vms.map((v, i) => [i, v.host % hosts.length]),
        totalHosts: hosts.length, numFailures: Math.min(failures, hosts.length),
      };
      if (approximate<number, number>().planAlwaysPossible(config)) expect(exhaustive<number, number>().planAlwaysPossible(config)).toBe(true);
    }), { numRuns: 300 });
  });
});
