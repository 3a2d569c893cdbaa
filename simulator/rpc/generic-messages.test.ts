/** get_all_records over the wire: its encoded reply is reused only while nothing in the class changed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc } from '../contract/json-rpc-client';

type Records = Record<string, Record<string, unknown>>;

let sim: TestSimulator;
let url: string;
let s: string;

beforeAll(async () => {
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

describe('get_all_records', () => {
  it('answers each class as it is now, after changes to it and around it', async () => {
    const before = (await rpc(url, 'VM.get_all_records', s)) as Records;
    const ref = Object.keys(before).find((r) => !before[r].is_control_domain && !before[r].is_a_template && before[r].power_state === 'Halted')!;
    expect(await rpc(url, 'VM.get_all_records', s)).toEqual(before);

    await rpc(url, 'VM.set_name_label', s, ref, 'renamed on the wire');
    const renamed = (await rpc(url, 'VM.get_all_records', s)) as Records;
    expect(renamed[ref].name_label).toBe('renamed on the wire');

    // A change elsewhere leaves the VM reply as it was.
    const host = ((await rpc(url, 'host.get_all', s)) as string[])[0];
    await rpc(url, 'host.set_name_description', s, host, 'changed too');
    expect(await rpc(url, 'VM.get_all_records', s)).toEqual(renamed);
    expect(((await rpc(url, 'host.get_all_records', s)) as Records)[host].name_description).toBe('changed too');

    await rpc(url, 'VM.destroy', s, ref);
    expect(Object.keys((await rpc(url, 'VM.get_all_records', s)) as Records)).not.toContain(ref);
  });
});
