/**
 * xapi's bin packer (ocaml/xapi/binpack.ml), generic over host and VM ids: biggest-fit-decreasing packing
 * of failed VMs onto surviving hosts, and the two "is a plan always possible for r failures" heuristics:
 * every ordered sequence of r host failures packed in turn (small pools), or one conservative worst case
 * (large pools). Orders matter for ties, so lists keep xapi's orders and its stable sorts.
 */

export type Sized<T> = [id: T, size: number];

export interface PlanConfig<H, V> {
  /** Live hosts and their free memory. */
  hosts: Sized<H>[];
  /** Protected (agile) VMs and the memory each needs. */
  vms: Sized<V>[];
  /** Where each VM runs now. */
  placement: [V, H][];
  /** Every host of the pool, dead or alive. */
  totalHosts: number;
  /** Host failures to plan for. */
  numFailures: number;
}

export interface Heuristic<H, V> {
  name: 'exhaustive' | 'approximate';
  planAlwaysPossible(config: PlanConfig<H, V>): boolean;
  specificPlan(config: PlanConfig<H, V>, failedVms: V[]): [V, H][];
}

/** Raised inside planning to stop at the first failure sequence without a plan. */
class NoPlan extends Error {}

const descending = <T>(list: Sized<T>[]) => [...list].sort((a, b) => b[1] - a[1]);

/** Puts `elt` before the first bin no bigger than it, keeping the bins biggest first. */
function insertBin<T>(elt: Sized<T>, bins: Sized<T>[]): Sized<T>[] {
  const i = bins.findIndex((b) => b[1] <= elt[1]);
  return i < 0 ? [...bins, elt] : [...bins.slice(0, i), elt, ...bins.slice(i)];
}

/**
 * Biggest things first, each into the bin with the most room left; a thing that does not fit the
 * biggest bin is left out. The mapping lists the last allocation first, as xapi builds it.
 */
export function biggestFitDecreasing<V, H>(things: Sized<V>[], bins: Sized<H>[]): [V, H][] {
  let free = descending(bins);
  const mapping: [V, H][] = [];
  for (const [id, size] of descending(things)) {
    if (!free.length) continue;
    const [binId, binSize] = free[0];
    const remaining = binSize - size;
    if (remaining < 0) continue;
    free = insertBin([binId, remaining], free.slice(1));
    mapping.unshift([id, binId]);
  }
  return mapping;
}

function sizeTable<V>(vms: Sized<V>[]): Map<V, number> {
  return new Map(vms);
}

function sizeOf<V>(table: Map<V, number>, vm: V): number {
  const size = table.get(vm);
  if (size === undefined) throw new Error('binpack: VM not found');
  return size;
}

/** The hosts' free memory after the VMs of `plan` start on them. */
export function account<H, V>(hosts: Sized<H>[], vms: Sized<V>[], plan: [V, H][]): Sized<H>[] {
  const sizes = sizeTable(vms);
  return hosts.map(([h, mem]) => [h, plan.reduce((left, [vm, to]) => (to === h ? left - sizeOf(sizes, vm) : left), mem)]);
}

export function applyPlan<H, V>(config: PlanConfig<H, V>, plan: [V, H][]): PlanConfig<H, V> {
  const planned = new Set(plan.map(([vm]) => vm));
  return { ...config, hosts: account(config.hosts, config.vms, plan), placement: [...plan, ...config.placement.filter(([vm]) => !planned.has(vm))] };
}

export function checkConfiguration<H, V>(config: PlanConfig<H, V>): void {
  const vms = new Set(config.vms.map(([v]) => v));
  const hosts = new Set(config.hosts.map(([h]) => h));
  for (const [vm, host] of config.placement) {
    if (!vms.has(vm)) throw new Error('binpack: VM not found');
    if (!hosts.has(host)) throw new Error('binpack: host not found');
  }
  if (config.numFailures > config.totalHosts) throw new Error('binpack: num_failures > total_hosts');
  if (config.numFailures < 0) throw new Error('binpack: num_failures < 0');
}

/** The failed VMs packed onto the (live) hosts of the configuration; VMs that fit nowhere are left out. */
export function packFailedVms<H, V>(config: PlanConfig<H, V>, failedVms: V[]): [V, H][] {
  const sizes = sizeTable(config.vms);
  return biggestFitDecreasing(failedVms.map((vm) => [vm, sizeOf(sizes, vm)] as Sized<V>), config.hosts);
}

/** No plan can exist with fewer live hosts than failures, or as many while there are VMs to protect. */
function triviallyNeverPossible<H, V>(config: PlanConfig<H, V>): boolean {
  return config.hosts.length < config.numFailures || (config.hosts.length === config.numFailures && config.vms.length > 0);
}

