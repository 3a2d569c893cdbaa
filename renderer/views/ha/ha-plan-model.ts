/**
 * The HA plan as XenCenter's "HA Plan" page edits it, without React: one row per VM HA can protect
 * (real VMs, not hidden), each with a restart priority, a start order and a start delay. What a row
 * shows is its *effective* priority: the user's choice, except that a VM found not agile (VM.assert_agile
 * failed) cannot be Restart and is shown as Restart if possible, and a first-time row (HA never
 * configured: XenCenter protects every VM by default) becomes Restart or Restart if possible once its
 * agility is known. The hypothetical configuration sent to the pool lists the Restart VMs only.
 */
import type { PoolRecord, VMRecord } from '../../../shared/xapi/generated/records';
import type { ConnectionMirror } from '../../store/apply-batch';

/** XAPI's values of VM.ha_restart_priority that XenCenter and xapi offer today. */
export type RestartPriority = 'restart' | 'best-effort' | '';

export const PRIORITY_CHOICES: readonly { value: RestartPriority; label: string }[] = [
  { value: 'restart', label: 'Restart' },
  { value: 'best-effort', label: 'Restart if possible' },
  { value: '', label: 'Do not restart' },
];

export const priorityLabel = (p: RestartPriority): string => PRIORITY_CHOICES.find((c) => c.value === p)?.label ?? p;

/**
 * A VM's priority as stored. Servers before XenServer 6.0 stored numbers ("0" high priority, "1".."3"):
 * XenCenter reads any value it does not know as a restart, and so does xapi's planner for non-empty ones.
 */
export function readPriority(wire: string | undefined): RestartPriority {
  if (wire === undefined || wire === '') return '';
  return wire === 'best-effort' ? 'best-effort' : 'restart';
}

export interface PlanRow {
  ref: string;
  name: string;
  /** The user's choice; null for a first-time row whose default waits for its agility. */
  priority: RestartPriority | null;
  /** VM.order (start order, lower first); kept as typed text until checked. */
  order: string;
  /** VM.start_delay in seconds, as typed. */
  delay: string;
}

/** VM.assert_agile's answer: agile, or the error that says why not. */
export type Agility = { agile: true } | { agile: false; code: string; params: string[] };

/** VMs HA can protect (XenCenter's HaCanProtect): real VMs the user is shown, by name. */
export function protectableVms(mirror: Pick<ConnectionMirror, 'objects'>): [string, VMRecord][] {
  const out: [string, VMRecord][] = [];
  for (const [ref, vm] of mirror.objects.VM ?? []) {
    if (vm.is_a_template || vm.is_a_snapshot || vm.is_control_domain) continue;
    if (vm.other_config?.HideFromXenCenter === 'true') continue;
    out.push([ref, vm]);
  }
  return out.sort((a, b) => collator.compare(a[1].name_label, b[1].name_label) || (a[0] < b[0] ? -1 : 1));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The rows the page starts from. `protectByDefault` (the wizard): when no VM has a priority yet, every
 * row waits for its agility to become Restart or Restart if possible, as XenCenter's first-time default.
 */
export function initialPlan(vms: readonly [string, VMRecord][], protectByDefault: boolean): PlanRow[] {
  const firstTime = protectByDefault && vms.every(([, vm]) => !vm.ha_restart_priority);
  return vms.map(([ref, vm]) => ({
    ref,
    name: vm.name_label || ref,
    priority: firstTime ? null : readPriority(vm.ha_restart_priority),
    order: String(vm.order ?? 0),
    delay: String(vm.start_delay ?? 0),
  }));
}

/** What the row stands for now: undefined while a first-time row waits for its agility. */
export function effectivePriority(row: Pick<PlanRow, 'priority'>, agility: Agility | undefined): RestartPriority | undefined {
  if (row.priority === null) return agility ? (agility.agile ? 'restart' : 'best-effort') : undefined;
  if (row.priority === 'restart' && agility && !agility.agile) return 'best-effort';
  return row.priority;
}

/** The rows whose priority (as chosen, or pending) needs their agility before the plan is final. */
export function rowsAwaitingAgility(rows: readonly PlanRow[]): PlanRow[] {
  return rows.filter((r) => r.priority === null || r.priority === 'restart');
}

/** `pool.ha_compute_hypothetical_max_host_failures_to_tolerate`'s argument: the Restart VMs only (xapi refuses other values). */
export function hypotheticalConfiguration(rows: readonly PlanRow[], agility: (ref: string) => Agility | undefined): Record<string, 'restart'> {
  const config: Record<string, 'restart'> = {};
  for (const row of rows) if (effectivePriority(row, agility(row.ref)) === 'restart') config[row.ref] = 'restart';
  return config;
}

/** A stable key for a configuration (the same set of Restart VMs gives the same key). */
export const configurationKey = (config: Record<string, string>): string => Object.keys(config).sort().join(',');

/** A whole number of 0 or more, as XAPI's int fields for order and delay take it; undefined otherwise. */
export function parseCount(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,15}$/.test(t)) return undefined;
  return Number(t);
}

