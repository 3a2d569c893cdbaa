/**
 * "Failures tolerated" and its maximum, as XenCenter's HA plan page computes them: the maximum comes from
 * `pool.ha_compute_hypothetical_max_host_failures_to_tolerate` for the Restart VMs planned (the pool
 * bin-packs them onto the hosts that would survive), recomputed whenever the plan or the pool changes;
 * the number to tolerate is the user's, and asking for more than the maximum overcommits the pool.
 *
 * `FailureCapacity` keeps one answer per configuration (switching a VM back and forth asks once) until
 * the pool changes; `capacityVerdict` turns an answer and the chosen number into the page's status line.
 */
import type { PoolRecord } from '../../../shared/xapi/generated/records';
import { errorLine } from '../../errors';
import { configurationKey } from './ha-plan-model';

export type CapacityState =
  | { status: 'calculating'; /** The last answer, shown greyed while the new one comes. */ previousMax?: number }
  | { status: 'done'; max: number }
  | { status: 'failed'; error: unknown };

/** pool.other_config key that caps the failures to tolerate on hyper-converged pools (XenCenter's Pool.GetMaximumTolerableHostFailures). */
const HCI_LIMIT_KEY = 'hci-limit-fault-tolerance';

/** The pool's own cap, when it is set to a number no larger than what the planner allows. */
export function capMaximum(computed: number, pool: Pick<PoolRecord, 'other_config'> | undefined): number {
  const raw = pool?.other_config?.[HCI_LIMIT_KEY];
  const limit = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
  return limit !== undefined && limit <= computed ? limit : computed;
}

export interface CapacityVerdict {
  tone: 'busy' | 'ok' | 'warning' | 'error';
  /** The status line. */
  message: string;
  /** More words under it (why it is overcommitted, what to do). */
  detail?: string;
  overcommitted: boolean;
  /** Whether the plan can be applied with this number (Next / OK). */
  canProceed: boolean;
}

export function capacityVerdict(state: CapacityState, ntol: number | undefined): CapacityVerdict {
  if (state.status === 'calculating') {
    return { tone: 'busy', message: 'Calculating how many server failures the pool can tolerate…', overcommitted: false, canProceed: false };
  }
  if (state.status === 'failed') {
    return { tone: 'error', message: 'Unable to calculate the maximum pool failure capacity.', detail: errorLine(state.error), overcommitted: false, canProceed: false };
  }
  const { max } = state;
  if (ntol === undefined || !Number.isInteger(ntol) || ntol < 0) {
    return { tone: 'error', message: 'Enter the number of server failures to tolerate: a whole number, 0 or more.', overcommitted: false, canProceed: false };
  }
  if (ntol > max) {
    return {
      tone: 'error',
      message: 'HA cannot be guaranteed with the specified settings and the current pool resources: the pool would be overcommitted.',
      detail:
        max === 0
          ? 'The maximum failure capacity is 0: with these restart priorities and the pool\u2019s servers (their number, CPU and memory), no server failure can be covered. Lower the protection of some VMs.'
          : `${ntol} is more than the maximum failure capacity (${max}). Lower the number of failures to tolerate, protect fewer VMs, or bring more servers online.`,
      overcommitted: true,
      canProceed: false,
    };
  }
  if (ntol === 0) {
    return {
      tone: 'warning',
      message: 'HA cannot be guaranteed with the specified settings and the current pool resources.',
      detail: 'With 0 failures tolerated, HA may not be able to restart the protected VMs when a server fails.',
      overcommitted: false,
      canProceed: true,
    };
  }
  return { tone: 'ok', message: `HA is guaranteed. The maximum number of server failures that HA can protect against is ${max}.`, overcommitted: false, canProceed: true };
}

/** What keeps the plan from being applied, as a field error (the status line above it says the rest); undefined when it can be. */
export function capacityProblem(state: CapacityState, ntol: number | undefined): string | undefined {
  const verdict = capacityVerdict(state, ntol);
  if (verdict.canProceed) return undefined;
  if (state.status === 'failed') return 'The pool could not say how many failures it can tolerate: check the connection and try again.';
  if (state.status === 'done' && verdict.overcommitted) {
    return `With this plan the pool can tolerate at most ${state.max} server ${state.max === 1 ? 'failure' : 'failures'}: lower Failures tolerated, or protect fewer VMs.`;
  }
  return verdict.message;
}

type Listener = () => void;

/**
 * The pool's answers for the configurations asked, one at a time being "current" (the page's plan).
 * `ask` calls the pool (and applies the cap); a pool change calls `invalidate`, which asks again.
 */
export class FailureCapacity {
  private readonly answers = new Map<string, Promise<CapacityState>>();
  private readonly settledAnswers = new Map<string, CapacityState>();
  private currentKey: string | undefined;
  private currentConfig: Record<string, string> = {};
  private lastMax: number | undefined;
  private calculating: Extract<CapacityState, { status: 'calculating' }> = { status: 'calculating' };
  private generation = 0;
  private closed = false;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly ask: (config: Record<string, string>) => Promise<number>) {}

  /** Makes `config` the current plan and asks the pool about it unless it was asked already. */
  request(config: Record<string, string>): void {
    const key = configurationKey(config);
    this.currentConfig = config;
    if (key === this.currentKey && this.answers.has(key)) return;
    this.currentKey = key;
    this.answerFor(key, config);
    this.notify();
  }

  /** The answer for the current plan (calculating while it is on its way); the same object until it changes. */
  current(): CapacityState {
    const settled = this.currentKey === undefined ? undefined : this.settledAnswers.get(this.currentKey);
    if (settled) return settled;
    if (this.calculating.previousMax !== this.lastMax) this.calculating = { status: 'calculating', previousMax: this.lastMax };
    return this.calculating;
  }

  /** The current plan's answer once it has come. */
  async settled(): Promise<CapacityState> {
    for (;;) {
      const key = this.currentKey;
      if (key === undefined) return this.current();
      const state = await this.answerFor(key, this.currentConfig);
      // The plan (or the pool) changed while waiting: wait for the new answer.
      if (this.closed || (key === this.currentKey && this.settledAnswers.get(key) === state)) return state;
    }
  }

  /** The pool changed (a VM started or moved, a host failed): every answer is old; ask again. */
  invalidate(): void {
    this.generation++;
    this.answers.clear();
    this.settledAnswers.clear();
    if (this.currentKey !== undefined) this.answerFor(this.currentKey, this.currentConfig);
    this.notify();
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The wizard or dialog closed: answers on their way are ignored. `open` asks again (an effect mounted again). */
  close(): void {
    this.closed = true;
    this.generation++;
    this.answers.clear();
    this.settledAnswers.clear();
  }

  open(): void {
    if (!this.closed) return;
    this.closed = false;
    this.generation++;
    this.answers.clear();
    this.settledAnswers.clear();
    if (this.currentKey !== undefined) this.answerFor(this.currentKey, this.currentConfig);
    this.notify();
  }

  private answerFor(key: string, config: Record<string, string>): Promise<CapacityState> {
    const known = this.answers.get(key);
    if (known) return known;
    const generation = this.generation;
    const answer = this.ask(config).then(
      (max): CapacityState => ({ status: 'done', max }),
      (error: unknown): CapacityState => ({ status: 'failed', error }),
    ).then((state) => {
      if (generation === this.generation && !this.closed) {
        this.settledAnswers.set(key, state);
        if (state.status === 'done' && key === this.currentKey) this.lastMax = state.max;
        this.notify();
      }
      return state;
    });
    this.answers.set(key, answer);
    return answer;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
