/**
 * VM snapshot schedules (VMSS) as xapi_vmss.ml checks them (retained_snapshots 1..10, schedule keys per
 * frequency, quiesce only for VMs that support it, no destroy while VMs are assigned), and a scheduler that
 * really takes the snapshots on the simulated clock: at each due time every VM of an enabled schedule gets a
 * snapshot (is_vmss_snapshot), the oldest scheduled snapshots beyond retained_snapshots are deleted with their
 * disks, last_run_time moves and a VMSS_SNAPSHOT_SUCCEEDED/FAILED message is posted.
 */
import type { ApiRegistry } from '../rpc/api-registry';
import type { CallContext } from '../rpc/call-context';
import type { PoolSim, Simulator } from '../core';
import { NULL_REF, type XRecord } from '../db/object-db';
import { xapiDateTime } from '../datetime';
import { XapiError } from '../xapi-error';
import { postMessage } from './messages';
import { removeSnapshot, snapshot, supportsQuiesce } from './vm-snapshot';

type Frequency = 'hourly' | 'daily' | 'weekly';
type Schedule = Record<string, string>;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MINUTES = ['0', '15', '30', '45'];
const KEYS: Record<Frequency, string[]> = { hourly: ['min'], daily: ['hour', 'min'], weekly: ['hour', 'min', 'days'] };
const DEFAULTS: Schedule = { min: '0', hour: '0', days: 'Monday' };

function checkKey(key: string, value: string | undefined): void {
  const ok = key === 'min' ? value !== undefined && MINUTES.includes(value)
    : key === 'hour' ? value !== undefined && /^\d{1,2}$/.test(value) && Number(value) <= 23
      : value !== undefined && value.split(',').every((d) => DAYS.includes(d.trim()));
  if (!ok) throw new XapiError('INVALID_VALUE', [key, value ?? '']);
}

/** xapi's assert_valid_schedule: every key the frequency needs, with a valid value; nothing else. */
export function checkSchedule(frequency: string, schedule: Schedule): void {
  const keys = KEYS[frequency as Frequency];
  if (!keys) throw new XapiError('INVALID_VALUE', ['frequency', frequency]);
  for (const k of Object.keys(schedule)) if (!keys.includes(k)) throw new XapiError('INVALID_VALUE', [k, schedule[k]]);
  for (const k of keys) checkKey(k, schedule[k]);
}

function checkRetained(n: number): void {
  if (!(n >= 1 && n <= 10)) throw new XapiError('INVALID_VALUE', ['retained_snapshots', String(n)]);
}

function checkQuiesce(call: CallContext, type: string, vms: string[]): void {
  if (type !== 'snapshot_with_quiesce') return;
  for (const vm of vms) if (!supportsQuiesce(call.pool, vm)) throw new XapiError('VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED', [vm, 'the guest has no VSS provider']);
}

