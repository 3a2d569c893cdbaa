/**
 * The Docker side of a pool's guests: each guest VM's engine (if it has one) and how dom0 reaches it (an IP
 * with an SSH server, xscontainer's key installed by xscontainer-prepare-vm, the Docker socket), kept beside
 * the database like `pool.guests`. The engines follow their VM's power state: a clean shutdown stops the
 * containers as dockerd does, a hard stop or host failure kills them (exit 255), a boot starts dockerd, which
 * restarts containers per their restart policy; a paused or suspended VM freezes its containers.
 */
import type { PoolSim } from '../core';
import { NULL_REF } from '../db/object-db';
import { SeededRandom } from '../random';
import { DOCKER_TIMING, DockerDaemon, type GuestFacts } from './docker-daemon';
import { XsContainerMonitor } from './monitor';
import { stableHex } from './ci-runner';

export interface GuestAccess {
  /** An SSH server answers on the guest's IP (Linux guests: yes; Windows guests: no). */
  sshd: boolean;
  /** xscontainer's public key is in the guest user's authorized_keys (xscontainer-prepare-vm did it). */
  keyInstalled: boolean;
  /** The SSH host key the guest presents (xscontainer remembers it in `xscontainer-sshhostkey`). */
  hostKey: string;
}

export interface GuestDocker extends GuestAccess {
  vmRef: string;
  daemon: DockerDaemon | undefined;
}

/** Why dom0 cannot talk to the guest's Docker: the exception xscontainer's SSH helper raises, and its diagnosis. */
export interface AccessFailure { pyClass: string; text: string; cause: string }

const GUEST_SHUTDOWN_OPS = new Set(['clean_shutdown', 'clean_reboot', 'shutdown']);

export const ERROR_CAUSE_NETWORK = 'Error: Cannot find a valid IP that allows SSH connections to the VM. Please make sure that Tools are installed, a network route is set up, there is a SSH server running inside the VM that is reachable from Dom0.';

export class PoolContainers {
  readonly guests = new Map<string, GuestDocker>();
  readonly rng: SeededRandom;
  /** xscontainer-monitor for the pool's hosts. */
  readonly monitor: XsContainerMonitor;
  /** Pending dockerd start per VM (a boot takes a few seconds). */
  private boots = new Map<string, number>();

  constructor(readonly pool: PoolSim) {
    this.rng = new SeededRandom(parseInt(stableHex(`${pool.ref}/containers`, 8), 16));
    this.monitor = new XsContainerMonitor(this);
  }

  get clock() {
    return this.pool.sim.clock;
  }

  /** The guest's Docker record, created on first use with what a guest without xscontainer preparation has. */
  guest(vmRef: string): GuestDocker {
    let g = this.guests.get(vmRef);
    if (!g) {
      const windows = this.pool.guests.get(vmRef)?.os_version.distro === 'windows';
      g = { vmRef, daemon: undefined, sshd: !windows, keyInstalled: false, hostKey: `AAAAB3NzaC1yc2EAAAADAQABAAABgQ${this.base64(514)}` };
      this.guests.set(vmRef, g);
    }
    return g;
  }

  /** Gives the guest a Docker engine (prepared for xscontainer unless told otherwise). */
  addEngine(vmRef: string, opts: { keyInstalled?: boolean } = {}): DockerDaemon {
    const g = this.guest(vmRef);
    g.keyInstalled = opts.keyInstalled ?? true;
    if (!g.daemon) {
      g.daemon = new DockerDaemon(this.clock, new SeededRandom(this.rng.int(1, 2 ** 31)), () => this.facts(vmRef));
      const vm = this.pool.db.get('VM', vmRef);
      if (vm.power_state === 'Running') {
        g.daemon.guestRunning = true;
        g.daemon.up = true;
      }
    }
    return g.daemon;
  }

  daemon(vmRef: string): DockerDaemon | undefined {
    return this.guests.get(vmRef)?.daemon;
  }

