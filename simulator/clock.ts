/**
 * Simulated time. Runs at `rate` × wall speed (1 by default; 0 freezes it so tests move it with advance()).
 * Tasks, boot times and metrics all read this clock, so a test can run a 30-second VM start in no wall time.
 */
interface Timer { id: number; due: number; fn: () => void }

export class SimClock {
  private base: number;
  private wallBase: number;
  private rate: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private wake: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(opts: { start?: number; rate?: number } = {}) {
    this.base = opts.start ?? Date.now();
    this.wallBase = Date.now();
    this.rate = opts.rate ?? 1;
  }

  /** Simulated milliseconds since the epoch. */
  now(): number {
    return this.base + (Date.now() - this.wallBase) * this.rate;
  }

  getRate(): number {
    return this.rate;
  }

  setRate(rate: number): void {
    this.base = this.now();
    this.wallBase = Date.now();
    this.rate = rate;
    this.schedule();
  }

  /**
   * Moves simulated time forward by `ms`, firing every timer that falls due on the way, in order. Between
   * timers it yields to the event loop, so work that a timer resumes (a task's next step) can schedule its
   * own timers inside the same advance, as it would in real time.
   */
  async advance(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const next = this.timers[0];
      if (!next || next.due > target) break;
      this.base += Math.max(0, next.due - this.now());
      this.fireDue();
    }
    this.base += Math.max(0, target - this.now());
    this.fireDue();
    await new Promise((r) => setImmediate(r));
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    const timer = { id, due: this.now() + Math.max(0, ms), fn };
    const i = this.timers.findIndex((t) => t.due > timer.due);
    if (i < 0) this.timers.push(timer);
    else this.timers.splice(i, 0, timer);
    this.schedule();
    return id;
  }

  clearTimeout(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
    this.schedule();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  stop(): void {
    this.stopped = true;
    if (this.wake) clearTimeout(this.wake);
    this.timers = [];
  }

  private fireDue(): void {
    const now = this.now();
    while (this.timers.length && this.timers[0].due <= now) {
      const t = this.timers.shift()!;
      try {
        t.fn();
      } catch (err) {
        console.error('simulator timer failed', err);
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    if (this.stopped || !this.timers.length || this.rate <= 0) return;
    const wallDelay = Math.max(0, (this.timers[0].due - this.now()) / this.rate);
    this.wake = setTimeout(() => this.fireDue(), Math.min(wallDelay, 2 ** 31 - 1));
    this.wake.unref?.();
  }
}
