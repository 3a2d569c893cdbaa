/**
 * VM.assert_can_migrate: every check xapi's Xapi_vm_migrate.assert_can_migrate makes before anything moves,
 * in its order (the destination reached through the token, all disks mapped, versions, storage
 * capabilities, then per kind: intra-pool the boot checks on the receiving host; cross-pool copy only when
 * halted, host enabled, enough CPUs, every VIF mapped, and the destination's dry-run import: memory and CPU
 * vendor), with the simulator's placement checks for a VM that will run there (its SRs and networks
 * visible from the receiving host). VM.migrate_send runs the same checks first.
 */
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { bootProblem, hostSeesNetwork, pcpuProblem, srsVisibleFrom } from './boot-checks';
import { cpuIncompatibility } from './cpu-compatibility';
import { assertSrsSupportMigration } from './storage-capabilities';
import { resolveDestination, type MigrationDestination } from './migration-token';
import { hostFreeMemory, vmFootprint } from './vm-state';

export interface MigrationRequest {
  vm: string;
  dest: Record<string, string>;
  live: boolean;
  vdiMap: Record<string, string>;
  vifMap: Record<string, string>;
  options: Record<string, string>;
}

export interface MigrationCheck {
  vm: XRecord;
  destination: MigrationDestination;
  copy: boolean;
  force: boolean;
  /** Cross-pool: every VIF of the VM and of its snapshots, with its destination network. */
  vifMap: Map<string, string>;
}

/** xapi reads boolean options with OCaml's bool_of_string: exactly "true" or "false"; anything else counts as false. */
export function boolOption(options: Record<string, string>, key: string): boolean {
  return options[key] === 'true';
}

/** The VM's own disks (not CDs, not empty drives), each of which must be in vdi_map. */
export function diskVdis(db: PoolSim['db'], vmRef: string): string[] {
  const out: string[] = [];
  for (const vbdRef of db.get('VM', vmRef).VBDs as string[]) {
    const vbd = db.find('VBD', vbdRef);
    if (vbd && !vbd.empty && vbd.type !== 'CD' && vbd.VDI !== NULL_REF && db.has('VDI', String(vbd.VDI))) out.push(String(vbd.VDI));
  }
  return out;
}

function platformVersion(host: XRecord): number[] {
  const sv = (host.software_version ?? {}) as Record<string, string>;
  return String(sv.platform_version ?? sv.product_version ?? '0').split('.').map((n) => Number(n) || 0);
}

/** Helpers.Checks.Migration.host_versions_not_decreasing: a VM never moves to an older platform. */
function versionsNotDecreasing(from: XRecord, to: XRecord): boolean {
  const a = platformVersion(from);
  const b = platformVersion(to);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((b[i] ?? 0) !== (a[i] ?? 0)) return (b[i] ?? 0) > (a[i] ?? 0);
  }
  return true;
}

function sourceHost(call: CallContext, vm: XRecord): XRecord {
  const ref = vm.resident_on !== NULL_REF && call.db.has('host', String(vm.resident_on)) ? String(vm.resident_on) : call.pool.masterRef;
  return call.db.get('host', ref);
}

function assertStorageMotionSupported(call: CallContext, dest: MigrationDestination, vdiMap: Record<string, string>): void {
  for (const [vdi, sr] of Object.entries(vdiMap)) {
    const from = String(call.db.get('VDI', vdi).SR);
    dest.pool.db.get('SR', sr);
    if (dest.kind === 'intra' && from === sr) continue;
    assertSrsSupportMigration(call.db, from, dest.pool.db, sr);
  }
}

/** xapi's infer_vif_map: a VIF missing from the map takes the network of a mapped VIF with the same MAC, else VIF_NOT_IN_MAP. */
function inferVifMap(call: CallContext, vifs: string[], given: Record<string, string>, destPool: PoolSim): Map<string, string> {
  const byMac = new Map<string, string>();
  for (const [vif, net] of Object.entries(given)) {
    const rec = call.db.find('VIF', vif);
    if (rec) byMac.set(String(rec.MAC), net);
  }
  const out = new Map<string, string>();
  for (const vif of vifs) {
    const net = given[vif] ?? byMac.get(String(call.db.get('VIF', vif).MAC));
    if (net === undefined) throw new XapiError('VIF_NOT_IN_MAP', [vif]);
    destPool.db.get('network', net);
    out.set(vif, net);
  }
  return out;
}

/** The destination's dry-run import (Import.VM precheck): memory for a live VM, CPU vendor and features unless forced. */
function dryRunImport(call: CallContext, vm: XRecord, check: { force: boolean }, dest: MigrationDestination): void {
  const destHost = dest.pool.db.get('host', dest.host);
  if (vm.power_state === 'Running' || vm.power_state === 'Paused') {
    const needed = vmFootprint(vm);
    const available = hostFreeMemory(dest.pool, dest.host);
    if (needed > available) throw new XapiError('HOST_NOT_ENOUGH_FREE_MEMORY', [needed, available]);
  }
  if (check.force || vm.power_state === 'Halted') return;
  for (const rec of [vm, ...(vm.snapshots as string[]).map((s) => call.db.get('VM', s))]) {
    const reason = cpuIncompatibility(rec, destHost.cpu_info as Record<string, string>);
    // The imported VM has no ref in the destination yet: xapi names it OpaqueRef:NULL.
    if (reason) throw new XapiError('VM_INCOMPATIBLE_WITH_THIS_HOST', [NULL_REF, dest.host, reason]);
  }
}

