/**
 * xscontainer-monitor, the dom0 service (docker_monitor/__init__.py), for a whole pool: a VM is monitored
 * while `other_config["xscontainer-monitor"]` is "True", it runs, has guest metrics and is not dom0, by the
 * host it is resident on. Monitoring starts by removing docker_ps/docker_info/docker_version, then connects
 * (SSH, a second or two), writes docker_info, docker_version and docker_ps and rewrites docker_ps on every
 * container event. When it stops (VM halted, paused, suspended, migrated away, deregistered, dockerd gone)
 * the three keys are removed. A guest it cannot reach is retried every 20 s, and after 2 minutes the alert
 * "Container Management cannot monitor VM" (priority 3) says why; it goes when monitoring works or stops.
 *
 * Unlike the real service, which writes each key with its own VM.set_other_config and docker_ps once per
 * Docker event, writes are coalesced per VM (`MONITOR_TIMING.eventLatency`), so a bulk action makes one VM
 * event per VM instead of one per container event.
 */
import { NULL_REF } from '../db/object-db';
import { postMessage } from '../api/messages';
import { PythonException } from '../api/xenapi-plugin';
import type { PoolContainers } from './guest-docker';
import { XsContainerDocker } from './xscontainer-docker';

export const REGISTRATION_KEY = 'xscontainer-monitor';
export const DOCKER_KEYS = ['docker_ps', 'docker_info', 'docker_version'] as const;
export const MONITOR_ERROR_MESSAGE = 'Container Management cannot monitor VM';
/** Simulated ms: connecting over SSH and reading the engine, a docker_ps refresh after an event, retry, alert delay. */
export const MONITOR_TIMING = { connect: 1500, eventLatency: 500, retry: 20_000, warnAfter: 120_000 };

interface Watch {
  host: string;
  startedAt: number;
  phase: 'connecting' | 'monitoring' | 'failing';
  timer: number | undefined;
  flush: number | undefined;
  unsubscribe: (() => void) | undefined;
  errorMessage: string | undefined;
}

export class XsContainerMonitor {
  private watches = new Map<string, Watch>();
  private pending = new Set<string>();
  readonly docker: XsContainerDocker;

  constructor(private readonly pc: PoolContainers) {
    this.docker = new XsContainerDocker(pc);
  }

  private get db() {
    return this.pc.pool.db;
  }

  private get clock() {
    return this.pc.clock;
  }

  /**
   * Starts watching the pool. VMs monitored at this point have been for a while: their keys are written at
   * once, and those that cannot be reached already carry the alert.
   */
  async start(): Promise<void> {
    this.db.onChange((c) => {
      if (c.cls !== 'VM') return;
      // Decide after the change that caused this one has finished (VM records are updated in several steps).
      if (!this.pending.size) queueMicrotask(() => this.processPending());
      this.pending.add(c.ref);
    });
    for (const ref of this.db.refs('VM')) {
      const vm = this.db.get('VM', ref);
      if (!this.shouldMonitor(vm)) continue;
      const w = this.begin(ref, String(vm.resident_on), this.clock.now() - 86400_000);
      await this.connect(ref, w, true);
    }
  }

  private processPending(): void {
    const refs = [...this.pending];
    this.pending.clear();
    for (const ref of refs) this.evaluate(ref);
  }

  /** _should_monitor. */
  private shouldMonitor(vm: Record<string, unknown>): boolean {
    const oc = vm.other_config as Record<string, string>;
    return oc[REGISTRATION_KEY] === 'True' && vm.power_state === 'Running' && vm.resident_on !== NULL_REF && vm.guest_metrics !== NULL_REF && !vm.is_control_domain;
  }

  /** process_vmrecord, for every host's monitor at once. */
  evaluate(vmRef: string): void {
    const vm = this.db.find('VM', vmRef);
    const w = this.watches.get(vmRef);
    if (!vm) {
      if (w) this.end(vmRef, w, false);
      return;
    }
    const should = this.shouldMonitor(vm);
    if (w && (!should || w.host !== vm.resident_on)) this.end(vmRef, w, true);
    if (should && (!w || w.host !== vm.resident_on)) {
      const started = this.begin(vmRef, String(vm.resident_on), this.clock.now());
      this.wipe(vmRef);
      started.timer = this.clock.setTimeout(() => void this.connect(vmRef, started, false), MONITOR_TIMING.connect);
    }
  }

  private begin(vmRef: string, host: string, startedAt: number): Watch {
    const w: Watch = { host, startedAt, phase: 'connecting', timer: undefined, flush: undefined, unsubscribe: undefined, errorMessage: undefined };
    this.watches.set(vmRef, w);
    return w;
  }

