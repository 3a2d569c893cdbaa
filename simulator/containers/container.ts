/**
 * One container inside a guest's Docker engine: what it was created from (ContainerSpec) and Docker's state
 * machine (container/state.go): created → running ⇄ paused, running → restarting → running, → exited (code),
 * with StartedAt/FinishedAt, the restart count and "manually stopped" flag the restart policy reads, and its
 * processes, whose CPU time grows on the simulated clock while the container runs and the guest is not frozen.
 */

import type { Endpoint } from './docker-networks';

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface PortSpec {
  privatePort: number;
  /** Published on the guest (docker run -p): shown with IP 0.0.0.0 and :: as Docker ≥ 20 lists them. */
  publicPort?: number;
  type?: 'tcp' | 'udp';
}

export interface MountSpec { type: 'bind' | 'volume'; source: string; destination: string; readOnly?: boolean }

export interface ProcessSpec {
  /** What ps shows in the UID column (a name known to the guest, or a bare uid). */
  user: string;
  cmd: string;
  /** Share of one CPU the process uses while it runs (0.02 = 2 %). */
  cpu: number;
}

export interface ContainerSpec {
  name: string;
  image: string;
  entrypoint?: string[];
  cmd: string[];
  env?: string[];
  labels?: Record<string, string>;
  ports?: PortSpec[];
  mounts?: MountSpec[];
  restart?: { name: RestartPolicyName; maximumRetryCount?: number };
  /** `bridge` (default), `host`, or a user network such as `monitoring_default`. */
  networkMode?: string;
  user?: string;
  workingDir?: string;
  /** Processes while running; the first is the container's PID 1. */
  processes: ProcessSpec[];
  /** How PID 1 takes SIGTERM: exits after `afterMs` with `exitCode` (a shell as PID 1 ignores it: Docker kills it at 10 s, 137). */
  stop?: { afterMs: number; exitCode: number };
  /** A container that ends on its own (a CI job, a crash loop): runs `runsForMs`, then exits with `exitCode`. */
  lifetime?: { runsForMs: number; exitCode: number };
  sizeRw?: number;
  sizeRootFs?: number;
}

export type ContainerStateName = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing';

interface ProcessRun { pid: number; ppid: number; cpuMs: number }

export class Container {
  running = false;
  paused = false;
  restarting = false;
  dead = false;
  removing = false;
  /** 0 = never (Docker's zero time). */
  startedAt = 0;
  finishedAt = 0;
  exitCode = 0;
  restartCount = 0;
  manuallyStopped = false;
  /** Docker's restart manager back-off (ms); 0 = reset. */
  backoffMs = 0;
  pid = 0;
  processes: ProcessRun[] = [];
  /** Work in flight on this container (Docker holds the container lock): operations queue behind it. */
  busy: Promise<void> = Promise.resolve();
  /** Its endpoint on the container network while it runs (Docker releases it when the container stops). */
  endpoint: Endpoint | undefined;
  /** Pending timer of the container's own exit or of a restart after back-off. */
  timer: number | undefined;
  /** When CPU time last started accruing (undefined while it does not). */
  private accruingSince: number | undefined;

  constructor(readonly id: string, readonly spec: ContainerSpec, readonly created: number, readonly imageId: string) {}

  get name(): string {
    return this.spec.name;
  }

  /** Docker's State.StateString(). */
  get state(): ContainerStateName {
    if (this.running) return this.paused ? 'paused' : this.restarting ? 'restarting' : 'running';
    if (this.removing) return 'removing';
    if (this.dead) return 'dead';
    return this.startedAt === 0 ? 'created' : 'exited';
  }

  /** Docker's State.String(), the `Status` column of `docker ps`. */
  status(now: number): string {
    if (this.running) {
      if (this.paused) return `Up ${humanDuration(now - this.startedAt)} (Paused)`;
      if (this.restarting) return `Restarting (${this.exitCode}) ${humanDuration(now - this.finishedAt)} ago`;
      return `Up ${humanDuration(now - this.startedAt)}`;
    }
    if (this.removing) return 'Removal In Progress';
    if (this.dead) return 'Dead';
    if (this.startedAt === 0) return 'Created';
    if (this.finishedAt === 0) return '';
    return `Exited (${this.exitCode}) ${humanDuration(now - this.finishedAt)} ago`;
  }

  /** Whether the container's processes use CPU right now (running, not paused, not between restarts, guest not frozen). */
  accrue(now: number, guestRunning: boolean): void {
    if (this.accruingSince !== undefined) {
      const elapsed = Math.max(0, now - this.accruingSince);
      this.processes.forEach((p, i) => (p.cpuMs += elapsed * (this.spec.processes[i]?.cpu ?? 0)));
    }
    this.accruingSince = this.running && !this.paused && !this.restarting && guestRunning ? now : undefined;
  }

  /** A new run: fresh PIDs (the first is PID 1 of the container, a child of containerd-shim). */
  spawn(now: number, pids: () => number): void {
    const shim = pids();
    const first = pids();
    this.processes = this.spec.processes.map((_, i) => ({ pid: i === 0 ? first : pids(), ppid: i === 0 ? shim : first, cpuMs: 0 }));
    this.pid = first;
    this.startedAt = now;
  }

  /** Seeds CPU time for a container that has been running since before the simulation started. */
  seedCpu(ms: number): void {
    this.processes.forEach((p, i) => (p.cpuMs = ms * (this.spec.processes[i]?.cpu ?? 0)));
  }

  /** `ps -ef` rows for the container's processes (`docker top` default): UID PID PPID C STIME TTY TIME CMD. */
  topRows(now: number): string[][] {
    const elapsed = Math.max(1, now - this.startedAt);
    return this.processes.map((p, i) => {
      const spec = this.spec.processes[i];
      const c = Math.min(99, Math.floor((p.cpuMs * 100) / elapsed));
      return [spec.user, String(p.pid), String(p.ppid), String(c), psStartTime(this.startedAt, now), '?', psCpuTime(p.cpuMs), spec.cmd];
    });
  }
}

export const TOP_TITLES = ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'];

/** go-units HumanDuration, as Docker words `Up 3 days` and `Exited (0) 5 minutes ago`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3600_000 / 24 / 365)} years`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** procps STIME: `HH:MM` within the last day, `MonDD` within the year, else the year (guest clock in UTC). */
export function psStartTime(start: number, now: number): string {
  const d = new Date(start);
  if (now - start < 86400_000) return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  if (d.getUTCFullYear() === new Date(now).getUTCFullYear()) return `${MONTHS[d.getUTCMonth()]}${two(d.getUTCDate())}`;
  return String(d.getUTCFullYear());
}

/** procps TIME: cumulative CPU as `[DD-]HH:MM:SS`. */
export function psCpuTime(ms: number): string {
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86400);
  const hms = `${two(Math.floor((total % 86400) / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}
