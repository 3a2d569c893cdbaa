/**
 * A GitLab runner with the docker executor, inside a guest: while its `gitlab-runner` container runs, each of
 * its `concurrent` slots picks up a job now and then. A job is a `-predefined` helper container (clones the
 * repository, exits 0) and a `-build` container that runs the job's script for a few minutes and exits 0 or 1;
 * the runner removes both when the job ends. This is the container churn a CI host shows.
 */
import type { SeededRandom } from '../random';
import type { Container, ContainerSpec } from './container';
import type { DockerDaemon } from './docker-daemon';

export const HELPER_IMAGE = 'registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v16.11.1';

/** What the docker executor runs as the build container's command: the first shell the image has. */
export const SHELL_DETECTION = [
  'sh', '-c',
  'if [ -x /usr/local/bin/bash ]; then\n\texec /usr/local/bin/bash \nelif [ -x /usr/bin/bash ]; then\n\texec /usr/bin/bash \nelif [ -x /bin/bash ]; then\n\texec /bin/bash \n'
  + 'elif [ -x /usr/local/bin/sh ]; then\n\texec /usr/local/bin/sh \nelif [ -x /usr/bin/sh ]; then\n\texec /usr/bin/sh \nelif [ -x /bin/sh ]; then\n\texec /bin/sh \n'
  + 'elif [ -x /busybox/sh ]; then\n\texec /busybox/sh \nelse\n\techo shell not found\n\texit 1\nfi\n\n',
];