/** Problems of the rows' numbers, by field id (`order:<ref>`, `delay:<ref>`). */
export function rowErrors(rows: readonly PlanRow[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const r of rows) {
    if (parseCount(r.order) === undefined) errors[`order:${r.ref}`] = `Start order of ${r.name}: enter a whole number, 0 or more.`;
    if (parseCount(r.delay) === undefined) errors[`delay:${r.ref}`] = `Start delay of ${r.name}: enter a number of seconds, 0 or more.`;
  }
  return errors;
}

export interface PriorityCounts {
  restart: number;
  bestEffort: number;
  doNotRestart: number;
}

export function priorityCounts(rows: readonly PlanRow[], agility: (ref: string) => Agility | undefined): PriorityCounts {
  const counts: PriorityCounts = { restart: 0, bestEffort: 0, doNotRestart: 0 };
  for (const row of rows) {
    const p = effectivePriority(row, agility(row.ref));
    if (p === 'restart') counts.restart++;
    else if (p === 'best-effort') counts.bestEffort++;
    else if (p === '') counts.doNotRestart++;
  }
  return counts;
}

export const vmCount = (n: number): string => `${n} ${n === 1 ? 'VM' : 'VMs'}`;

/** The summary page's warnings (XenCenter's Finish page): nothing protected, or no failure tolerated. */
export function planWarnings(counts: PriorityCounts, ntol: number): string[] {
  const out: string[] = [];
  if (counts.restart === 0 && counts.bestEffort === 0) {
    out.push('No VMs are protected. This configuration protects the pool master, but none of your services.');
  }
  if (ntol === 0) {
    out.push('The pool would tolerate 0 (zero) server failures: HA may not be able to restart your VMs when a server fails.');
  }
  return out;
}

/** One VM's settings as they will be written. */
export interface VmSettings {
  ref: string;
  name: string;
  priority: RestartPriority;
  order: number;
  delay: number;
  /** The priority before (as stored, read as XenCenter reads it). */
  previous: RestartPriority;
}

/**
 * The rows whose priority, order or delay differ from the VM's record: only those are written. A row
 * without a final priority (agility unknown) or with bad numbers is a caller's bug: validate first.
 */
export function changedSettings(rows: readonly PlanRow[], vms: ReadonlyMap<string, VMRecord> | undefined, agility: (ref: string) => Agility | undefined): VmSettings[] {
  const out: VmSettings[] = [];
  for (const row of rows) {
    const vm = vms?.get(row.ref);
    const priority = effectivePriority(row, agility(row.ref));
    const order = parseCount(row.order);
    const delay = parseCount(row.delay);
    if (!vm || priority === undefined || order === undefined || delay === undefined) continue;
    const previous = readPriority(vm.ha_restart_priority);
    // A legacy value read as Restart and left as Restart is not rewritten (XenCenter compares the enum).
    if (priority === previous && order === vm.order && delay === vm.start_delay) continue;
    out.push({ ref: row.ref, name: row.name, priority, order, delay, previous });
  }
  return out;
}

/** The pool's one record. */
export function poolOf(mirror: Pick<ConnectionMirror, 'objects'> | undefined): [string, PoolRecord] | undefined {
  const first = mirror?.objects.pool?.entries().next();
  return first && !first.done ? first.value : undefined;
}
