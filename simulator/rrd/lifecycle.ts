/**
 * Where and when each VM ran, so that every archive row knows whether the VM had data then, on which host, and
 * how long after its boot (boot transients, memory and network ramps).
 *
 * Only VMs whose power state or host changed during this run keep a recorded history; every other VM's history
 * is derived from its current record: a running VM has run on its host "forever" (the whole year of archives),
 * with a reboot at VM_metrics.start_time; a halted VM never ran. That keeps the large scenario at zero cost.
 */
import type { ObjectDb } from '../db/object-db';
import { parseXapiDateTime } from '../datetime';
import { seedOf, hash01 } from './signal';

export interface RunSegment {
  /** Seconds; -Infinity for "since before the archives begin". */
  from: number;
  /** Seconds; Infinity while the VM still runs. */
  to: number;
  host: string;
  paused: boolean;
  /** Whether `from` is a boot (transients apply) rather than a migration or an unpause. */
  booted: boolean;
}

const LIVE_STATES = new Set(['Running', 'Paused']);
/** Seconds a reboot leaves a VM without data before its last start. */
const REBOOT_GAP = 40;

export class VmLifecycles {
  private recorded = new Map<string, RunSegment[]>();
  /** Fallback boot times, fixed once computed so that history does not drift with the clock. */
  private boots = new Map<string, number>();

  constructor(private readonly db: ObjectDb, private readonly nowSec: () => number) {}

  /** The VM's runs, oldest first. */
  segments(vmRef: string): RunSegment[] {
    return this.recorded.get(vmRef) ?? this.derived(vmRef);
  }

  /** Records a change of power state or resident host at the current simulated time. */
  change(vmRef: string, before: { power_state: string; resident_on: string }, after: { power_state: string; resident_on: string }): void {
    const t = this.nowSec();
    let segs = this.recorded.get(vmRef);
    if (!segs) {
      segs = this.derivedFrom(vmRef, before.power_state, before.resident_on).map((s) => ({ ...s }));
      this.recorded.set(vmRef, segs);
    }
    const open = segs[segs.length - 1];
    const wasLive = open && open.to === Infinity;
    if (wasLive) open.to = t;
    if (LIVE_STATES.has(after.power_state) && after.resident_on.startsWith('OpaqueRef:') && after.resident_on !== 'OpaqueRef:NULL') {
      // A migration or pause keeps the guest running: no new boot. Starting from Halted or Suspended is a boot.
      const booted = !(wasLive && LIVE_STATES.has(before.power_state));
      segs.push({ from: t, to: Infinity, host: after.resident_on, paused: after.power_state === 'Paused', booted });
    }
  }

  /**
   * A VM that arrived from another pool (cross-pool migration) brings its history: its runs there (on hosts
   * of that pool, so they count for none of this pool's hosts) and, if it runs, a run here from now on.
   */
  adopt(vmRef: string, history: RunSegment[]): void {
    const t = this.nowSec();
    const segs = history.map((s) => ({ ...s, to: s.to === Infinity ? t : s.to }));
    const vm = this.db.find('VM', vmRef);
    if (vm && LIVE_STATES.has(String(vm.power_state)) && vm.resident_on !== 'OpaqueRef:NULL') {
      const wasLive = history.some((s) => s.to === Infinity);
      segs.push({ from: t, to: Infinity, host: String(vm.resident_on), paused: vm.power_state === 'Paused', booted: !wasLive });
    }
    this.recorded.set(vmRef, segs);
  }

  /** Drops what is kept for a VM that left this pool. */
  forget(vmRef: string): void {
    this.recorded.delete(vmRef);
    this.boots.delete(vmRef);
  }

  /** The VMs that ran on `hostRef` at some time (candidates for the host's aggregates). */
  vmsSeenOn(hostRef: string): string[] {
    const out: string[] = [];
    for (const [ref, vm] of this.db.all('VM')) {
      if (vm.is_control_domain || vm.is_a_template || vm.is_a_snapshot) continue;
      const segs = this.recorded.get(ref);
      if (segs ? segs.some((s) => s.host === hostRef) : vm.resident_on === hostRef && LIVE_STATES.has(String(vm.power_state))) out.push(ref);
    }
    return out;
  }

  /** The segment covering time t, if the VM ran then. */
  at(vmRef: string, t: number): RunSegment | undefined {
    const segs = this.segments(vmRef);
    for (let i = segs.length - 1; i >= 0; i--) {
      const s = segs[i];
      if (s.from <= t && t < s.to) return s;
      if (s.to <= t) return undefined;
    }
    return undefined;
  }

  private derived(vmRef: string): RunSegment[] {
    const vm = this.db.find('VM', vmRef);
    if (!vm) return [];
    return this.derivedFrom(vmRef, String(vm.power_state), String(vm.resident_on));
  }

  private derivedFrom(vmRef: string, powerState: string, residentOn: string): RunSegment[] {
    if (!LIVE_STATES.has(powerState) || !residentOn || residentOn === 'OpaqueRef:NULL') return [];
    const boot = this.lastBoot(vmRef);
    return [
      { from: -Infinity, to: boot - REBOOT_GAP, host: residentOn, paused: false, booted: false },
      { from: boot, to: Infinity, host: residentOn, paused: powerState === 'Paused', booted: true },
    ];
  }

  /** VM_metrics.start_time when set and in the past; otherwise a seeded time 1 to 40 days back. */
  private lastBoot(vmRef: string): number {
    const now = this.nowSec();
    const vm = this.db.find('VM', vmRef);
    const metrics = vm ? this.db.find('VM_metrics', String(vm.metrics)) : undefined;
    const ms = metrics ? parseXapiDateTime(String(metrics.start_time)) : undefined;
    if (ms !== undefined && ms > 0 && ms / 1000 < now) return Math.floor(ms / 1000);
    let boot = this.boots.get(vmRef);
    if (boot === undefined) {
      boot = Math.floor(now - 86400 * (1 + 39 * hash01(seedOf(vmRef), 7, 0)));
      this.boots.set(vmRef, boot);
    }
    return boot;
  }
}