/** Hex digits derived from `text` (FNV-1a rounds): stable names and hashes for generated objects. */
export function stableHex(text: string, n: number): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < n; round++) {
    for (const ch of `${text}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, n);
}

/** The job cache of a project on a slot: container and volume share this name (the runner hashes project and slot). */
export function cacheName(token: string, project: CiProject, slot: number): string {
  return `runner-${token}-project-${project.id}-concurrent-${slot}-cache-${stableHex(`${project.path}/${slot}`, 32)}`;
}

export interface CiProject { id: number; path: string; image: string; script: string; ref: string }

export interface CiRunnerOptions {
  /** The runner's short token, in every job container's name. */
  token: string;
  runnerId: number;
  concurrent: number;
  projects: CiProject[];
  /** Simulated ms between jobs on a slot, and job durations. */
  idleMs: [number, number];
  jobMs: [number, number];
  /** Share of jobs that fail (exit 1). */
  failureRate: number;
}

export class CiRunner {
  private timers = new Map<number, number>();
  private jobId: number;
  private pipelineId: number;

  constructor(private readonly daemon: DockerDaemon, private readonly rng: SeededRandom, readonly opts: CiRunnerOptions) {
    this.jobId = rng.int(180_000, 240_000);
    this.pipelineId = Math.floor(this.jobId / 4);
  }

  private get clock() {
    return this.daemon.clock;
  }

  /** Starts every slot's cycle (a first job after a random idle time). */
  start(): void {
    for (let slot = 0; slot < this.opts.concurrent; slot++) this.schedule(slot, this.rng.int(...this.opts.idleMs));
  }

  stop(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  private schedule(slot: number, ms: number): void {
    this.timers.set(slot, this.clock.setTimeout(() => this.tick(slot), ms));
  }

  private runnerUp(): boolean {
    if (!this.daemon.up || !this.daemon.guestRunning) return false;
    return [...this.daemon.containers.values()].some((c) => c.name === 'gitlab-runner' && c.running && !c.paused && !c.restarting);
  }

  private tick(slot: number): void {
    this.timers.delete(slot);
    if (!this.runnerUp()) {
      this.schedule(slot, 60_000);
      return;
    }
    void this.runJob(slot).finally(() => this.schedule(slot, this.rng.int(...this.opts.idleMs)));
  }

  /**
   * One job on `slot`, from the helper container to the clean-up. `inProgressForMs` joins a job that started
   * that long ago (how a busy runner looks when the simulation starts).
   */
  async runJob(slot: number, inProgressForMs = 0): Promise<void> {
    const project = this.rng.pick(this.opts.projects);
    const job = ++this.jobId;
    if (this.rng.next() < 0.3) this.pipelineId++;
    const base = `runner-${this.opts.token}-project-${project.id}-concurrent-${slot}-${this.rng.hex(16)}`;
    const labels: Record<string, string> = {
      'com.gitlab.gitlab-runner.job.before_sha': this.rng.hex(40), 'com.gitlab.gitlab-runner.job.id': String(job), 'com.gitlab.gitlab-runner.job.ref': project.ref,
      'com.gitlab.gitlab-runner.job.sha': this.rng.hex(40), 'com.gitlab.gitlab-runner.job.url': `https://gitlab.example.com/${project.path}/-/jobs/${job}`,
      'com.gitlab.gitlab-runner.managed': 'true', 'com.gitlab.gitlab-runner.pipeline.id': String(this.pipelineId), 'com.gitlab.gitlab-runner.project.id': String(project.id),
      'com.gitlab.gitlab-runner.runner.id': String(this.opts.runnerId), 'com.gitlab.gitlab-runner.runner.local_id': '0',
    };
    const mounts = [{ type: 'volume' as const, source: cacheName(this.opts.token, project, slot), destination: '/cache' }];
    const failed = this.rng.next() < this.opts.failureRate;
    const duration = Math.max(inProgressForMs + 60_000, this.rng.int(...this.opts.jobMs));
    const helper: ContainerSpec = {
      name: `${base}-predefined`, image: HELPER_IMAGE, cmd: ['gitlab-runner-helper', 'build'], labels: { ...labels, 'com.gitlab.gitlab-runner.type': 'predefined' }, mounts,
      processes: [{ user: 'root', cmd: 'gitlab-runner-helper build', cpu: 0.3 }], lifetime: { runsForMs: 2500, exitCode: 0 }, workingDir: `/builds/${project.path}`,
    };
    const build: ContainerSpec = {
      name: `${base}-build`, image: project.image, cmd: SHELL_DETECTION, labels: { ...labels, 'com.gitlab.gitlab-runner.type': 'build' }, mounts,
      processes: [{ user: 'root', cmd: '/usr/bin/bash', cpu: 0.005 }, { user: 'root', cmd: project.script, cpu: 0.9 }],
      lifetime: { runsForMs: duration, exitCode: failed ? 1 : 0 }, stop: { afterMs: 10_500, exitCode: 137 }, workingDir: `/builds/${project.path}`,
    };
    const created: Container[] = [];
    try {
      if (inProgressForMs > 0) {
        const now = this.clock.now();
        const c = this.daemon.create(build, now - inProgressForMs - 4000);
        created.push(c);
        this.daemon.seed(c, 'running', { startedAt: now - inProgressForMs });
        await this.exited(c);
      } else {
        for (const spec of [helper, build]) {
          const c = this.daemon.create(spec);
          created.push(c);
          await this.daemon.start(c);
          await this.exited(c);
        }
      }
      await this.clock.sleep(3000);
    } catch {
      // The engine went away mid-job (guest halted): the runner reports the job as failed; leftovers stay.
      return;
    }
    for (const c of created) if (this.daemon.up && this.daemon.containers.has(c.id) && !c.running) this.daemon.remove(c);
  }

  /** Resolves when the container has exited (rejects if the engine stops first). */
  private exited(c: Container): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!c.running) return resolve();
      const offEvent = this.daemon.onEvent((type, x) => {
        if (x === c && type === 'die' && !c.running) done(resolve);
      });
      const offStop = this.daemon.onStopped(() => done(reject));
      const done = (f: (v?: never) => void) => {
        offEvent();
        offStop();
        f();
      };
    });
  }
}
