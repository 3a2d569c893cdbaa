/**
 * A page's caller: what a handler holds for the page is released once when the page goes, a thing the page
 * gave back is not released again, a thing created after the page went is released at once, and one
 * failing release neither stops the others nor goes unreported.
 */
import { describe, expect, it } from 'vitest';
import { createPageCaller } from './bridge-host';

describe('page caller', () => {
  it('releases what the page still holds when it ends, once, and not what it gave back', () => {
    const released: string[] = [];
    const caller = createPageCaller();
    caller.hold('metrics:m1', () => released.push('m1'));
    caller.hold('metrics:m2', () => released.push('m2'));
    caller.hold('console:t1', () => released.push('t1'));
    expect(caller.drop('metrics:m2')).toBe(true);
    expect(caller.drop('metrics:m2')).toBe(false);
    expect(caller.holds('metrics:m1')).toBe(true);
    caller.end();
    caller.end();
    expect(released).toEqual(['m1', 't1']);
    expect(caller.ended).toBe(true);
    expect(caller.holds('metrics:m1')).toBe(false);
  });

  it('releases at once what is created for a page that has already gone (its request was still running)', () => {
    const released: string[] = [];
    const caller = createPageCaller();
    caller.end();
    caller.hold('console:t9', () => released.push('t9'));
    expect(released).toEqual(['t9']);
    expect(caller.holds('console:t9')).toBe(false);
  });

  it('runs every release when one fails, and logs the failure', async () => {
    const log: string[] = [];
    const released: string[] = [];
    const caller = createPageCaller((line) => log.push(line));
    caller.hold('a', () => {
      throw new Error('socket already gone');
    });
    caller.hold('b', async () => {
      throw new Error('late failure');
    });
    caller.hold('c', () => released.push('c'));
    caller.end();
    expect(released).toEqual(['c']);
    await new Promise((resolve) => setImmediate(resolve)); // the async release's rejection is handled
    expect(log).toEqual([
      'releasing a for a closed page failed: socket already gone',
      'releasing b for a closed page failed: late failure',
    ]);
  });
});
