/**
 * Can these VMs go to that server? The checks XenCenter runs before offering a host, in its order:
 *
 * - "Migrate to Server ▸" (VMOperationHostCommand.VmCanBootOnHost): the current server, an older server,
 *   the CPU vendor of a running VM against the host's, then `VM.assert_can_boot_here` (VM_REQUIRES_SR on
 *   an ISO library reads "Please eject your CD");
 * - the wizard's Destination page (CrossPoolMigrateFilter): `host.migrate_receive` on the destination and
 *   `VM.assert_can_migrate` on the source with a trial disk map (each disk to another SR that can take part
 *   in storage migration, so the server checks both SRs), and within the pool, when that fails, a plain live
 *   migration's boot check.
 *
 * Everything here only reads (assert_* and migrate_receive, whose session main keeps: see
 * electron/backend/connections/migration-tokens.ts). A refusal keeps XAPI's code for the wizard to show.
 */
import type { RequestArgs } from '../../../shared/bridge';
import type { HostRecord, VMRecord } from '../../../shared/xapi/generated/records';
import { describeError } from '../../errors';
import { isNullRef, type ConnectionMirror, type MirrorState } from '../../store';
import { hostIsLive } from '../../actions/disabled-reasons';
import { candidateSrs, migrationDisks } from './storage-choices';
import { defaultNetwork, managementNetwork, migrationVifs, targetNetworks } from './network-choices';
import type { Destination, MigrationMode, Mirrors, VmPlan } from './migration-model';

type Mirror = Pick<ConnectionMirror, 'objects'>;

export interface Refusal {
  reason: string;
  advice?: string;
  code?: string;
  /** Not a failure: the VM is already there (XenCenter greys "Current server" like any host it cannot pick). */
  current?: boolean;
}

export const refusalOf = (err: unknown): Refusal => {
  const d = describeError(err);
  return { reason: d.title, advice: d.advice || undefined, code: d.code };
};

const VENDOR_WORDS: Record<string, string> = { GenuineIntel: 'Intel', AuthenticAMD: 'AMD' };
const vendorWords = (v: string) => VENDOR_WORDS[v] ?? v;

/** "8.2.1" before "8.3.0"; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  // The usual case (hosts of one pool run one version), asked for every VM and host of a menu: no parsing.
  if (a === b) return 0;
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** XenCenter's Helpers.HostPlatformVersion: platform_version on newer hosts, product_version before. */
const platformVersion = (h: HostRecord | undefined) => h?.software_version?.platform_version || h?.software_version?.product_version || '';

/** The VM's server now: where it runs, else its pool's master. */
function homeHost(source: Mirror, vm: VMRecord): HostRecord | undefined {
  if (!isNullRef(vm.resident_on)) return source.objects.host?.get(vm.resident_on);
  const pool = source.objects.pool?.values().next().value;
  return pool ? source.objects.host?.get(pool.master) : undefined;
}

/** XenCenter's "Older than current server": the destination's platform is older than the VM's server's. */
export function olderThanCurrent(source: Mirror, vm: VMRecord, host: HostRecord): boolean {
  const here = platformVersion(homeHost(source, vm));
  const there = platformVersion(host);
  return Boolean(here && there) && compareVersions(there, here) < 0;
}

/**
 * A running, paused or suspended VM carries its CPU's features: it can only go to a host with a CPU of the
 * same vendor (XenCenter's VmCpuIncompatibleWithHost; xapi's VM_INCOMPATIBLE_WITH_THIS_HOST).
 */
export function cpuIncompatibility(vm: VMRecord, host: HostRecord): string | undefined {
  if (vm.power_state === 'Halted') return undefined;
  const mine = vm.last_boot_CPU_flags?.vendor;
  const theirs = host.cpu_info?.vendor;
  if (!mine || !theirs || mine === theirs) return undefined;
  return `CPU incompatible: ${vm.name_label} is ${vm.power_state === 'Suspended' ? 'suspended' : 'running'} on ${vendorWords(mine)} CPUs, ${host.name_label} has ${vendorWords(theirs)} CPUs.`;
}

/** What can be told from the mirror alone about a VM going to `hostRef` of its own pool ("Migrate to Server ▸"). */
export function placementReason(state: MirrorState, connectionId: string, vm: VMRecord, hostRef: string): string | undefined {
  const mirror = state.mirrors[connectionId];
  const host = mirror?.objects.host?.get(hostRef);
  if (!mirror || !host) return 'This server is no longer in the pool.';
  if (!hostIsLive(host, state, connectionId)) return `${host.name_label} is not reachable.`;
  if (vm.power_state === 'Running' && vm.resident_on === hostRef) return 'Current server';
  if (!host.enabled) return `${host.name_label} is in maintenance mode.`;
  if (olderThanCurrent(mirror, vm, host)) return 'Older than current server';
  return cpuIncompatibility(vm, host);
}

/** Enough of the bridge for read-only XAPI calls (the Bridge itself, or a test's direct caller). */
export interface XapiCaller {
  request(name: 'xapi.call', args: RequestArgs<'xapi.call'>): Promise<unknown>;
}
type Caller = XapiCaller;
const call = (bridge: Caller, connectionId: string, method: string, params: unknown[]) => bridge.request('xapi.call', { connectionId, method, params });

/**
 * `VM.assert_can_boot_here`, in XenCenter's words: a VM_REQUIRES_SR on an ISO library is a CD in the
 * drive that the other server cannot reach.
 */
