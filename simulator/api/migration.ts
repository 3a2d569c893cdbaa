/**
 * Moving running VMs between hosts of one pool: VM.pool_migrate (live migration: xapi's CPU check unless
 * `force`, the operation checks, the boot checks on the target, the `network` option; memory copies in
 * rounds on simulated time while the target host holds `vm_migrate`), host.evacuate and
 * host.get_vms_which_prevent_evacuation (XenCenter's maintenance mode disables the host, then evacuates
 * it), and host.reboot / host.shutdown, which xapi only allows on a disabled host with no running VMs.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import { NULL_REF } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { markMigrated } from './vm-state';
import { checkOperation, chooseHost, hostProblem, vmMessage, withOperation, work } from './vm-operation';
import { HOST_OPS } from './host';
import { bootProblem } from './boot-checks';
import { cpuIncompatibility } from './cpu-compatibility';
import { boolOption } from './migration-checks';
import { checkMigrationOperation, withHostReceiving } from './migration-operation';
import { withCurrentOperation } from './current-operations';
import { refreshHostOperations } from './host-operations';
import { domainMemoryBytes, memorySteps, runTransfer } from './migration-transfer';
import { installMigrationTokenApi } from './migration-token';
import { installMigrateSendApi } from './migrate-send';
import { installVdiMigrateApi } from './vdi-migrate';
import { installVdiCopyApi } from './vdi-copy';
import { installVmSuspendVdiApi } from './vm-suspend-vdi';
import { installCdDriveApi } from './cd-drives';
import { postMessage } from './messages';

export const MIGRATION_DURATION_MS = 6000;
/** How long a rebooting host is away before it is live (and enabled) again. */
export const HOST_REBOOT_MS = 90_000;

/** pool_migrate's `network` option: the migration stream uses the host's IP on that network (xapi's assert_valid_ip_configuration_on_network_for_host). */
function assertMigrationNetwork(call: CallContext, hostRef: string, networkRef: string): void {
  call.db.get('network', networkRef);
  const pif = (call.db.get('network', networkRef).PIFs as string[]).find((p) => call.db.find('PIF', p)?.host === hostRef);
  if (!pif) throw new XapiError('PIF_NOT_PRESENT', [hostRef, networkRef]);
  const rec = call.db.get('PIF', pif);
  if (!rec.currently_attached) throw new XapiError('REQUIRED_PIF_IS_UNPLUGGED', [pif]);
  if (!rec.IP && !(rec.IPv6 as string[]).length) throw new XapiError('INTERFACE_HAS_NO_IP', [pif]);
}

async function poolMigrate(call: CallContext, vmRef: string, hostRef: string, options: Record<string, string>): Promise<void> {
  call.db.get('VM', vmRef);
  const host = call.db.get('host', hostRef);
  // Checked before anything else, unless the caller forces it (xapi's message forwarding).
  if (!boolOption(options, 'force')) {
    const reason = cpuIncompatibility(call.db.get('VM', vmRef), host.cpu_info as Record<string, string>);
    if (reason) throw new XapiError('VM_INCOMPATIBLE_WITH_THIS_HOST', [vmRef, hostRef, reason]);
  }
  const vm = checkMigrationOperation(call, vmRef, 'pool_migrate');
  const from = String(vm.resident_on);
  await withOperation(call, vmRef, 'pool_migrate', async () => {
    const problem = bootProblem(call.pool, vmRef, hostRef, { cpuid: false, deadHost: 'HOST_OFFLINE' });
    if (problem) throw problem;
    if (options.network) assertMigrationNetwork(call, hostRef, options.network);
    await withHostReceiving(call, hostRef, async () => {
      // Memory is reserved on the destination while the pages copy, as xapi does.
      call.db.update('VM', vmRef, { scheduled_to_be_resident_on: hostRef });
      try {
        await runTransfer(call, memorySteps(vm, domainMemoryBytes(call.db, vm)));
      } catch (err) {
        if (call.db.has('VM', vmRef)) call.db.update('VM', vmRef, { scheduled_to_be_resident_on: NULL_REF });
        throw err;
      }
      markMigrated(call.pool, vmRef, hostRef);
    });
  });
  const name = (ref: string) => String(call.db.find('host', ref)?.name_label ?? ref);
  const uuid = (ref: string) => String(call.db.find('host', ref)?.uuid ?? ref);
  vmMessage(call, vmRef, 'VM_MIGRATED', `VM '${vm.name_label}' (uuid: ${vm.uuid}) migrated from host '${name(from)}' (uuid: ${uuid(from)}) to host '${name(hostRef)}' (uuid: ${uuid(hostRef)})`);
}

function runningVmsOn(pool: PoolSim, hostRef: string): string[] {
  const out: string[] = [];
  for (const [ref, vm] of pool.db.all('VM')) {
    if (vm.resident_on === hostRef && !vm.is_control_domain && vm.power_state !== 'Halted') out.push(ref);
  }
  return out;
}

