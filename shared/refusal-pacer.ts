/**
 * Paces a listener's answers to malformed input, so that a client flooding it with garbage cannot take more
 * than a bounded share of the one thread that also serves the app's own page.
 *
 * Refusing costs the listener more than serving does: most malformed requests cannot be framed, so each one
 * closes its connection and the flooder opens another (accept, parser, socket, close: several times the cost
 * of a kept-alive request). A flooder that waits for its answers (a web page's `fetch`, a script) is held to
 * `ratePerSecond` refusals with a token bucket: past the burst, a refusal waits for its token with the
 * connection parked, and the flooder's next request waits with it. One that does not wait gets no more
 * either: past `maxHeld` parked refusals, a connection is dropped without an answer (the cheapest way out).
 * Well-formed requests never pass through here, so the app's own traffic is not slowed by an attack; a
 * client making a normal mistake (one odd request now and then) is answered at once from the burst.
 */
export interface RefusalPacerOptions {
  /** Sustained refusals per second answered at once (default 400). */
  ratePerSecond?: number;
  /** Refusals answered at once before pacing starts (default: one second's worth). */
  burst?: number;
  /** Refusals parked waiting for a token at most; past it, connections are dropped unanswered (default 256). */
  maxHeld?: number;
  now?: () => number;
}

/** One parked refusal: `answer` when its token comes, `drop` when it cannot wait. */
interface Parked {
  answer: () => void;
  drop: () => void;
}

export class RefusalPacer {
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxHeld: number;
  private readonly now: () => number;
  private tokens: number;
  private refilledAt: number;
  private readonly parked: Parked[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Refusals dropped unanswered because too many were parked. */
  dropped = 0;

  constructor(options: RefusalPacerOptions = {}) {
    this.rate = options.ratePerSecond ?? 400;
    this.burst = options.burst ?? this.rate;
    this.maxHeld = options.maxHeld ?? 256;
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.refilledAt = this.now();
  }

  /** Runs `answer` now if a token is free, later if not, or `drop` if the queue is full. */
  refuse(answer: () => void, drop: () => void): void {
    this.refill();
    if (this.parked.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      answer();
      return;
    }
    if (this.parked.length >= this.maxHeld) {
      this.dropped++;
      drop();
      return;
    }
    this.parked.push({ answer, drop });
    this.schedule();
  }

  /** Parked refusals right now. */
  get held(): number {
    return this.parked.length;
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((at - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = at;
  }

  private schedule(): void {
    if (this.timer) return;
    // One timer for the whole queue, woken when the next token is due (at least 10 ms apart, to release in batches).
    const wait = Math.max(10, ((1 - this.tokens) * 1000) / this.rate);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.parked.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        const next = this.parked.shift()!;
        try {
          next.answer();
        } catch {
          // The connection went away while parked: nothing to answer.
        }
      }
      if (this.parked.length > 0) this.schedule();
    }, wait);
    // A parked refusal must not keep a process alive that has nothing else to do.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
