/**
 * The wizard frame's rules, without React: which pages a state shows (a page can be skipped for a
 * state: Networking only cross-pool), where Next and Back go, and the background checks a wizard runs
 * (one per key, started once, kept across Back and Next, all stopped when the wizard closes).
 * Wizard.tsx draws them; README.md says how a feature uses them.
 */
import type { ReactNode } from 'react';

/** Problems that keep the user on a page: by field name (shown at the field), `page` for the page as a whole. */
export type PageErrors = Partial<Record<string, string>>;

export type CheckState<T = unknown> = { status: 'checking' } | { status: 'done'; value: T } | { status: 'failed'; error: unknown };

/** The background checks of one wizard, readable by pages (to draw them) and by validation (to wait for them). */
export interface WizardChecks {
  /** The check's state now, undefined if no page started it. */
  get<T>(key: string): CheckState<T> | undefined;
  /** Starts the check unless it ran or runs already (keyed: the same key is asked once); its settled state. */
  run<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<CheckState<T>>;
}

export interface WizardPageProps<S> {
  state: S;
  /** Merges into the wizard's state (what was entered stays when the user goes Back and Next again). */
  update: (patch: Partial<S> | ((state: S) => Partial<S>)) => void;
  /** This page's problems from the last Next, by field; cleared for a field when it is edited through `update`. */
  errors: PageErrors;
  /** A stable element id for a field of this page (for <Field htmlFor> and fieldAria). */
  fieldId: (name: string) => string;
}

export interface WizardPage<S> {
  id: string;
  /** The step's name, in the step list and as the page heading. */
  title: string;
  /** One sentence under the heading: what this page decides. */
  description?: string;
  /** True when this page does not apply to the state (it is left out of the steps). */
  skip?: (state: S) => boolean;
  /** Checked on Next (may wait for background checks through `checks.run`); any problem keeps the user here. */
  validate?: (state: S, checks: WizardChecks) => PageErrors | Promise<PageErrors>;
  render: (props: WizardPageProps<S>) => ReactNode;
}

export interface SummaryRow {
  label: string;
  value: ReactNode;
}

export const hasErrors = (errors: PageErrors) => Object.values(errors).some(Boolean);

/** The pages this state shows, in order. */
export function visiblePages<S>(pages: readonly WizardPage<S>[], state: S): WizardPage<S>[] {
  return pages.filter((p) => !p.skip?.(state));
}

/** The page after `currentId` for this state (the summary when undefined). */
export function pageAfter<S>(pages: readonly WizardPage<S>[], state: S, currentId: string): WizardPage<S> | undefined {
  const index = pages.findIndex((p) => p.id === currentId);
  return pages.slice(index + 1).find((p) => !p.skip?.(state));
}

/** The page before `currentId` (or before the summary when `currentId` is undefined) for this state. */
export function pageBefore<S>(pages: readonly WizardPage<S>[], state: S, currentId: string | undefined): WizardPage<S> | undefined {
  const index = currentId === undefined ? pages.length : pages.findIndex((p) => p.id === currentId);
  return pages.slice(0, index).reverse().find((p) => !p.skip?.(state));
}

/** One wizard's background checks: started once per key, remembered, all aborted by `dispose` (Cancel, Finish). */
export class CheckRunner implements WizardChecks {
  private readonly states = new Map<string, CheckState>();
  private readonly pending = new Map<string, Promise<CheckState>>();
  private readonly controller = new AbortController();
  private readonly listeners = new Set<() => void>();

  get<T>(key: string): CheckState<T> | undefined {
    return this.states.get(key) as CheckState<T> | undefined;
  }

  run<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<CheckState<T>> {
    const known = this.pending.get(key);
    if (known) return known as Promise<CheckState<T>>;
    this.set(key, { status: 'checking' });
    const settled = (async (): Promise<CheckState> => {
      try {
        const value = await work(this.controller.signal);
        return { status: 'done', value };
      } catch (error) {
        return { status: 'failed', error };
      }
    })().then((state) => {
      if (!this.controller.signal.aborted) this.set(key, state);
      return state;
    });
    this.pending.set(key, settled);
    return settled as Promise<CheckState<T>>;
  }

  /** Called when a check's state changes (pages drawing checks re-render); bound, for useSyncExternalStore. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    this.controller.abort();
    this.listeners.clear();
  }

  private set(key: string, state: CheckState): void {
    this.states.set(key, state);
    for (const l of this.listeners) l();
  }
}