/** For each VM that cannot leave the host, xapi's error as [code, ...params]. */
function vmsPreventingEvacuation(pool: PoolSim, hostRef: string): Record<string, string[]> {
  const others = pool.db.refs('host').filter((h) => h !== hostRef);
  const blocked: Record<string, string[]> = {};
  for (const vmRef of runningVmsOn(pool, hostRef)) {
    const vm = pool.db.get('VM', vmRef);
    if (vm.power_state !== 'Running') {
      blocked[vmRef] = ['VM_BAD_POWER_STATE', vmRef, 'running', String(vm.power_state).toLowerCase()];
      continue;
    }
    const problems = others.map((h) => hostProblem(pool, vmRef, h));
    if (problems.some((p) => p === undefined)) continue;
    const first = problems.find((p) => p?.code === 'HOST_NOT_ENOUGH_FREE_MEMORY') ?? problems[0] ?? new XapiError('NO_HOSTS_AVAILABLE');
    blocked[vmRef] = [first.code, ...first.params.map(String)];
  }
  return blocked;
}

async function evacuate(call: CallContext, hostRef: string): Promise<void> {
  call.db.get('host', hostRef);
  const blocked = Object.entries(vmsPreventingEvacuation(call.pool, hostRef));
  if (blocked.length) {
    const [vmRef, [code]] = blocked[0];
    throw new XapiError('CANNOT_EVACUATE_HOST', [`${code}|${vmRef}`]);
  }
  const vms = runningVmsOn(call.pool, hostRef);
  let done = 0;
  // The host lists `evacuate` meanwhile, and each receiving host `vm_migrate` while its VM arrives.
  await withCurrentOperation(call, 'host', hostRef, 'evacuate', async () => {
    for (const vmRef of vms) {
      // Each VM goes where xapi's placement would start it, never back to the host being evacuated.
      const vm = checkOperation(call, vmRef, 'pool_migrate', ['Running']);
      const target = chooseHost(call.pool, vmRef, undefined, hostRef);
      await withHostReceiving(call, target, () => withOperation(call, vmRef, 'pool_migrate', async () => {
        call.db.update('VM', vmRef, { scheduled_to_be_resident_on: target });
        await (call.task ? call.task.sleep(MIGRATION_DURATION_MS / 2) : call.clock.sleep(MIGRATION_DURATION_MS / 2));
        markMigrated(call.pool, vmRef, target);
      }));
      done++;
      call.task?.progress(done / (vms.length + 1));
      postMessage(call.pool, 'VM_MIGRATED', 5, 'VM', String(vm.uuid), `VM '${vm.name_label}' migrated off host '${call.db.get('host', hostRef).name_label}' (evacuation)`);
    }
  }, () => refreshHostOperations(call.pool, hostRef));
}

async function powerCycle(call: CallContext, hostRef: string, op: 'reboot' | 'shutdown'): Promise<void> {
  const host = call.db.get('host', hostRef);
  if (host.enabled) throw new XapiError('HOST_NOT_DISABLED');
  const running = runningVmsOn(call.pool, hostRef);
  if (running.length) throw new XapiError('HOST_IN_USE', [hostRef, 'VM', running[0]]);
  const metrics = String(host.metrics);
  await work(call, 2000, 1);
  if (call.db.has('host_metrics', metrics)) call.db.update('host_metrics', metrics, { live: false });
  call.db.update('host', hostRef, { allowed_operations: [] });
  postMessage(call.pool, op === 'reboot' ? 'HOST_REBOOTED' : 'HOST_SHUTDOWN', 4, 'Host', String(host.uuid),
    `Host '${host.name_label}' ${op === 'reboot' ? 'is rebooting' : 'was shut down'}`);
  if (op === 'shutdown') return;
  call.clock.setTimeout(() => {
    if (!call.db.has('host', hostRef)) return;
    if (call.db.has('host_metrics', metrics)) call.db.update('host_metrics', metrics, { live: true });
    // A rebooted host comes back enabled, as xapi re-enables it at start.
    call.db.update('host', hostRef, { enabled: true, allowed_operations: HOST_OPS });
  }, HOST_REBOOT_MS);
}

/** Every migration message: live migration and evacuation here, storage and cross-pool migration in their modules. */
export function installMigrationApi(api: ApiRegistry): void {
  installMigrationTokenApi(api);
  installMigrateSendApi(api);
  installVdiMigrateApi(api);
  installVdiCopyApi(api);
  installVmSuspendVdiApi(api);
  installCdDriveApi(api);
  api.register('VM.pool_migrate', (call, vm: string, host: string, options: Record<string, string>) => poolMigrate(call, vm, host, options ?? {}));
  api.register('host.evacuate', (call, host: string) => evacuate(call, host));
  api.register('host.get_vms_which_prevent_evacuation', (call, host: string) => {
    call.db.get('host', host);
    return vmsPreventingEvacuation(call.pool, host);
  });
  api.register('host.reboot', (call, host: string) => powerCycle(call, host, 'reboot'));
  api.register('host.shutdown', (call, host: string) => powerCycle(call, host, 'shutdown'));
}
