/** The engine's restart manager and stop behaviour on the simulated clock. */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock';
import { SeededRandom } from '../random';
import { DockerDaemon, DockerError } from './docker-daemon';

const facts = () => ({ hostname: 'g', ncpu: 2, memTotal: 2 ** 31, kernelVersion: '6.1.0', operatingSystem: 'Debian GNU/Linux 12 (bookworm)', osVersion: '12' });

/** Runs an engine operation while moving the frozen clock until it settles. */
async function settle<T>(clock: SimClock, p: Promise<T>): Promise<T> {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  while (!done) await clock.advance(100);
  return p;
}

function engine() {
  const clock = new SimClock({ rate: 0, start: Date.UTC(2024, 5, 1) });
  const d = new DockerDaemon(clock, new SeededRandom(3), facts);
  d.guestRunning = true;
  d.up = true;
  return { clock, d };
}

describe('DockerDaemon', () => {
  it('restarts a crashing "always" container with back-off doubling from 100 ms to a one-minute ceiling', async () => {
    const { clock, d } = engine();
    const c = d.create({ name: 'crashy', image: 'busybox', cmd: ['false'], restart: { name: 'always' }, processes: [{ user: 'root', cmd: 'false', cpu: 0 }], lifetime: { runsForMs: 1000, exitCode: 3 } });
    const starts: number[] = [];
    d.onEvent((type) => type === 'start' && starts.push(clock.now()));
    await settle(clock, d.start(c));
    await clock.advance(10 * 60_000);
    const gaps = starts.slice(1).map((t, i) => t - starts[i] - 1000);
    expect(gaps.slice(0, 8)).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 12800]);
    expect(Math.max(...gaps)).toBe(60_000);
    expect(c.status(clock.now())).toMatch(/^(Up .*|Restarting \(3\) .* ago)$/);
    // Docker counts a restart when it decides on it, before the back-off.
    expect(c.restartCount).toBe(starts.length - 1 + (c.restarting ? 1 : 0));
  });

  it('does not restart on-failure containers that exit 0, nor anything stopped by hand', async () => {
    const { clock, d } = engine();
    const ok = d.create({ name: 'job', image: 'alpine', cmd: ['true'], restart: { name: 'on-failure' }, processes: [{ user: 'root', cmd: 'true', cpu: 0 }], lifetime: { runsForMs: 500, exitCode: 0 } });
    const always = d.create({ name: 'svc', image: 'nginx', cmd: ['nginx'], restart: { name: 'always' }, processes: [{ user: 'root', cmd: 'nginx', cpu: 0.01 }] });
    await settle(clock, d.start(ok));
    await settle(clock, d.start(always));
    await clock.advance(5000);
    expect(ok.state).toBe('exited');
    await settle(clock, d.stop(always));
    await clock.advance(60_000);
    expect(always.state).toBe('exited');
    await expect(d.stop(always)).rejects.toEqual(new DockerError(304));
  });

  it('finds containers by full id, name and unique prefix; an ambiguous prefix is a 400', () => {
    const { d } = engine();
    const a = d.create({ name: 'a', image: 'x', cmd: [], processes: [] });
    expect(d.find(a.id)).toBe(a);
    expect(d.find('a')).toBe(a);
    expect(d.find('/a')).toBe(a);
    expect(d.find(a.id.slice(0, 10))).toBe(a);
    expect(() => d.find('zz-none')).toThrow(new DockerError(404, 'No such container: zz-none'));
    for (let i = 0; i < 40; i++) d.create({ name: `n${i}`, image: 'x', cmd: [], processes: [] });
    const prefixes = new Map<string, number>();
    for (const c of d.containers.values()) prefixes.set(c.id[0], (prefixes.get(c.id[0]) ?? 0) + 1);
    const shared = [...prefixes].find(([, n]) => n > 1)![0];
    expect(() => d.find(shared)).toThrow(new DockerError(400, `multiple IDs found with provided prefix: ${shared}`));
  });
});
