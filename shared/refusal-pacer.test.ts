import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefusalPacer } from './refusal-pacer';

describe('RefusalPacer', () => {
  let clock = 0;
  beforeEach(() => {
    clock = 0;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  /** A pacer on the test's clock and what became of each refusal handed to it, in order. */
  function flood(count: number, options: { ratePerSecond: number; burst: number; maxHeld: number }) {
    const pacer = new RefusalPacer({ ...options, now: () => clock });
    const outcome: ('answered' | 'dropped' | 'waiting')[] = [];
    for (let i = 0; i < count; i++) {
      outcome.push('waiting');
      pacer.refuse(() => (outcome[i] = 'answered'), () => (outcome[i] = 'dropped'));
    }
    const count_ = (what: string) => outcome.filter((o) => o === what).length;
    return { pacer, outcome, answered: () => count_('answered'), dropped: () => count_('dropped'), waiting: () => count_('waiting') };
  }

  it('answers an occasional odd request at once', () => {
    const f = flood(3, { ratePerSecond: 100, burst: 10, maxHeld: 5 });
    expect(f.answered()).toBe(3);
  });

  it('past the burst parks refusals and answers them at the sustained rate, in arrival order', () => {
    const f = flood(30, { ratePerSecond: 100, burst: 10, maxHeld: 50 });
    expect(f.answered()).toBe(10);
    expect(f.pacer.held).toBe(20);
    advance(100); // 10 tokens
    expect(f.answered()).toBe(20);
    expect(f.outcome.slice(0, 20).every((o) => o === 'answered')).toBe(true);
    advance(100);
    expect(f.answered()).toBe(30);
    expect(f.pacer.held).toBe(0);
  });

  it('drops what it cannot park without answering, so a flooder that does not wait gets nothing more', () => {
    const f = flood(100, { ratePerSecond: 100, burst: 10, maxHeld: 20 });
    expect(f.answered()).toBe(10);
    expect(f.waiting()).toBe(20);
    expect(f.dropped()).toBe(70);
    expect(f.pacer.dropped).toBe(70);
  });

  it('a refusal that arrives while others wait queues behind them rather than taking a fresh token', () => {
    const f = flood(12, { ratePerSecond: 100, burst: 10, maxHeld: 50 });
    clock += 15; // a token and a half accrue, but two refusals already wait for them
    let late = 'waiting';
    f.pacer.refuse(() => (late = 'answered'), () => (late = 'dropped'));
    expect(late).toBe('waiting');
    advance(30);
    expect(f.answered()).toBe(12);
    expect(late).toBe('answered');
  });
});
