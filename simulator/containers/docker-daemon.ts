/**
 * A guest's Docker engine (dockerd 24): its containers, the lifecycle operations with Docker's checks and error
 * texts (`No such container: x`, 304 Not Modified, `Container <id> is not running`…), the restart manager
 * (policies no / always / unless-stopped / on-failure, back-off 100 ms doubling to 1 min, reset after 10 s of
 * running), and what a guest shutdown or crash does to the containers and what the next boot restarts.
 * Operations take simulated time; every change is a Docker event (create, start, kill, die, stop, restart,
 * pause, unpause, destroy) for the xscontainer monitor.
 */
import type { SimClock } from '../clock';
import type { SeededRandom } from '../random';
import { Container, type ContainerSpec } from './container';
import { DockerNetworks } from './docker-networks';

/** A Docker API failure: the HTTP status and, except for 304, the message of Docker's JSON error body. */
export class DockerError extends Error {
  constructor(readonly status: number, message = '') {
    super(message);
  }
}

export type DockerEventType = 'create' | 'start' | 'kill' | 'die' | 'stop' | 'restart' | 'pause' | 'unpause' | 'destroy';

/** What the engine needs to know about its guest (docker info reports it). */
export interface GuestFacts {
  hostname: string;
  ncpu: number;
  memTotal: number;
  kernelVersion: string;
  operatingSystem: string;
  osVersion: string;
}

/** Simulated durations (ms) of engine work. */
export const DOCKER_TIMING = { start: 300, pauseUnpause: 50, stopTimeout: 10_000, defaultStop: 500, bootDelay: 3000 };
const MAX_BACKOFF = 60_000;

export class DockerDaemon {
  readonly containers = new Map<string, Container>();
  /** dockerd is running (the guest is up and the service is enabled). */
  up = false;
  /** The docker service is installed and enabled in the guest (false: `systemctl stop docker`, no socket). */
  serviceEnabled = true;
  /** The guest's vCPUs run (not paused or suspended): container processes accrue CPU time. */
  guestRunning = false;
  readonly images = new Map<string, string>();
  readonly networks: DockerNetworks;
  private listeners = new Set<(type: DockerEventType, c: Container) => void>();
  private nextPid: number;
  /** Remaining run time of containers that end on their own, and since when it is being consumed. */
  private lifetimeLeft = new Map<Container, number>();
  private lifetimeSince = new Map<Container, number>();
  /** dockerd is stopping: containers that exit now are not restarted. */
  private stopping = false;

  private stoppedListeners = new Set<() => void>();

  constructor(readonly clock: SimClock, readonly rng: SeededRandom, readonly facts: () => GuestFacts) {
    this.nextPid = rng.int(900, 2500);
    this.networks = new DockerNetworks(rng);
  }