/** The pool after `dead` fails and its VMs restart where the packer puts them; NoPlan if some do not fit. */
export function simulateFailure<H, V>(config: PlanConfig<H, V>, dead: H): PlanConfig<H, V> {
  const failed = config.placement.filter(([, h]) => h === dead).map(([vm]) => vm);
  const survivors = { ...config, hosts: config.hosts.filter(([h]) => h !== dead) };
  const plan = packFailedVms(survivors, failed);
  if (plan.length !== failed.length) throw new NoPlan();
  const moved = new Map(plan);
  return {
    ...survivors,
    hosts: account(survivors.hosts, config.vms, plan),
    placement: config.placement.map(([vm, h]) => [vm, moved.get(vm) ?? h]),
    numFailures: config.numFailures - 1,
  };
}

function* combinations<T>(items: T[], n: number, from = 0): Generator<T[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= items.length - n; i++) for (const rest of combinations(items, n - 1, i + 1)) yield [items[i], ...rest];
}

function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++) {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [items[i], ...rest];
  }
}

/** Every combination of r host failures, happening in every order, leaves room for every failed VM. */
function everyFailureSequenceHasPlan<H, V>(config: PlanConfig<H, V>): boolean {
  try {
    if (triviallyNeverPossible(config)) return false;
    const hosts = config.hosts.map(([h]) => h);
    for (const combination of combinations(hosts, config.numFailures)) {
      for (const order of permutations(combination)) order.reduce(simulateFailure, config);
    }
    return true;
  } catch (err) {
    if (err instanceof NoPlan) return false;
    throw err;
  }
}

/**
 * The worst case with conservative assumptions: every VM as big as the biggest, the most loaded hosts'
 * VM counts failing, the biggest hosts failing. A plan here means a plan for any real failure.
 */
function worstCaseHasPlan<H, V>(config: PlanConfig<H, V>): boolean {
  if (triviallyNeverPossible(config)) return false;
  if (!config.vms.length) return true;
  const maxVm = config.vms.reduce((m, [, size]) => Math.max(m, size), 0);
  if (maxVm === 0) throw new Error('binpack: division by zero');
  const capacities = config.hosts.map(([, size]) => Math.trunc(size / maxVm)).sort((a, b) => b - a);
  const leftCapacity = capacities.slice(config.numFailures).reduce((a, b) => a + b, 0);
  const perHost = config.hosts.map(([h]) => config.placement.filter(([, p]) => p === h).length).sort((a, b) => b - a);
  const toMove = perHost.slice(0, config.numFailures).reduce((a, b) => a + b, 0);
  return toMove <= leftCapacity;
}

export const exhaustive = <H, V>(): Heuristic<H, V> => ({ name: 'exhaustive', planAlwaysPossible: everyFailureSequenceHasPlan, specificPlan: packFailedVms });
export const approximate = <H, V>(): Heuristic<H, V> => ({ name: 'approximate', planAlwaysPossible: worstCaseHasPlan, specificPlan: packFailedVms });

// xapi counts in OCaml int64 and gives up (Overflow) when a product or sum turns negative; a product that
// wraps round to a positive value goes on, so the arithmetic is reproduced exactly.
class Overflow extends Error {}
const wrap = (v: bigint) => BigInt.asIntN(64, v);
const checked = (v: bigint) => {
  const r = wrap(v);
  if (r < 0n) throw new Overflow();
  return r;
};

function binomial(n: number, r: number, memo = new Map<string, bigint>()): bigint {
  if (r === 0 || r === n) return 1n;
  const key = `${n},${r}`;
  const held = memo.get(key);
  if (held !== undefined) return held;
  const v = checked(binomial(n - 1, r - 1, memo) + binomial(n - 1, r, memo));
  memo.set(key, v);
  return v;
}

function factorial(x: number): bigint {
  return x === 0 ? 1n : checked(BigInt(x) * factorial(x - 1));
}

/** Every failure sequence for small pools (fewer than 3,500 ordered choices of failed hosts), the worst case otherwise. */
export function chooseHeuristic<H, V>(config: PlanConfig<H, V>): Heuristic<H, V> {
  const n = config.totalHosts;
  const r = config.numFailures;
  if (n > 32 || r < 0 || r > n) return approximate();
  try {
    return checked(binomial(n, r) * factorial(r)) < 3500n ? exhaustive() : approximate();
  } catch (err) {
    if (err instanceof Overflow) return approximate();
    throw err;
  }
}
