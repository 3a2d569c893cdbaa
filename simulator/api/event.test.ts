/** event.from / event.inject / legacy event.next as clients use them, over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { login, rpc } from '../contract/json-rpc-client';

interface Batch { events: { id: number; class: string; operation: string; ref: string; snapshot: Record<string, unknown> }[]; valid_ref_counts: Record<string, number>; token: string }

let sim: TestSimulator;
let url: string;
let s: string;

beforeAll(async () => {
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

describe('events', () => {
  it('returns every object as add for an empty token, with valid_ref_counts per class', async () => {
    const b = (await rpc(url, 'event.from', s, ['vm', 'host'], '', 0.1)) as Batch;
    const vms = (await rpc(url, 'VM.get_all', s)) as string[];
    expect(b.events.filter((e) => e.class === 'vm').length).toBe(vms.length);
    expect(b.events.every((e) => e.operation === 'add')).toBe(true);
    expect(b.valid_ref_counts).toEqual({ vm: vms.length, host: 3 });
    const host = b.events.find((e) => e.class === 'host')!;
    expect(host.snapshot.name_label).toMatch(/^xcp-prod-0/);
  });

  it('long-polls from an injected token until a change, then returns mod with the full snapshot', async () => {
    const pool = ((await rpc(url, 'pool.get_all', s)) as string[])[0];
    const token = (await rpc(url, 'event.inject', s, 'pool', pool)) as string;
    const vm = ((await rpc(url, 'VM.get_by_name_label', s, 'wiki')) as string[])[0];
    const pending = rpc(url, 'event.from', s, ['vm'], token, 30.0) as Promise<Batch>;
    await new Promise((r) => setTimeout(r, 50));
    await rpc(url, 'VM.set_name_description', s, vm, 'changed while polling');
    const b = await pending;
    expect(b.events).toHaveLength(1);
    expect(b.events[0]).toMatchObject({ class: 'vm', operation: 'mod', ref: vm });
    expect(b.events[0].snapshot.name_description).toBe('changed while polling');
    expect(b.token > token).toBe(true);
  });

  it('filters by class and reports deletions with the last snapshot', async () => {
    const msgs = (await rpc(url, 'message.get_all', s)) as string[];
    const token = ((await rpc(url, 'event.from', s, ['message'], '', 0)) as Batch).token;
    await rpc(url, 'message.destroy', s, msgs[0]);
    const b = (await rpc(url, 'event.from', s, ['message'], token, 1.0)) as Batch;
    expect(b.events).toMatchObject([{ class: 'message', operation: 'del', ref: msgs[0] }]);
    expect(b.events[0].snapshot.name).toBeTruthy();
  });

  it('answers EVENTS_LOST for a token that has expired', async () => {
    const token = ((await rpc(url, 'event.from', s, ['*'], '', 0)) as Batch).token;
    sim.faults.expireEventTokens();
    await expect(rpc(url, 'event.from', s, ['*'], token, 0.1)).rejects.toMatchObject({ code: 'EVENTS_LOST' });
  });

  it('serves the legacy register/next API, with EVENTS_LOST after an overflow', async () => {
    const legacy = await login(url);
    await expect(rpc(url, 'event.next', legacy)).rejects.toMatchObject({ code: 'SESSION_NOT_REGISTERED' });
    await rpc(url, 'event.register', legacy, ['vm']);
    const vm = ((await rpc(url, 'VM.get_by_name_label', s, 'mail')) as string[])[0];
    await rpc(url, 'VM.add_tags', s, vm, 'legacy');
    const events = (await rpc(url, 'event.next', legacy)) as Batch['events'];
    expect(events.some((e) => e.ref === vm && e.operation === 'mod')).toBe(true);
    sim.faults.expireEventTokens();
    await expect(rpc(url, 'event.next', legacy)).rejects.toMatchObject({ code: 'EVENTS_LOST' });
    await rpc(url, 'event.unregister', legacy, ['vm']);
  });
});
