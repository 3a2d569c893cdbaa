/**
 * The simulator's object graph: one Simulator holds pools; a pool holds its database, sessions, tasks and
 * hosts; a host has its own listener (address) and answers as master or slave.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from './clock';
import { ObjectDb, NULL_REF } from './db/object-db';
import { Sessions } from './sessions';
import { Tasks } from './rpc/tasks';
import { ApiRegistry } from './rpc/api-registry';
import { RouteRegistry } from './http/routes';
import type { HostListener } from './http/listener';
import type { ServerCertificate } from './http/certificate';
import type { SeededRandom } from './random';
import type { Faults } from './faults';
import { vmAllowedOperations } from './api/vm-state';
import { PluginRegistry } from './api/plugins';

export interface VmChange {
  pool: PoolSim;
  ref: string;
  uuid: string;
  before: { power_state: string; resident_on: string };
  after: { power_state: string; resident_on: string };
}

/** A VM that left one pool for another (cross-pool VM.migrate_send): same uuid, new ref in the destination. */
export interface VmMove {
  from: PoolSim;
  fromRef: string;
  to: PoolSim;
  toRef: string;
  uuid: string;
}

/** What a started guest reports through its PV tools (VM_guest_metrics), kept beside the database. */
export interface GuestProfile {
  os_version: Record<string, string>;
  /** One IPv4 address per VIF device number. */
  ips: string[];
  pv_drivers_version: Record<string, string>;
}

export class SimHost {
  /** The value of host.address: a bare IP, or `127.0.0.1:PORT` where per-host loopback IPs are unavailable. */
  address = '';
  ip = '';
  port = 0;
  alive = true;
  listener: HostListener | undefined;
  /** The TLS certificate this host's listener serves (its own, or the run's shared one). */
  certificate: ServerCertificate | undefined;
  /** SHA-256 fingerprint of `certificate` (`AB:CD:…`). */
  fingerprint256 = '';

  constructor(readonly pool: PoolSim, readonly ref: string) {}

  get sim(): Simulator {
    return this.pool.sim;
  }
  get record(): Record<string, unknown> {
    return this.pool.db.get('host', this.ref);
  }
  get uuid(): string {
    return String(this.record.uuid);
  }
  get name(): string {
    return String(this.record.name_label);
  }
  get isMaster(): boolean {
    return this.pool.masterRef === this.ref;
  }
  get url(): string {
    return `https://${this.ip}:${this.port}`;
  }
  get httpUrl(): string {
    return `http://${this.ip}:${this.port}`;
  }
}

export class PoolSim {
  readonly db: ObjectDb;
  readonly sessions: Sessions;
  readonly tasks: Tasks;
  readonly hosts: SimHost[] = [];
  readonly guests = new Map<string, GuestProfile>();
  /** Wakes event.from long polls; set by api/event.ts. */
  readonly eventWaiters = new Set<() => void>();
  ref = NULL_REF;

  constructor(readonly sim: Simulator, rng: SeededRandom) {
    this.db = new ObjectDb(rng);
    this.sessions = new Sessions(this.db, sim.clock);
    this.tasks = new Tasks(this.db, sim.clock);
    this.db.onChange((c) => {
      if (this.eventWaiters.size) {
        const waiters = [...this.eventWaiters];
        this.eventWaiters.clear();
        queueMicrotask(() => waiters.forEach((w) => w()));
      }
      // Like xapi's update_allowed_operations: any VM change (template flag, state, operations) recomputes them.
      if (c.cls === 'VM' && c.op !== 'del') {
        const allowed = vmAllowedOperations(c.rec);
        const current = c.rec.allowed_operations as string[];
        if (allowed.length !== current.length || allowed.some((o, i) => o !== current[i])) this.db.update('VM', c.ref, { allowed_operations: allowed });
      }
      if (c.cls === 'VM' && c.op === 'mod' && c.before) {
        const b = c.before;
        if (b.power_state !== c.rec.power_state || b.resident_on !== c.rec.resident_on) {
          this.sim.emitVmChange({
            pool: this,
            ref: c.ref,
            uuid: String(c.rec.uuid),
            before: { power_state: String(b.power_state), resident_on: String(b.resident_on) },
            after: { power_state: String(c.rec.power_state), resident_on: String(c.rec.resident_on) },
          });
        }
      }
    });
  }

  get record(): Record<string, unknown> {
    return this.db.get('pool', this.ref);
  }
  get name(): string {
    return String(this.record.name_label);
  }
  get uuid(): string {
    return String(this.record.uuid);
  }
  get masterRef(): string {
    return String(this.record.master);
  }
  get master(): SimHost {
    const h = this.hosts.find((x) => x.ref === this.masterRef);
    if (!h) throw new Error(`pool ${this.name} has no master`);
    return h;
  }
  host(ref: string): SimHost | undefined {
    return this.hosts.find((h) => h.ref === ref);
  }
}

export class Simulator {
  readonly api = new ApiRegistry();
  readonly routes = new RouteRegistry();
  /** Host plugins for host.call_plugin (api/plugins.ts). */
  readonly plugins = new PluginRegistry();
  readonly pools: PoolSim[] = [];
  private vmListeners = new Set<(e: VmChange) => void>();
  private moveListeners = new Set<(e: VmMove) => void>();
  faults!: Faults;
  /** Set by stop(): long polls end instead of waiting again. */
  stopped = false;
  /**
   * The bearer token `/sim/control/*` requires (http/control.ts): random per run, never from the seed, so only
   * whoever started the simulator (the CLI prints it; in-process callers read it here) can drive its faults.
   */
  readonly controlToken = randomBytes(24).toString('base64url');

  constructor(readonly clock: SimClock, readonly password: string, readonly rng: SeededRandom) {}

  get hosts(): SimHost[] {
    return this.pools.flatMap((p) => p.hosts);
  }

  /** Called whenever a VM's power_state or resident_on changes, in any pool (RRD and console modules). */
  onVmChange(listener: (e: VmChange) => void): () => void {
    this.vmListeners.add(listener);
    return () => this.vmListeners.delete(listener);
  }

  emitVmChange(e: VmChange): void {
    for (const l of this.vmListeners) {
      try {
        l(e);
      } catch (err) {
        console.error('simulator: onVmChange listener failed', err);
      }
    }
  }

  /**
   * Called when a VM moves to another pool, after it exists in the destination and before the source
   * forgets it: per-VM state kept beside the database (RRD history, the guest's screen) follows it.
   */
  onVmMove(listener: (e: VmMove) => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }

  emitVmMove(e: VmMove): void {
    for (const l of this.moveListeners) {
      try {
        l(e);
      } catch (err) {
        console.error('simulator: onVmMove listener failed', err);
      }
    }
  }

  hostByUuidOrName(key: string): SimHost {
    const h = this.hosts.find((x) => x.uuid === key || x.name === key || x.ref === key);
    if (!h) throw new Error(`no simulated host ${key}`);
    return h;
  }
}
