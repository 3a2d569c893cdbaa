/**
 * Drag and drop's rules, without React or XAPI: what dropping some dragged things on a target would do.
 * A policy answers for the drops it knows about and says nothing (undefined) otherwise; the tree asks its
 * policies on every drag-over and draws the answer: a target that accepts highlights and says what the drop
 * will do, one that refuses is marked and says why, one no policy knows is not a target at all. The same
 * answer serves the keyboard (cut with Ctrl+X, paste on a row with Ctrl+V).
 *
 * A policy may need the pool's opinion before it accepts (a host's pre-check before a migration): its
 * verdict then carries a `check`, run once per target during one drag, and the target waits "Checking…".
 */

/** Accept: the drop is possible; `label` says what it will do ("Add the tag “prod” to 2 objects"). */
export interface AcceptVerdict<C> {
  kind: 'accept';
  label: string;
  /** Background check before the drop is allowed; a string = why it cannot. Must only read. */
  check?: (signal: AbortSignal) => Promise<string | undefined>;
  drop: (context: C) => void | Promise<void>;
}

/** Refuse: the target is one for such drops, but not now or not for these things. */
export interface RefuseVerdict {
  kind: 'refuse';
  reason: string;
}

export type DropVerdict<C> = AcceptVerdict<C> | RefuseVerdict;

export interface DropPolicy<D, T, C> {
  id: string;
  evaluate(dragged: readonly D[], target: T): DropVerdict<C> | undefined;
}

/** The first policy that accepts wins; else the first refusal; else undefined (not a target). */
export function evaluateDrop<D, T, C>(policies: readonly DropPolicy<D, T, C>[], dragged: readonly D[], target: T): DropVerdict<C> | undefined {
  if (dragged.length === 0) return undefined;
  let refusal: RefuseVerdict | undefined;
  for (const policy of policies) {
    const verdict = policy.evaluate(dragged, target);
    if (verdict?.kind === 'accept') return verdict;
    if (verdict && !refusal) refusal = verdict;
  }
  return refusal;
}

/** What a target shows while something is dragged over it (or picked up with the keyboard and pointed at). */
export type DropState = { kind: 'accept'; label: string } | { kind: 'refuse'; reason: string } | { kind: 'checking'; label: string };

export const CHECKING_DROP = 'Checking…';

const PENDING = Symbol('pending');

/**
 * One drag's answers: each target's verdict asked once per drag (drag-over fires many times a second), and
 * its background check run once; `onChange` is called when a check answers, so the target can be redrawn.
 */
export class DragSession<C> {
  private readonly verdicts = new Map<string, DropVerdict<C> | undefined>();
  private readonly checks = new Map<string, string | undefined | typeof PENDING>();
  private readonly controller = new AbortController();

  constructor(
    /** The things dragged (selection ids in the tree). */
    readonly dragged: readonly string[],
    private readonly evaluate: (targetKey: string) => DropVerdict<C> | undefined,
    private readonly onChange: () => void,
  ) {}

  /** The verdict for a target, the check's answer folded in: undefined when it is no target. */
  verdict(targetKey: string): DropVerdict<C> | undefined {
    if (!this.verdicts.has(targetKey)) this.verdicts.set(targetKey, this.evaluate(targetKey));
    const verdict = this.verdicts.get(targetKey);
    if (verdict?.kind !== 'accept' || !verdict.check) return verdict;
    const checked = this.checks.get(targetKey);
    if (checked === undefined && !this.checks.has(targetKey)) {
      this.checks.set(targetKey, PENDING);
      verdict.check(this.controller.signal).then(
        (reason) => this.settle(targetKey, reason),
        (err: unknown) => this.settle(targetKey, `Could not check: ${err instanceof Error ? err.message : String(err)}`),
      );
      return { kind: 'refuse', reason: CHECKING_DROP };
    }
    if (checked === PENDING) return { kind: 'refuse', reason: CHECKING_DROP };
    return checked === undefined ? verdict : { kind: 'refuse', reason: checked };
  }

  /** What the target shows. */
  state(targetKey: string): DropState | undefined {
    const verdict = this.verdict(targetKey);
    if (!verdict) return undefined;
    if (verdict.kind === 'accept') return { kind: 'accept', label: verdict.label };
    if (verdict.reason === CHECKING_DROP && this.checks.get(targetKey) === PENDING) {
      const raw = this.verdicts.get(targetKey);
      return { kind: 'checking', label: raw?.kind === 'accept' ? raw.label : CHECKING_DROP };
    }
    return { kind: 'refuse', reason: verdict.reason };
  }

  /** The drag ended (dropped or abandoned): checks still running are told to stop. */
  dispose(): void {
    this.controller.abort();
  }

  private settle(targetKey: string, reason: string | undefined): void {
    if (this.controller.signal.aborted) return;
    this.checks.set(targetKey, reason);
    this.onChange();
  }
}