  private base64(n: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.rng.int(0, 63)];
    return s;
  }

  private facts(vmRef: string): GuestFacts {
    const vm = this.pool.db.find('VM', vmRef);
    const os = this.pool.guests.get(vmRef)?.os_version ?? {};
    const memory = Number(vm?.memory_dynamic_max ?? 0);
    return {
      hostname: String(vm?.name_label ?? ''), ncpu: Number(vm?.VCPUs_at_startup ?? 1),
      // The kernel keeps some memory for itself: MemTotal is a little under the VM's memory.
      memTotal: Math.round(memory * 0.962), kernelVersion: os.uname ?? '', operatingSystem: os.name ?? '',
      osVersion: os.major ? `${os.major}.${os.minor ?? '0'}` : '',
    };
  }

  /** The guest's IPv4 addresses as xscontainer reads them (VM_guest_metrics.networks). */
  private ips(vmRef: string): string[] {
    const vm = this.pool.db.find('VM', vmRef);
    const gm = vm && vm.guest_metrics !== NULL_REF ? this.pool.db.find('VM_guest_metrics', String(vm.guest_metrics)) : undefined;
    return Object.values((gm?.networks ?? {}) as Record<string, string>).filter((a) => !a.includes(':'));
  }

  /** A Python traceback object's repr, as it leaks into one of xscontainer's messages. */
  tracebackRepr(): string {
    return `<traceback object at 0x7f${this.rng.hex(2)}${this.rng.hex(8)}>`;
  }

  /**
   * Whether `execute_docker` would get through: the same order of checks as xscontainer (an IP with port 22
   * open, key authentication, then `ncat -U /var/run/docker.sock`), with the exception each failure raises and
   * `determine_error_cause`'s diagnosis.
   */
  access(vmRef: string, vmUuid: string): AccessFailure | undefined {
    const g = this.guest(vmRef);
    if (!g.sshd || !this.ips(vmRef).length) {
      return { pyClass: 'SshException', text: `('execute_ssh: No valid IP found for vmuuid ${vmUuid}', ${this.tracebackRepr()})`, cause: ERROR_CAUSE_NETWORK };
    }
    if (!g.keyInstalled) {
      return {
        pyClass: 'AuthenticationException', text: `prepare_ssh_client failed to authenticate with private key on VM ${vmUuid}`,
        cause: 'Unable to verify key-based authentication. Please prepare the VM to install a key.',
      };
    }
    if (!g.daemon?.up) {
      return {
        pyClass: 'SshException', text: "Returncode for 'ncat -U /var/run/docker.sock' is not 0",
        cause: 'Unable to find the Docker unix socket at /var/run/docker.sock. Please install and run Docker.',
      };
    }
    return undefined;
  }

  /** Whether dom0 reaches the guest's SSH server at all (then xscontainer learns its host key). */
  sshReachable(vmRef: string): boolean {
    return this.guest(vmRef).sshd && this.ips(vmRef).length > 0;
  }

  /** Follows VM power changes and guest shutdowns (called once the scenario is built). */
  attach(): void {
    const sim = this.pool.sim;
    sim.onVmChange((e) => {
      if (e.pool !== this.pool) return;
      this.powerChanged(e.ref, e.before.power_state, e.after.power_state);
    });
    this.pool.db.onChange((c) => {
      if (c.cls !== 'VM') return;
      if (c.op === 'del') {
        this.cancelBoot(c.ref);
        this.guests.get(c.ref)?.daemon?.crash();
        this.guests.delete(c.ref);
        return;
      }
      const daemon = this.guests.get(c.ref)?.daemon;
      if (!daemon || !c.before) return;
      const ops = (r: Record<string, unknown>) => Object.values((r.current_operations ?? {}) as Record<string, string>);
      if (ops(c.rec).some((o) => GUEST_SHUTDOWN_OPS.has(o)) && !ops(c.before).some((o) => GUEST_SHUTDOWN_OPS.has(o))) {
        // The guest OS shuts down: systemd stops docker, which stops the containers (the VM halts ~3 s later).
        void daemon.shutdown(2000);
      }
    });
  }

  private cancelBoot(vmRef: string): void {
    const t = this.boots.get(vmRef);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.boots.delete(vmRef);
  }

  private powerChanged(vmRef: string, before: string, after: string): void {
    const daemon = this.guests.get(vmRef)?.daemon;
    if (!daemon || before === after) return;
    if (after === 'Halted') {
      this.cancelBoot(vmRef);
      daemon.crash();
    } else if (after === 'Running') {
      daemon.setGuestRunning(true);
      // A fresh domain (start, reboot) boots the guest, and dockerd starts a few seconds in; a resumed or
      // unpaused guest simply goes on.
      if (daemon.up || this.boots.has(vmRef)) return;
      this.boots.set(vmRef, this.clock.setTimeout(() => {
        this.boots.delete(vmRef);
        if (this.pool.db.find('VM', vmRef)?.power_state === 'Running') daemon.boot();
      }, DOCKER_TIMING.bootDelay));
    } else daemon.setGuestRunning(false);
  }
}

const registries = new WeakMap<PoolSim, PoolContainers>();

/** The pool's guest Docker engines (created on first use). */
export function poolContainers(pool: PoolSim): PoolContainers {
  let r = registries.get(pool);
  if (!r) registries.set(pool, (r = new PoolContainers(pool)));
  return r;
}

/** The registry if the pool has one (scenarios without containers have none). */
export function existingPoolContainers(pool: PoolSim): PoolContainers | undefined {
  return registries.get(pool);
}