/** The first time strictly after `from` (ms, UTC) that the schedule names. */
export function nextRun(frequency: string, schedule: Schedule, from: number): number {
  const min = Number(schedule.min ?? 0);
  const hour = Number(schedule.hour ?? 0);
  const days = (schedule.days ?? 'Monday').split(',').map((d) => DAYS.indexOf(d.trim())).filter((d) => d >= 0);
  const t = new Date(from);
  t.setUTCSeconds(0, 0);
  if (frequency === 'hourly') {
    t.setUTCMinutes(min);
    while (t.getTime() <= from) t.setUTCHours(t.getUTCHours() + 1);
    return t.getTime();
  }
  t.setUTCHours(hour, min);
  for (let i = 0; i < 8; i++) {
    if (t.getTime() > from && (frequency === 'daily' || days.includes(t.getUTCDay()))) return t.getTime();
    t.setUTCDate(t.getUTCDate() + 1);
  }
  return t.getTime();
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

/** VMSS.snapshot_now: one snapshot per VM (of the schedule's type), then pruning; reports like the vmss plugin. */
export async function runSchedule(call: CallContext, vmssRef: string): Promise<string> {
  const db = call.db;
  const vmss = db.get('VMSS', vmssRef);
  const type = String(vmss.type);
  const taken: string[] = [];
  const failed: string[] = [];
  const started = call.clock.now();
  db.update('VMSS', vmssRef, { last_run_time: xapiDateTime(started) });
  for (const vm of [...(vmss.VMs as string[])]) {
    const rec = db.find('VM', vm);
    if (!rec) continue;
    try {
      const name = `${String(rec.name_label)}-${stamp(started)}`;
      const kind = type === 'checkpoint' && rec.power_state === 'Running' ? 'checkpoint' : 'snapshot';
      await snapshot(call, vm, name, { kind, quiesced: type === 'snapshot_with_quiesce', vmss: true });
      taken.push(String(rec.name_label));
      prune(call.pool, vm, Number(db.find('VMSS', vmssRef)?.retained_snapshots ?? vmss.retained_snapshots));
    } catch (err) {
      failed.push(`${String(rec.name_label)}: ${err instanceof XapiError ? err.description.join(' ') : String(err)}`);
    }
  }
  if (db.has('VMSS', vmssRef)) {
    const uuid = String(db.get('VMSS', vmssRef).uuid);
    if (taken.length) postMessage(call.pool, 'VMSS_SNAPSHOT_SUCCEEDED', 5, 'VMSS', uuid, `Snapshots of ${taken.length} VM(s) taken: ${taken.join(', ')}`);
    if (failed.length) postMessage(call.pool, 'VMSS_SNAPSHOT_FAILED', 3, 'VMSS', uuid, failed.join('\n'));
  }
  return failed.length ? `FAILED: ${failed.join('; ')}` : 'SUCCESS';
}

/** Keeps the newest `retained` scheduled snapshots of the VM; older ones go with their disks. */
function prune(pool: PoolSim, vm: string, retained: number): void {
  const rec = pool.db.find('VM', vm);
  if (!rec) return;
  const scheduled = (rec.snapshots as string[]).map((r) => [r, pool.db.find('VM', r)] as const)
    .filter((e): e is readonly [string, XRecord] => !!e[1] && !!e[1].is_vmss_snapshot)
    .sort((a, b) => String(a[1].snapshot_time).localeCompare(String(b[1].snapshot_time)));
  for (const [ref] of scheduled.slice(0, Math.max(0, scheduled.length - retained))) removeSnapshot(pool, ref, true);
}

function checkVmss(call: CallContext, ref: string): XRecord {
  return call.db.get('VMSS', ref);
}

export function installVmssApi(api: ApiRegistry): void {
  api.register('VMSS.create', (call, args: XRecord) => {
    const frequency = String(args.frequency ?? '');
    const schedule = (args.schedule ?? {}) as Schedule;
    checkSchedule(frequency, schedule);
    const retained = args.retained_snapshots === undefined ? 7 : Number(args.retained_snapshots);
    checkRetained(retained);
    const type = String(args.type ?? 'snapshot');
    if (!['snapshot', 'checkpoint', 'snapshot_with_quiesce'].includes(type)) throw new XapiError('INVALID_VALUE', ['type', type]);
    return call.db.create('VMSS', { ...args, frequency, schedule, retained_snapshots: retained, type, VMs: [], last_run_time: xapiDateTime(0) });
  });
  api.register('VMSS.destroy', (call, self: string) => {
    const rec = checkVmss(call, self);
    if ((rec.VMs as string[]).length) throw new XapiError('VMSS_HAS_VM');
    call.db.destroy('VMSS', self);
  });
  api.register('VMSS.set_retained_snapshots', (call, self: string, value: number) => {
    checkVmss(call, self);
    checkRetained(value);
    call.db.update('VMSS', self, { retained_snapshots: value });
  });
  api.register('VMSS.set_frequency', (call, self: string, value: string) => {
    const rec = checkVmss(call, self);
    const keys = KEYS[value as Frequency];
    if (!keys) throw new XapiError('INVALID_VALUE', ['frequency', value]);
    // The schedule keeps the keys the new frequency uses and gains defaults for the others.
    const old = rec.schedule as Schedule;
    const schedule: Schedule = {};
    for (const k of keys) schedule[k] = old[k] ?? DEFAULTS[k];
    call.db.update('VMSS', self, { frequency: value, schedule });
  });
  api.register('VMSS.set_schedule', (call, self: string, value: Schedule) => {
    const rec = checkVmss(call, self);
    checkSchedule(String(rec.frequency), value);
    call.db.update('VMSS', self, { schedule: value });
  });
  api.register('VMSS.add_to_schedule', (call, self: string, key: string, value: string) => {
    const rec = checkVmss(call, self);
    const schedule = rec.schedule as Schedule;
    if (Object.prototype.hasOwnProperty.call(schedule, key)) throw new XapiError('MAP_DUPLICATE_KEY', ['VMSS', 'schedule', self, key]);
    if (!KEYS[rec.frequency as Frequency]?.includes(key)) throw new XapiError('INVALID_VALUE', [key, value]);
    checkKey(key, value);
    call.db.update('VMSS', self, { schedule: { ...schedule, [key]: value } });
  });
  api.register('VMSS.set_type', (call, self: string, value: string) => {
    const rec = checkVmss(call, self);
    checkQuiesce(call, value, rec.VMs as string[]);
    call.db.update('VMSS', self, { type: value });
  });
  api.register('VMSS.snapshot_now', (call, self: string) => {
    checkVmss(call, self);
    return runSchedule(call, self);
  });
  api.register('VM.set_snapshot_schedule', (call, vm: string, value: string) => {
    const rec = call.db.get('VM', vm);
    if (value !== NULL_REF) {
      if (rec.is_a_snapshot || rec.is_a_template) throw new XapiError('VM_IS_TEMPLATE', [vm]);
      const vmss = call.db.get('VMSS', value);
      checkQuiesce(call, String(vmss.type), [vm]);
    }
    call.db.update('VM', vm, { snapshot_schedule: value });
  });
}

/** Arms one timer per pool for the earliest due schedule; re-armed whenever a VMSS changes or a run ends. */
class PoolScheduler {
  private timer: number | undefined;
  private due = new Map<string, number>();

  constructor(private sim: Simulator, private pool: PoolSim) {
    pool.db.onChange((c) => {
      if (c.cls !== 'VMSS') return;
      const b = c.before;
      // last_run_time moves on each run; only a change of what or when re-plans.
      if (c.op === 'mod' && b && b.enabled === c.rec.enabled && b.frequency === c.rec.frequency && JSON.stringify(b.schedule) === JSON.stringify(c.rec.schedule)) return;
      this.due.delete(c.ref);
      this.arm();
    });
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) this.sim.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.sim.clock.now();
    let earliest = Infinity;
    for (const [ref, rec] of this.pool.db.all('VMSS')) {
      if (!rec.enabled) {
        this.due.delete(ref);
        continue;
      }
      if (!this.due.has(ref)) this.due.set(ref, nextRun(String(rec.frequency), rec.schedule as Schedule, now));
      earliest = Math.min(earliest, this.due.get(ref)!);
    }
    for (const ref of [...this.due.keys()]) if (!this.pool.db.has('VMSS', ref)) this.due.delete(ref);
    if (earliest < Infinity) this.timer = this.sim.clock.setTimeout(() => this.fire(), Math.max(0, earliest - now));
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.sim.clock.now();
    for (const [ref, at] of [...this.due]) {
      if (at > now || !this.pool.db.has('VMSS', ref)) continue;
      const rec = this.pool.db.get('VMSS', ref);
      this.due.set(ref, nextRun(String(rec.frequency), rec.schedule as Schedule, now));
      const call: CallContext = {
        sim: this.sim, pool: this.pool, db: this.pool.db, session: undefined, host: this.pool.master, clock: this.sim.clock, method: 'VMSS.snapshot_now',
      };
      void runSchedule(call, ref).catch((err: unknown) => console.error('simulator: scheduled snapshot failed', err));
    }
    this.arm();
  }
}

/** Extension: starts the schedulers (the API itself is registered with the core modules). */
export function installVmssScheduler(sim: Simulator): void {
  for (const pool of sim.pools) new PoolScheduler(sim, pool);
}