export async function canBootHere(bridge: Caller, mirror: Mirror, connectionId: string, vm: string, host: string): Promise<Refusal | undefined> {
  try {
    await call(bridge, connectionId, 'VM.assert_can_boot_here', [vm, host]);
    return undefined;
  } catch (err) {
    const e = err as { code?: string; params?: string[] };
    const sr = e.code === 'VM_REQUIRES_SR' && e.params?.[1] ? mirror.objects.SR?.get(e.params[1]) : undefined;
    if (sr && (sr.content_type === 'iso' || sr.type === 'iso')) return { reason: 'Please eject your CD', advice: `The CD in the drive is on ${sr.name_label}, which that server cannot reach.`, code: e.code };
    return refusalOf(err);
  }
}

/**
 * The Destination page's check of one VM against one host, as XenCenter's CrossPoolMigrateFilter does it
 * (a trial storage migration, then within the pool a plain live migration's boot check).
 */
export async function canMigrateTo(bridge: Caller, mirrors: Mirrors, mode: MigrationMode, source: string, vmRef: string, target: Destination, signal?: AbortSignal): Promise<Refusal | undefined> {
  const src = mirrors[source];
  const dest = mirrors[target.connectionId];
  const vm = src?.objects.VM?.get(vmRef);
  const host = dest?.objects.host?.get(target.host);
  if (!src || !dest || !vm || !host) return { reason: 'This server or VM is no longer available.' };
  const intra = source === target.connectionId;
  if (intra && !isNullRef(vm.resident_on) && vm.resident_on === target.host) return { reason: 'Current server', current: true };
  if (olderThanCurrent(src, vm, host)) return { reason: 'Older than current server' };
  // A halted VM moving within its pool is an offline copy of its disks: nothing to ask the server (CA-220218).
  if (mode === 'move' && intra) return undefined;
  // The server would answer VM_INCOMPATIBLE_WITH_THIS_HOST; the vendors in words say more.
  const cpu = cpuIncompatibility(vm, host);
  if (cpu) return { reason: cpu, advice: 'Shut the VM down and move it halted, or choose a server with the same CPU vendor.', code: 'VM_INCOMPATIBLE_WITH_THIS_HOST' };
  const storage = await trialStorageMigration(bridge, src, dest, mode, source, vmRef, target);
  if (!storage || signal?.aborted) return undefined;
  // Within the pool a live migration without moving disks may still be possible.
  if (mode === 'migrate' && intra) return canBootHere(bridge, src, source, vmRef, target.host);
  return storage;
}

async function trialStorageMigration(bridge: Caller, src: Mirror, dest: Mirror, mode: MigrationMode, source: string, vmRef: string, target: Destination): Promise<Refusal | undefined> {
  const network = managementNetwork(dest, target.host);
  if (!network) return { reason: 'The destination server has no management interface.' };
  const intra = source === target.connectionId;
  const srs = candidateSrs(dest, target.host, false);
  const vdiMap: Record<string, string> = {};
  for (const d of migrationDisks(src, vmRef)) {
    // Another SR than the disk's own, so the server checks that both can take part (XenCenter, CA-220218).
    const sr = srs.find((c) => c.ref !== d.record.SR);
    if (sr) vdiMap[d.vdi] = sr.ref;
  }
  const vifMap: Record<string, string> = {};
  if (!intra) {
    const networks = targetNetworks(dest, target.host);
    for (const v of migrationVifs(src, vmRef)) {
      const n = defaultNetwork(src, v.record, networks);
      if (n) vifMap[v.vif] = n;
    }
  }
  try {
    const token = await call(bridge, target.connectionId, 'host.migrate_receive', [target.host, network, {}]);
    await call(bridge, source, 'VM.assert_can_migrate', [vmRef, token, true, vdiMap, vifMap, mode === 'copy' ? { copy: 'true' } : {}]);
    return undefined;
  } catch (err) {
    return refusalOf(err);
  }
}

/** Names the VM in a refusal when several VMs move. */
export function forVm(refusal: Refusal | undefined, vmName: string, several: boolean): Refusal | undefined {
  return refusal && several && !refusal.reason.includes(vmName) ? { ...refusal, reason: `${vmName}: ${refusal.reason}` } : refusal;
}

/** Every VM against one host: the first refusal. */
export async function canAllMigrateTo(bridge: Caller, mirrors: Mirrors, mode: MigrationMode, source: string, vms: readonly string[], target: Destination, signal?: AbortSignal): Promise<Refusal | undefined> {
  for (const vm of vms) {
    if (signal?.aborted) return undefined;
    const name = mirrors[source]?.objects.VM?.get(vm)?.name_label ?? 'A VM';
    const refusal = forVm(await canMigrateTo(bridge, mirrors, mode, source, vm, target, signal), name, vms.length > 1);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * The last check before the summary: the server's verdict on exactly what Finish will send (the chosen
 * disks, networks and migration network), so a refusal shows in the wizard, not in a failed task.
 */
export async function checkPlans(bridge: Caller, mirrors: Mirrors, source: string, plans: readonly VmPlan[], signal?: AbortSignal): Promise<Refusal | undefined> {
  const src = mirrors[source];
  for (const plan of plans) {
    if (signal?.aborted || !src) return undefined;
    const name = src.objects.VM?.get(plan.vm)?.name_label ?? 'A VM';
    let refusal: Refusal | undefined;
    if (plan.kind === 'pool_migrate') refusal = await canBootHere(bridge, src, source, plan.vm, plan.host);
    else if (plan.kind === 'migrate_send') {
      try {
        const token = await call(bridge, plan.target.connectionId, 'host.migrate_receive', [plan.target.host, plan.transferNetwork, {}]);
        await call(bridge, source, 'VM.assert_can_migrate', [plan.vm, token, true, plan.vdiMap, plan.vifMap, plan.options]);
      } catch (err) {
        refusal = refusalOf(err);
      }
    }
    const named = forVm(refusal, name, plans.length > 1);
    if (named) return named;
  }
  return undefined;
}
