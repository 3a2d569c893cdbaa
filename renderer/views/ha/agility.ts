/**
 * Which VMs HA can restart on any host ("agile"): asked of the pool with VM.assert_agile, in the
 * background and a few at a time, as XenCenter's HA plan page does while the user edits priorities. A VM
 * whose disks sit on storage some host cannot reach, or whose networks some host lacks, cannot be
 * Restart (only Restart if possible). The answers are kept for the life of a wizard or dialog.
 */
import { ConcurrencyLimit } from '../../../shared/api-client/concurrency-limit';
import type { Agility } from './ha-plan-model';

/** At most this many VM.assert_agile calls in flight (a 5,000-VM pool is asked a few at a time). */
const PARALLEL_CHECKS = 4;

type Listener = () => void;

export class AgilityChecks {
  private readonly results = new Map<string, Agility>();
  private readonly pending = new Map<string, Promise<void>>();
  /** Every VM asked about, to ask again after a close and open. */
  private readonly wanted = new Set<string>();
  private readonly gate = new ConcurrencyLimit(PARALLEL_CHECKS);
  private controller = new AbortController();
  private readonly listeners = new Set<Listener>();
  /** Bumped on every answer, so a React snapshot of "the answers" changes identity. */
  private version = 0;

  constructor(private readonly check: (ref: string, signal: AbortSignal) => Promise<Agility>) {}

  get(ref: string): Agility | undefined {
    return this.results.get(ref);
  }

  /** A value that changes whenever an answer arrives (for useSyncExternalStore). */
  readonly snapshot = (): number => this.version;

  /** Asks about every VM not asked yet. */
  start(refs: readonly string[]): void {
    for (const ref of refs) {
      this.wanted.add(ref);
      this.ensure(ref);
    }
  }

  /** Resolves when the given VMs are all answered. */
  async settled(refs: readonly string[]): Promise<void> {
    await Promise.all(refs.map((ref) => this.ensure(ref)));
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /**
   * The wizard or dialog closed: queued checks are dropped, answers still on their way ignored. `open`
   * takes the checks up again (React may unmount and mount an effect again without closing the dialog).
   */
  close(): void {
    this.controller.abort();
    this.pending.clear();
  }

  open(): void {
    if (!this.controller.signal.aborted) return;
    this.controller = new AbortController();
    this.pending.clear();
    for (const ref of this.wanted) this.ensure(ref);
  }

  private ensure(ref: string): Promise<void> {
    if (this.results.has(ref)) return Promise.resolve();
    const known = this.pending.get(ref);
    if (known) return known;
    const signal = this.controller.signal;
    if (signal.aborted) return Promise.resolve();
    const run = this.gate.run(async () => {
      if (signal.aborted) return;
      const answer = await this.check(ref, signal);
      if (signal.aborted) return;
      this.results.set(ref, answer);
      this.version++;
      for (const l of [...this.listeners]) l();
    }).finally(() => {
      if (this.pending.get(ref) === run) this.pending.delete(ref);
    });
    this.pending.set(ref, run);
    return run;
  }
}

/** VM.assert_agile through a XAPI call: no error means agile; a XAPI error says why not. */
export async function askAgility(call: () => Promise<unknown>): Promise<Agility> {
  try {
    await call();
    return { agile: true };
  } catch (err) {
    const e = err as { code?: unknown; params?: unknown };
    return { agile: false, code: typeof e?.code === 'string' ? e.code : 'INTERNAL_ERROR', params: Array.isArray(e?.params) ? e.params.map(String) : [] };
  }
}

/** Why a VM is not agile, in words (XenCenter's tooltip on the Agile column), naming the SR or network. */
export function agilityReason(a: Extract<Agility, { agile: false }>, name: (cls: 'SR' | 'network', ref: string) => string | undefined): string {
  const [first] = a.params;
  switch (a.code) {
    case 'HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED':
      return `A disk is on ${first ? `“${name('SR', first) ?? first}”` : 'storage'}, which not every server can reach: HA cannot guarantee a restart.`;
    case 'HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED':
      return `It uses ${first ? `the network “${name('network', first) ?? first}”` : 'a network'}, which not every server is connected to: HA cannot guarantee a restart.`;
    case 'VM_HAS_VGPU':
      return 'It has a virtual GPU, which ties it to servers with that GPU.';
    case 'VM_HAS_VUSBS':
      return 'It has a passed-through USB device, which ties it to one server.';
    case 'VM_HAS_SRIOV_VIF':
      return 'It has an SR-IOV network interface, which ties it to servers with that card.';
    default:
      return `Its agility could not be determined (${a.code}).`;
  }
}
