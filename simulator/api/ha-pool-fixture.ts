/**
 * Small pools for the HA planner's tests, shaped like xapi's own unit tests (test_ha_vm_failover.ml
 * setup): each host with a memory total, a local SR and network and a PIF and PBD on the shared ones; each
 * VM with one disk and one VIF, on shared (agile) or local storage and network, resident where it runs.
 * Records go into a real ObjectDb with the datamodel's defaults; no listener, no clock running.
 */
import { PoolSim, Simulator } from '../core';
import { SimClock } from '../clock';
import { SeededRandom } from '../random';
import { NULL_REF } from '../db/object-db';
import { vmMemoryOverhead } from './memory-model';

export const GiB = 1024 ** 3;

export interface FixtureVm {
  name: string;
  memory: number;
  priority?: '' | 'restart' | 'best-effort';
  alwaysRun?: boolean;
  running?: boolean;
  agile?: boolean;
  vcpus?: number;
  domainType?: 'hvm' | 'pv' | 'pv_in_pvh' | 'pvh';
}

export interface FixtureHost { name: string; memory: number; overhead?: number; vms: FixtureVm[] }

export interface FixturePool {
  pool: PoolSim;
  hosts: Map<string, string>;
  vms: Map<string, string>;
  /** Adds a VM that runs nowhere yet (xapi's load_vm without resident_on). */
  addVm(vm: FixtureVm, host?: string): string;
}

/** Builds the pool; `clusterHosts` > 0 adds a corosync cluster with that many hosts in it, as xapi's tests do. */
export function fixturePool(hosts: FixtureHost[], opts: { failuresToTolerate?: number; haEnabled?: boolean; clusterHosts?: number; seed?: number } = {}): FixturePool {
  const rng = new SeededRandom(opts.seed ?? 1);
  const sim = new Simulator(new SimClock({ rate: 0, start: 0 }), 'xendeck', rng);
  const pool = new PoolSim(sim, rng);
  sim.pools.push(pool);
  const db = pool.db;
  const ntol = opts.failuresToTolerate ?? 0;
  pool.ref = db.create('pool', {
    name_label: 'fixture', master: NULL_REF, ha_enabled: opts.haEnabled ?? true, ha_host_failures_to_tolerate: ntol, ha_plan_exists_for: ntol, other_config: {},
  });
  const sharedSr = db.create('SR', { name_label: 'shared', shared: true, type: 'nfs', content_type: 'user', physical_size: 1024 * GiB });
  const sharedNet = db.create('network', { name_label: 'shared', bridge: 'xenbr0' });
  const hostRefs = new Map<string, string>();
  const vmRefs = new Map<string, string>();
  const local = new Map<string, { sr: string; net: string }>();

  const addVm = (vm: FixtureVm, host?: string): string => {
    const where = local.get(host ?? [...local.keys()][0])!;
    const agile = vm.agile ?? true;
    const shape = { memory_static_max: vm.memory, VCPUs_max: vm.vcpus ?? 1, domain_type: vm.domainType ?? 'hvm', HVM_shadow_multiplier: 1 };
    const ref = db.create('VM', {
      ...shape, name_label: vm.name, memory_static_min: vm.memory, memory_dynamic_min: vm.memory, memory_dynamic_max: vm.memory, memory_target: vm.memory,
      VCPUs_at_startup: vm.vcpus ?? 1, memory_overhead: vmMemoryOverhead(shape), HVM_boot_policy: 'BIOS order',
      ha_always_run: vm.alwaysRun ?? true, ha_restart_priority: vm.priority ?? 'restart', power_state: (vm.running ?? true) ? 'Running' : 'Halted',
      resident_on: NULL_REF, affinity: NULL_REF, other_config: {}, blocked_operations: {}, current_operations: {},
    });
    const vdi = db.create('VDI', { name_label: `${vm.name} disk`, SR: agile ? sharedSr : where.sr, virtual_size: GiB, type: 'user' });
    db.create('VBD', { VM: ref, VDI: vdi, device: 'xvda', userdevice: '0', type: 'Disk', empty: false, mode: 'RW' });
    db.create('VIF', { VM: ref, network: agile ? sharedNet : where.net, device: '0', MAC: rng.mac() });
    vmRefs.set(vm.name, ref);
    return ref;
  };

  for (const h of hosts) {
    const metrics = db.create('host_metrics', { memory_total: h.memory, memory_free: h.memory, live: true });
    const ref = db.create('host', { name_label: h.name, hostname: h.name, enabled: true, metrics, memory_overhead: h.overhead ?? 0 });
    if (db.get('pool', pool.ref).master === NULL_REF) db.update('pool', pool.ref, { master: ref });
    hostRefs.set(h.name, ref);
    const sr = db.create('SR', { name_label: `${h.name} local`, shared: false, type: 'ext', content_type: 'user', physical_size: 1024 * GiB });
    const net = db.create('network', { name_label: `${h.name} local`, bridge: 'xapi0' });
    local.set(h.name, { sr, net });
    db.create('PBD', { host: ref, SR: sr, currently_attached: true, device_config: {} });
    db.create('PBD', { host: ref, SR: sharedSr, currently_attached: true, device_config: {} });
    db.create('PIF', { host: ref, network: net, device: 'eth1', physical: true, currently_attached: true, VLAN: -1 });
    db.create('PIF', { host: ref, network: sharedNet, device: 'eth0', physical: true, currently_attached: true, VLAN: -1 });
  }
  for (const h of hosts) {
    for (const vm of h.vms) {
      const ref = addVm(vm, h.name);
      if (vm.running ?? true) db.update('VM', ref, { resident_on: hostRefs.get(h.name)! });
    }
  }
  if (opts.clusterHosts) {
    const cluster = db.create('Cluster', { cluster_stack: 'corosync' });
    db.create('Cluster_host', { cluster, host: NULL_REF, enabled: true });
    [...hostRefs.values()].slice(0, opts.clusterHosts).forEach((host) => db.create('Cluster_host', { cluster, host, enabled: true }));
  }
  return { pool, hosts: hostRefs, vms: vmRefs, addVm };
}
