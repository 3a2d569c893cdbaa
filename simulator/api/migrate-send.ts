/**
 * VM.migrate_send and VM.assert_can_migrate, with the arities real clients send (XenCenter and Xen
 * Orchestra omit vgpu_map: 6 arguments after the session; 7 with it). migrate_send runs as xapi's
 * message forwarding and migrate_send' do: the operation checks, `migrate_send` in the VM's
 * current_operations, every assert_can_migrate check, at most 3 storage migrations per host
 * (TOO_MANY_STORAGE_MIGRATES), then disks and memory stream on simulated time (cancellable: the copies made
 * so far are destroyed and the VM stays where it was) before the move is committed in one step.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import { NULL_REF } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { assertCanMigrate, type MigrationRequest } from './migration-checks';
import { checkMigrationOperation, withHostReceiving } from './migration-operation';
import { planMigration, type MigrationPlan } from './migration-plan';
import { memorySteps, runTransfer, TRANSFER_RATES, type TransferStep } from './migration-transfer';
import { DiskCopies } from './disk-copies';
import { commitIntraPool } from './storage-motion';
import { commitCrossPool } from './pool-transfer';
import { hostFreeMemory, vmFootprint } from './vm-state';
import { vmMessage, withOperation } from './vm-operation';

/** xapi's with_migrate: storage migrations a host runs at once. */
const MAX_STORAGE_MIGRATES = 3;
const running = new WeakMap<PoolSim, Map<string, number>>();

async function withStorageMigrationSlot<T>(pool: PoolSim, hostRef: string, body: () => Promise<T>): Promise<T> {
  let counts = running.get(pool);
  if (!counts) running.set(pool, (counts = new Map()));
  const n = counts.get(hostRef) ?? 0;
  if (n >= MAX_STORAGE_MIGRATES) throw new XapiError('TOO_MANY_STORAGE_MIGRATES', [MAX_STORAGE_MIGRATES]);
  counts.set(hostRef, n + 1);
  try {
    return await body();
  } finally {
    counts.set(hostRef, (counts.get(hostRef) ?? 1) - 1);
  }
}

function uuidOf(pool: PoolSim, cls: string, ref: string): string {
  return String(pool.db.find(cls, ref)?.uuid ?? ref);
}

/** What can have gone wrong while the data streamed: the VM stopped, the receiving host died or filled up. */
function assertStillCommittable(call: CallContext, plan: MigrationPlan, powerState: unknown, sourceHost: string): void {
  const dest = plan.check.destination;
  const vm = call.db.get('VM', plan.vm);
  const failed = (msg: string) => new XapiError('VM_MIGRATE_FAILED', [String(vm.uuid), uuidOf(call.pool, 'host', sourceHost), uuidOf(dest.pool, 'host', dest.host), msg]);
  if (vm.power_state !== powerState) throw failed('The VM changed its power state during migration');
  if (dest.pool.host(dest.host)?.alive === false) throw failed('The connection to the destination host was lost');
  if (dest.kind === 'cross' && (vm.power_state === 'Running' || vm.power_state === 'Paused')) {
    const needed = vmFootprint(vm);
    const available = hostFreeMemory(dest.pool, dest.host);
    if (needed > available) throw new XapiError('HOST_NOT_ENOUGH_FREE_MEMORY', [needed, available]);
  }
}

/** Streams the plan's disks and memory, then commits; returns the VM's ref where it now lives. */
export async function runMigration(call: CallContext, plan: MigrationPlan): Promise<string> {
  const db = call.db;
  const dest = plan.check.destination;
  const vm = db.get('VM', plan.vm);
  const sourceHost = vm.resident_on !== NULL_REF ? String(vm.resident_on) : call.pool.masterRef;
  return withStorageMigrationSlot(call.pool, sourceHost, async () => {
    // xapi ejects a CD whose ISO cannot follow the VM before it copies anything (VBD.eject).
    for (const vbd of plan.cdsToEject) db.update('VBD', vbd, { VDI: NULL_REF, empty: true, currently_attached: false });
    const copies = new DiskCopies(call.pool, dest.pool);
    const steps: TransferStep[] = plan.moves.map((m) => ({
      bytes: m.bytes, bytesPerSecond: TRANSFER_RATES.diskBytesPerSecond, done: () => copies.write(m.vdi, m.sr),
    }));
    steps.push(...memorySteps(vm, plan.memoryBytes));
    const reserving = dest.kind === 'intra' && plan.memoryBytes > 0 && vm.resident_on !== dest.host;
    const transfer = async () => {
      // Memory is reserved on the receiving host of a live intra-pool move while the pages copy, as xapi does.
      if (reserving) db.update('VM', plan.vm, { scheduled_to_be_resident_on: dest.host });
      try {
        await runTransfer(call, steps);
        assertStillCommittable(call, plan, vm.power_state, sourceHost);
      } catch (err) {
        copies.discard();
        if (reserving && db.has('VM', plan.vm)) db.update('VM', plan.vm, { scheduled_to_be_resident_on: NULL_REF });
        throw err;
      }
    };
    if (reserving) await withHostReceiving(call, dest.host, transfer);
    else await transfer();
    if (dest.kind === 'cross') return commitCrossPool(call, plan, copies);
    commitIntraPool(call, plan, copies);
    return plan.vm;
  });
}

function request(vm: string, dest: Record<string, string>, live: boolean, vdiMap: Record<string, string>, vifMap: Record<string, string>, options: Record<string, string>): MigrationRequest {
  return { vm, dest, live, vdiMap: vdiMap ?? {}, vifMap: vifMap ?? {}, options: options ?? {} };
}

async function migrateSend(call: CallContext, req: MigrationRequest): Promise<string> {
  const before = checkMigrationOperation(call, req.vm, 'migrate_send');
  const sourceHost = String(before.resident_on);
  return withOperation(call, req.vm, 'migrate_send', async () => {
    const check = assertCanMigrate(call, req);
    const plan = planMigration(call, req, check);
    const result = await runMigration(call, plan);
    const live = before.power_state === 'Running' || before.power_state === 'Paused';
    if (check.destination.kind === 'intra' && live) {
      const hostName = (ref: string) => String(call.db.find('host', ref)?.name_label ?? ref);
      vmMessage(call, req.vm, 'VM_MIGRATED', `VM '${before.name_label}' (uuid: ${before.uuid}) migrated from host '${hostName(sourceHost)}' (uuid: ${uuidOf(call.pool, 'host', sourceHost)}) to host '${hostName(check.destination.host)}' (uuid: ${uuidOf(call.pool, 'host', check.destination.host)})`);
    }
    return result;
  });
}

export function installMigrateSendApi(api: ApiRegistry): void {
  api.register('VM.assert_can_migrate', (call, vm: string, dest: Record<string, string>, live: boolean, vdiMap: Record<string, string>, vifMap: Record<string, string>, options: Record<string, string>) => {
    assertCanMigrate(call, request(vm, dest, live, vdiMap, vifMap, options));
  });
  api.register('VM.migrate_send', (call, vm: string, dest: Record<string, string>, live: boolean, vdiMap: Record<string, string>, vifMap: Record<string, string>, options: Record<string, string>) =>
    migrateSend(call, request(vm, dest, live, vdiMap, vifMap, options)));
}