/** Where a VM that keeps running must find its disks and networks: on the receiving host. */
function assertPlacementVisible(vmRef: string, dest: MigrationDestination, targetSrs: string[], networks: string[]): void {
  const visible = srsVisibleFrom(dest.pool, dest.host);
  const missingSr = targetSrs.find((sr) => !visible.has(sr));
  if (missingSr) throw new XapiError('VM_REQUIRES_SR', [vmRef, missingSr]);
  const missingNet = networks.find((n) => !hostSeesNetwork(dest.pool, dest.host, n));
  if (missingNet) throw new XapiError('VM_REQUIRES_NETWORK', [vmRef, missingNet]);
}

/** CD drives that stay loaded through the migration: mapped to the SR their ISO is on already. */
function keptCdSrs(call: CallContext, vm: XRecord, vdiMap: Record<string, string>): string[] {
  const out: string[] = [];
  for (const vbdRef of vm.VBDs as string[]) {
    const vbd = call.db.find('VBD', vbdRef);
    if (!vbd || vbd.type !== 'CD' || vbd.empty || !call.db.has('VDI', String(vbd.VDI))) continue;
    const sr = String(call.db.get('VDI', String(vbd.VDI)).SR);
    if (vdiMap[String(vbd.VDI)] === sr) out.push(sr);
  }
  return out;
}

export function assertCanMigrate(call: CallContext, req: MigrationRequest): MigrationCheck {
  const vm = call.db.get('VM', req.vm);
  const destination = resolveDestination(call, req.dest);
  const force = boolOption(req.options, 'force');
  const copy = boolOption(req.options, 'copy');
  for (const vdi of diskVdis(call.db, req.vm)) if (!(vdi in req.vdiMap)) throw new XapiError('VDI_NOT_IN_MAP', [vdi]);
  for (const vdi of Object.keys(req.vdiMap)) call.db.get('VDI', vdi);
  const from = sourceHost(call, vm);
  const to = destination.pool.db.get('host', destination.host);
  const live = vm.power_state === 'Running' || vm.power_state === 'Paused';
  let vifMap = new Map<string, string>();
  if (destination.kind === 'intra') {
    if (!versionsNotDecreasing(from, to)) throw new XapiError('NOT_SUPPORTED_DURING_UPGRADE');
    assertStorageMotionSupported(call, destination, req.vdiMap);
    const problem = bootProblem(call.pool, req.vm, destination.host, { srs: false, cpuid: !force, deadHost: 'HOST_NOT_LIVE' });
    if (problem) throw problem;
    if (Object.keys(req.vifMap).length) {
      throw new XapiError('OPERATION_NOT_ALLOWED', ['VIF mapping is not allowed for intra-pool migration -all VIFs must be on the same network']);
    }
    if (live) assertPlacementVisible(req.vm, destination, [...Object.values(req.vdiMap), ...keptCdSrs(call, vm, req.vdiMap)], []);
  } else {
    if (!versionsNotDecreasing(from, to)) throw new XapiError('VM_HOST_INCOMPATIBLE_VERSION_MIGRATE', [req.vm, destination.host]);
    assertStorageMotionSupported(call, destination, req.vdiMap);
    if (!force && copy && vm.power_state !== 'Halted') {
      throw new XapiError('VM_BAD_POWER_STATE', [req.vm, 'halted', String(vm.power_state).toLowerCase()]);
    }
    if (!to.enabled) throw new XapiError('HOST_DISABLED', [destination.host]);
    const pcpus = pcpuProblem(vm, (to.cpu_info ?? {}) as Record<string, string>);
    if (pcpus) throw pcpus;
    const vifs = [...(vm.VIFs as string[]), ...(vm.snapshots as string[]).flatMap((s) => call.db.get('VM', s).VIFs as string[])];
    vifMap = inferVifMap(call, vifs, req.vifMap, destination.pool);
    dryRunImport(call, vm, { force }, destination);
    if (live) assertPlacementVisible(req.vm, destination, Object.values(req.vdiMap), (vm.VIFs as string[]).map((v) => vifMap.get(v)!));
  }
  for (const [vdi, sr] of Object.entries(req.vdiMap)) {
    const rec = call.db.get('VDI', vdi);
    if ((destination.kind === 'cross' || rec.SR !== sr) && rec.cbt_enabled) throw new XapiError('VDI_CBT_ENABLED', [vdi]);
  }
  return { vm, destination, copy, force, vifMap };
}