  onEvent(listener: (type: DockerEventType, c: Container) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** dockerd stopped (guest shutdown or crash, service stopped): the event stream of a listener ends. */
  onStopped(listener: () => void): () => void {
    this.stoppedListeners.add(listener);
    return () => this.stoppedListeners.delete(listener);
  }

  private stopped(): void {
    this.up = false;
    for (const l of [...this.stoppedListeners]) l();
  }

  private emit(type: DockerEventType, c: Container): void {
    for (const l of [...this.listeners]) l(type, c);
  }

  private pid = () => (this.nextPid += this.rng.int(1, 37));

  imageId(image: string): string {
    let id = this.images.get(image);
    if (!id) this.images.set(image, (id = `sha256:${this.rng.hex(64)}`));
    return id;
  }

  /** `docker create`: the container exists, never started. */
  create(spec: ContainerSpec, created = this.clock.now()): Container {
    if ([...this.containers.values()].some((c) => c.name === spec.name)) {
      throw new DockerError(409, `Conflict. The container name "/${spec.name}" is already in use.`);
    }
    const c = new Container(this.rng.hex(64), spec, created, this.imageId(spec.image));
    this.containers.set(c.id, c);
    this.emit('create', c);
    return c;
  }

  /** Docker's GetContainer: full id, then name, then a unique id prefix. */
  find(ref: string): Container {
    const exact = this.containers.get(ref);
    if (exact) return exact;
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    const byName = [...this.containers.values()].find((c) => c.name === name);
    if (byName) return byName;
    const matches = ref ? [...this.containers.values()].filter((c) => c.id.startsWith(ref)) : [];
    if (matches.length > 1) throw new DockerError(400, `multiple IDs found with provided prefix: ${ref}`);
    if (!matches.length) throw new DockerError(404, `No such container: ${ref}`);
    return matches[0];
  }

  /** Runs `op` once the container's earlier operations are done (Docker's per-container lock). */
  private locked<T>(c: Container, op: () => Promise<T>): Promise<T> {
    const run = c.busy.then(op);
    c.busy = run.then(() => undefined, () => undefined);
    return run;
  }

  start(c: Container): Promise<void> {
    return this.locked(c, async () => {
      if (c.paused) throw new DockerError(409, 'cannot start a paused container, try unpause instead');
      if (c.running) throw new DockerError(304);
      c.manuallyStopped = false;
      await this.clock.sleep(DOCKER_TIMING.start);
      this.run(c);
    });
  }

  stop(c: Container): Promise<void> {
    return this.locked(c, async () => {
      if (!c.running) throw new DockerError(304);
      c.manuallyStopped = true;
      await this.terminate(c);
      this.emit('stop', c);
    });
  }

  restart(c: Container): Promise<void> {
    return this.locked(c, async () => {
      if (c.running) {
        await this.terminate(c);
        this.emit('stop', c);
      }
      c.manuallyStopped = false;
      await this.clock.sleep(DOCKER_TIMING.start);
      this.run(c);
      this.emit('restart', c);
    });
  }

  pause(c: Container): Promise<void> {
    return this.locked(c, async () => {
      if (!c.running) throw new DockerError(409, `Container ${c.id} is not running`);
      if (c.paused) throw new DockerError(409, `Container ${c.id} is already paused`);
      if (c.restarting) throw new DockerError(409, `Container ${c.id} is restarting, wait until the container is running`);
      await this.freeze(c, true);
    });
  }

  unpause(c: Container): Promise<void> {
    return this.locked(c, async () => {
      if (!c.paused) throw new DockerError(409, `Container ${c.id} is not paused`);
      await this.freeze(c, false);
    });
  }

  /** The cgroup freezer: CPU time stops (or goes on), and so does the time left of a container that ends on its own. */
  private async freeze(c: Container, paused: boolean): Promise<void> {
    await this.clock.sleep(DOCKER_TIMING.pauseUnpause);
    c.accrue(this.clock.now(), this.guestRunning);
    c.paused = paused;
    c.accrue(this.clock.now(), this.guestRunning);
    if (paused) this.holdLifetime(c);
    else this.resumeLifetime(c);
    this.emit(paused ? 'pause' : 'unpause', c);
  }

  /** `docker rm` (of a stopped container, as the GitLab runner does after a job). */
  remove(c: Container): void {
    if (c.running) throw new DockerError(409, `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    this.containers.delete(c.id);
    this.emit('destroy', c);
  }

  /** `docker top`: the container must be running, and not between restarts. */
  assertTop(c: Container): void {
    if (!c.running) throw new DockerError(409, `Container ${c.id} is not running`);
    if (c.restarting) throw new DockerError(409, `Container ${c.id} is restarting, wait until the container is running`);
  }

  /**
   * PID 1 gets SIGTERM; the container exits as its spec says, or is killed (137) at the stop timeout.
   * `withinMs` squeezes the wait into a guest shutdown, which the simulator runs in a few seconds.
   */
  private async terminate(c: Container, withinMs = Infinity): Promise<void> {
    if (c.restarting) {
      // Stopping a container between restarts cancels the restart; it stays exited with its last code.
      if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
      c.timer = undefined;
      c.running = false;
      c.restarting = false;
      return;
    }
    this.emit('kill', c);
    const stop = c.spec.stop ?? { afterMs: DOCKER_TIMING.defaultStop, exitCode: 0 };
    const killed = stop.afterMs > DOCKER_TIMING.stopTimeout;
    await this.clock.sleep(Math.min(withinMs, killed ? DOCKER_TIMING.stopTimeout : stop.afterMs));
    if (killed) this.emit('kill', c);
    if (c.running) this.exited(c, killed ? 137 : stop.exitCode);
  }

  /** The container's process runs (after start, restart, a restart-policy restart or a boot). */
  private run(c: Container): void {
    const now = this.clock.now();
    c.accrue(now, this.guestRunning);
    c.running = true;
    c.paused = false;
    c.restarting = false;
    c.exitCode = 0;
    c.spawn(now, this.pid);
    c.endpoint = this.networks.endpoint(c.spec.networkMode ?? 'bridge');
    c.accrue(now, this.guestRunning);
    if (c.spec.lifetime) {
      this.lifetimeLeft.set(c, c.spec.lifetime.runsForMs);
      if (this.guestRunning) this.resumeLifetime(c);
    }
    this.emit('start', c);
  }

  /** PID 1 ended: die event, then the restart manager decides (never after a stop by the user). */
  private exited(c: Container, code: number): void {
    const now = this.clock.now();
    c.accrue(now, this.guestRunning);
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    c.timer = undefined;
    this.lifetimeLeft.delete(c);
    const ranFor = now - c.startedAt;
    c.running = false;
    c.paused = false;
    c.restarting = false;
    c.finishedAt = now;
    c.exitCode = code;
    c.pid = 0;
    c.processes = [];
    c.endpoint = undefined;
    c.accrue(now, this.guestRunning);
    if (!c.manuallyStopped && !this.stopping && this.shouldRestart(c, ranFor)) {
      c.running = true;
      c.restarting = true;
      c.restartCount++;
      this.emit('die', c);
      c.timer = this.clock.setTimeout(() => {
        c.timer = undefined;
        if (c.restarting && this.up) this.run(c);
      }, c.backoffMs);
      return;
    }
    this.emit('die', c);
  }

  /** The restart manager's ShouldRestart (it also advances the back-off). */
  private shouldRestart(c: Container, ranForMs: number): boolean {
    const policy = c.spec.restart ?? { name: 'no' };
    if (ranForMs >= 10_000) c.backoffMs = 0;
    c.backoffMs = c.backoffMs === 0 ? 100 : Math.min(MAX_BACKOFF, c.backoffMs * 2);
    switch (policy.name) {
      case 'always': return true;
      case 'unless-stopped': return !c.manuallyStopped;
      case 'on-failure': {
        const max = policy.maximumRetryCount ?? 0;
        return (max === 0 || c.restartCount < max) && c.exitCode !== 0;
      }
      default: return false;
    }
  }

  private holdLifetime(c: Container): void {
    if (c.timer === undefined || !this.lifetimeLeft.has(c)) return;
    this.clock.clearTimeout(c.timer);
    c.timer = undefined;
    const since = this.lifetimeSince.get(c) ?? this.clock.now();
    this.lifetimeLeft.set(c, Math.max(0, (this.lifetimeLeft.get(c) ?? 0) - (this.clock.now() - since)));
  }

  private resumeLifetime(c: Container): void {
    const left = this.lifetimeLeft.get(c);
    const lifetime = c.spec.lifetime;
    if (left === undefined || !lifetime || c.paused || c.timer !== undefined) return;
    this.lifetimeSince.set(c, this.clock.now());
    c.timer = this.clock.setTimeout(() => {
      c.timer = undefined;
      if (c.running && !c.restarting) this.exited(c, lifetime.exitCode);
    }, left);
  }

  /** The guest's vCPUs stop or run again (VM paused or suspended, then unpaused or resumed). */
  setGuestRunning(running: boolean): void {
    const now = this.clock.now();
    for (const c of this.containers.values()) {
      c.accrue(now, this.guestRunning);
      if (!running) this.holdLifetime(c);
    }
    this.guestRunning = running;
    for (const c of this.containers.values()) {
      c.accrue(now, running);
      if (running) this.resumeLifetime(c);
    }
  }

  /** The guest booted: dockerd starts a little later and restarts containers per their restart policy. */
  boot(): void {
    this.setGuestRunning(true);
    if (!this.serviceEnabled || this.up) return;
    this.up = true;
    for (const c of this.containers.values()) {
      // Docker restores only containers that ran before, and asks the restart manager about each.
      if (c.startedAt === 0 || c.running) continue;
      const policy = c.spec.restart?.name ?? 'no';
      const restart = policy === 'always' || (policy === 'unless-stopped' && !c.manuallyStopped) || (policy === 'on-failure' && c.exitCode !== 0);
      if (restart) this.run(c);
    }
  }

  /**
   * The guest shuts down cleanly: dockerd sends every running container SIGTERM (as `docker stop`, but not a
   * manual stop: the restart policies apply at the next boot) and exits.
   */
  async shutdown(withinMs = Infinity): Promise<void> {
    if (!this.up) return;
    this.stopping = true;
    try {
      await Promise.all([...this.containers.values()].filter((c) => c.running).map((c) => this.locked(c, () => this.terminate(c, withinMs))));
    } finally {
      this.stopping = false;
      this.stopped();
    }
  }

  /** The guest is gone without a clean shutdown (hard shutdown, crash, host failure): running containers die, 255. */
  crash(): void {
    const now = this.clock.now();
    for (const c of this.containers.values()) {
      if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
      c.timer = undefined;
      this.lifetimeLeft.delete(c);
      if (!c.running) continue;
      c.accrue(now, this.guestRunning);
      c.running = false;
      c.paused = false;
      c.restarting = false;
      c.finishedAt = now;
      c.exitCode = 255;
      c.pid = 0;
      c.processes = [];
      c.endpoint = undefined;
      c.accrue(now, false);
    }
    if (this.up) this.stopped();
    this.setGuestRunning(false);
  }

  /** `systemctl stop docker` / `start docker` in the guest: the socket goes away, containers stop as on a shutdown. */
  async setService(enabled: boolean): Promise<void> {
    this.serviceEnabled = enabled;
    if (!enabled) await this.shutdown();
    else if (this.guestRunning) this.boot();
  }

  /**
   * Puts a container in a scenario state directly (no events): how a pool that has run for days looks.
   * `since` is when it was started (running, paused, restarting) or finished (exited).
   */
  seed(c: Container, state: 'running' | 'paused' | 'exited' | 'restarting', opts: { startedAt: number; finishedAt?: number; exitCode?: number; restartCount?: number; manuallyStopped?: boolean }): void {
    const now = this.clock.now();
    c.spawn(opts.startedAt, this.pid);
    c.restartCount = opts.restartCount ?? 0;
    c.manuallyStopped = opts.manuallyStopped ?? false;
    if (state === 'exited') {
      c.finishedAt = opts.finishedAt ?? now;
      c.exitCode = opts.exitCode ?? 0;
      c.pid = 0;
      c.processes = [];
      return;
    }
    c.running = true;
    c.paused = state === 'paused';
    if (state !== 'restarting') c.endpoint = this.networks.endpoint(c.spec.networkMode ?? 'bridge');
    c.seedCpu(Math.max(0, now - opts.startedAt));
    if (state === 'restarting') {
      // Caught between two runs of a crash loop: the back-off is at its ceiling.
      c.restarting = true;
      c.exitCode = opts.exitCode ?? 1;
      c.finishedAt = opts.finishedAt ?? now;
      c.backoffMs = MAX_BACKOFF;
      c.processes = [];
      c.pid = 0;
      c.timer = this.clock.setTimeout(() => {
        c.timer = undefined;
        if (c.restarting && this.up) this.run(c);
      }, Math.max(0, c.finishedAt + MAX_BACKOFF - now));
      return;
    }
    c.accrue(now, this.guestRunning);
    if (c.spec.lifetime && !c.paused) {
      this.lifetimeLeft.set(c, Math.max(1000, c.spec.lifetime.runsForMs - (now - opts.startedAt)));
      if (this.guestRunning) this.resumeLifetime(c);
    } else if (c.spec.lifetime) this.lifetimeLeft.set(c, c.spec.lifetime.runsForMs);
  }
}
