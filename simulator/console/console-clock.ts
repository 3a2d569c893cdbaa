/**
 * Time as the simulated guests see it: what the screen clock shows and how fast the boot log
 * scrolls. Injected so the simulator's clock (or a test) can drive it.
 */
export interface ConsoleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const realConsoleClock: ConsoleClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Runs scheduled steps one after another, and can drop all that are still pending. */
export class StepScheduler {
  private pending = new Set<{ cancel(): void }>();

  constructor(private readonly clock: ConsoleClock) {}

  /** Runs `steps` in order, `delayMs` apart (all at once when 0), then `done`. */
  run(steps: (() => void)[], delayMs: number, done: () => void): void {
    if (delayMs <= 0) {
      for (const step of steps) step();
      done();
      return;
    }
    let i = 0;
    const next = () => {
      if (i < steps.length) {
        steps[i++]();
        this.after(delayMs, next);
      } else done();
    };
    next();
  }

  after(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const handle = this.clock.setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, ms);
    this.pending.add(handle);
  }

  cancelAll(): void {
    for (const handle of this.pending) handle.cancel();
    this.pending.clear();
  }
}
