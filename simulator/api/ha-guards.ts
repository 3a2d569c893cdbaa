/**
 * What HA changes in other messages, wrapped around their handlers as xapi's message forwarding does:
 * starting, resuming or migrating a VM (pool_migrate, and migrate_send inside the pool) and disabling or evacuating a host are refused with
 * HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN when they would break the plan; a protected VM cannot get a disk
 * on a non-shared SR or a VIF on a non-shared network; the heartbeat VDIs cannot be destroyed and the
 * master cannot be changed by hand while HA is on (HA_IS_ENABLED). Starts and resumes of a "restart" VM
 * set ha_always_run, shutdowns and suspends clear it: that is what makes a VM protected.
 */
import type { ApiRegistry, ApiHandler } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim } from '../core';
import type { XRecord } from '../db/object-db';
import { XapiError } from '../xapi-error';
import { chooseHost, hostProblem } from './vm-operation';
import { assertChangePreservesPlan, isProtected } from './ha-plan';
import { isNetworkProperlyShared, isSrProperlyShared } from './ha-agility';
import { isHaVdiType } from './ha-statefile';
import { haEnabled, recomputeSoon } from './ha-failover';

type Before = (call: CallContext, ...args: never[]) => void;

/** Runs `before` ahead of the handler already registered under `name` (installHaGuards runs after the modules it wraps). */
function guard(api: ApiRegistry, name: string, before: Before, after?: (call: CallContext) => void): void {
  const inner = api.get(name);
  if (!inner) throw new Error(`HA guard: ${name} is not registered yet`);
  const wrapped: ApiHandler = async (call, ...args) => {
    (before as (call: CallContext, ...args: unknown[]) => void)(call, ...args);
    const result = await inner(call, ...args);
    after?.(call);
    return result;
  };
  api.register(name, wrapped);
}

const allowed = (vm: XRecord, op: string) => (vm.allowed_operations as string[]).includes(op);

/**
 * xapi's check_vm_preserves_ha_plan, for anything that puts a VM on a host: a "restart" VM not yet protected is a
 * new VM to protect, any other one arrives on the host. HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN when that breaks the plan.
 */
export function assertVmPreservesPlan(pool: PoolSim, vm: string, rec: XRecord, host: string): void {
  if (rec.ha_restart_priority === 'restart' && rec.ha_always_run !== true) assertChangePreservesPlan(pool, { newVmsToProtect: [vm] });
  else assertChangePreservesPlan(pool, { arriving: [[host, vm, rec]] });
}

/** Start or resume: where it would go, whether the plan survives, and protection for a "restart" VM. */
function beforeStart(op: string) {
  return (call: CallContext, vm: string, hostOrFlag?: unknown) => {
    const rec = call.db.get('VM', vm);
    // A start the VM's state forbids fails on its own, with its own error.
    if (!allowed(rec, op)) return;
    let host = typeof hostOrFlag === 'string' ? hostOrFlag : undefined;
    if (host) {
      if (hostProblem(call.pool, vm, host)) return;
    } else {
      try {
        host = chooseHost(call.pool, vm);
      } catch {
        return;
      }
    }
    assertVmPreservesPlan(call.pool, vm, rec, host);
    if (rec.ha_restart_priority === 'restart' && rec.ha_always_run !== true) call.db.update('VM', vm, { ha_always_run: true });
  };
}

/** A VM shut down or suspended on purpose is no longer kept running by HA. */
function beforeStop(op: string) {
  return (call: CallContext, vm: string) => {
    const rec = call.db.get('VM', vm);
    if (allowed(rec, op) && rec.ha_always_run === true) call.db.update('VM', vm, { ha_always_run: false });
  };
}

function beforeMigrate(call: CallContext, vm: string, host: string): void {
  const rec = call.db.get('VM', vm);
  if (!allowed(rec, 'pool_migrate') || !call.db.has('host', host) || hostProblem(call.pool, vm, host)) return;
  assertVmPreservesPlan(call.pool, vm, rec, host);
}

/** migrate_send inside the pool (the token names one of its hosts) moves a running VM as pool_migrate does. */
function beforeMigrateSend(call: CallContext, vm: string, dest: Record<string, string>): void {
  const rec = call.db.get('VM', vm);
  const host = String(dest?.host ?? '');
  if (rec.power_state !== 'Running' || !allowed(rec, 'migrate_send') || !call.db.has('host', host) || host === rec.resident_on) return;
  if (hostProblem(call.pool, vm, host)) return;
  assertVmPreservesPlan(call.pool, vm, rec, host);
}

function beforeHostDisable(call: CallContext, host: string): void {
  if (call.db.has('host', host)) assertChangePreservesPlan(call.pool, { hostsToDisable: [host] });
}

/** Recompute the plan fields once a host is enabled or disabled (xapi schedules a plan recomputation). */
function afterHostChange(call: CallContext): void {
  recomputeSoon(call.pool);
}

/** HA on, overcommit not allowed, and the VM is protected: the constraint xapi applies to new devices. */
function protectedUnderHa(call: CallContext, vm: unknown): boolean {
  const pool = call.db.get('pool', call.pool.ref);
  const rec = call.db.find('VM', String(vm));
  return pool.ha_enabled === true && pool.ha_allow_overcommit !== true && !!rec && isProtected(rec);
}

function beforeVbdCreate(call: CallContext, args: XRecord): void {
  if (args.empty === true || !protectedUnderHa(call, args.VM)) return;
  const sr = String(call.db.find('VDI', String(args.VDI))?.SR);
  if (call.db.has('SR', sr) && !isSrProperlyShared(call.db, sr)) throw new XapiError('HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED', [sr]);
}

function beforeVifCreate(call: CallContext, args: XRecord): void {
  const net = String(args.network);
  if (protectedUnderHa(call, args.VM) && call.db.has('network', net) && !isNetworkProperlyShared(call.db, net)) {
    throw new XapiError('HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED', [net]);
  }
}

function beforeVdiDestroy(call: CallContext, vdi: string): void {
  if (haEnabled(call.pool) && isHaVdiType(call.db.find('VDI', vdi)?.type)) throw new XapiError('HA_IS_ENABLED');
}

function beforeDesignateMaster(call: CallContext, host: string): void {
  if (haEnabled(call.pool) && host !== call.pool.masterRef) throw new XapiError('HA_IS_ENABLED');
}

export function installHaGuards(api: ApiRegistry): void {
  for (const op of ['start', 'start_on', 'resume', 'resume_on']) guard(api, `VM.${op}`, beforeStart(op));
  for (const [name, op] of [['clean_shutdown', 'clean_shutdown'], ['shutdown', 'clean_shutdown'], ['hard_shutdown', 'hard_shutdown'], ['suspend', 'suspend']]) {
    guard(api, `VM.${name}`, beforeStop(op));
  }
  guard(api, 'VM.pool_migrate', beforeMigrate);
  guard(api, 'VM.migrate_send', beforeMigrateSend);
  guard(api, 'host.disable', beforeHostDisable, afterHostChange);
  guard(api, 'host.evacuate', beforeHostDisable, afterHostChange);
  guard(api, 'host.enable', () => undefined, afterHostChange);
  guard(api, 'VBD.create', beforeVbdCreate);
  guard(api, 'VIF.create', beforeVifCreate);
  guard(api, 'VDI.destroy', beforeVdiDestroy);
  guard(api, 'pool.designate_new_master', beforeDesignateMaster);
}