  private end(vmRef: string, w: Watch, wipe: boolean): void {
    if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
    if (w.flush !== undefined) this.clock.clearTimeout(w.flush);
    w.unsubscribe?.();
    this.watches.delete(vmRef);
    this.dropErrorMessage(w);
    if (wipe) this.wipe(vmRef);
  }

  /** docker.wipe_docker_other_config. */
  wipe(vmRef: string): void {
    const vm = this.db.find('VM', vmRef);
    if (!vm) return;
    const oc = vm.other_config as Record<string, string>;
    if (!DOCKER_KEYS.some((k) => k in oc)) return;
    const next = { ...oc };
    for (const k of DOCKER_KEYS) delete next[k];
    this.db.update('VM', vmRef, { other_config: next });
  }

  private setKeys(vmRef: string, values: Record<string, string>): void {
    const vm = this.db.find('VM', vmRef);
    if (!vm) return;
    this.db.update('VM', vmRef, { other_config: { ...(vm.other_config as Record<string, string>), ...values } });
  }

  /** One pass of _monitoring_loop: read info, version and ps, or fail and retry. */
  private async connect(vmRef: string, w: Watch, backdated: boolean): Promise<void> {
    w.timer = undefined;
    if (this.watches.get(vmRef) !== w) return;
    try {
      const [info, version, ps] = [await this.docker.infoXml(vmRef), await this.docker.versionXml(vmRef), await this.docker.psXml(vmRef)];
      if (this.watches.get(vmRef) !== w) return;
      this.setKeys(vmRef, { docker_info: info, docker_version: version, docker_ps: ps });
      w.phase = 'monitoring';
      this.dropErrorMessage(w);
      const daemon = this.pc.daemon(vmRef)!;
      const offEvent = daemon.onEvent(() => this.psChanged(vmRef, w));
      const offStop = daemon.onStopped(() => this.lost(vmRef, w));
      w.unsubscribe = () => {
        offEvent();
        offStop();
      };
    } catch (err) {
      if (this.watches.get(vmRef) !== w) return;
      if (!(err instanceof PythonException)) throw err;
      this.failed(vmRef, w, backdated);
    }
  }

  private failed(vmRef: string, w: Watch, backdated: boolean): void {
    w.phase = 'failing';
    const now = this.clock.now();
    if (!w.errorMessage && now - w.startedAt >= MONITOR_TIMING.warnAfter) {
      const vm = this.db.get('VM', vmRef);
      const failure = this.pc.access(vmRef, String(vm.uuid));
      const cause = failure?.cause ?? 'Unable to determine cause of failure.';
      w.errorMessage = postMessage(this.pc.pool, MONITOR_ERROR_MESSAGE, 3, 'VM', String(vm.uuid), cause, backdated ? w.startedAt + MONITOR_TIMING.warnAfter : undefined);
    }
    w.timer = this.clock.setTimeout(() => void this.connect(vmRef, w, false), MONITOR_TIMING.retry);
  }

  /** The event stream ended (dockerd stopped): the keys go, and the monitor tries again. */
  private lost(vmRef: string, w: Watch): void {
    if (this.watches.get(vmRef) !== w) return;
    w.unsubscribe?.();
    w.unsubscribe = undefined;
    if (w.flush !== undefined) this.clock.clearTimeout(w.flush);
    w.flush = undefined;
    this.wipe(vmRef);
    this.failed(vmRef, w, false);
  }

  private psChanged(vmRef: string, w: Watch): void {
    if (w.flush !== undefined || w.phase !== 'monitoring') return;
    w.flush = this.clock.setTimeout(() => {
      w.flush = undefined;
      void this.refreshPs(vmRef, w);
    }, MONITOR_TIMING.eventLatency);
  }

  private async refreshPs(vmRef: string, w: Watch): Promise<void> {
    if (this.watches.get(vmRef) !== w || w.phase !== 'monitoring') return;
    try {
      const ps = await this.docker.psXml(vmRef);
      if (this.watches.get(vmRef) === w) this.setKeys(vmRef, { docker_ps: ps });
    } catch {
      // As xscontainer: a failed refresh is logged and the next event tries again.
    }
  }

  /** The plugin rewrote docker_ps itself (pause/unpause): a pending refresh would only repeat it. */
  psWritten(vmRef: string): void {
    const w = this.watches.get(vmRef);
    if (w?.flush === undefined) return;
    this.clock.clearTimeout(w.flush);
    w.flush = undefined;
  }

  private dropErrorMessage(w: Watch): void {
    if (w.errorMessage && this.db.has('message', w.errorMessage)) this.db.destroy('message', w.errorMessage);
    w.errorMessage = undefined;
  }

  /** What the monitor is doing for a VM (tests and the README's examples). */
  phase(vmRef: string): Watch['phase'] | undefined {
    return this.watches.get(vmRef)?.phase;
  }
}
