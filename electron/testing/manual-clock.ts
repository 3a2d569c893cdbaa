/** Test support: a `Clock` whose timers fire only when the test moves time (`tick`), in due order. */
import type { Clock } from '../backend/ports';

export class ManualClock implements Clock {
  private t = 1_900_000_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now = () => this.t;
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
  tick(ms: number): void {
    this.t += ms;
    this.fire();
  }
  private fire(): void {
    const due = this.timers.filter((x) => x.live && x.at <= this.t).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((x) => x.live && x.at > this.t);
    for (const x of due) x.fn();
  }
}
