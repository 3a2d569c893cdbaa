/**
 * Demo controls against the embedded demo simulator: a demo pool's host is failed and restarted from the
 * app, and nothing else can be: a connection that is not one of the backend's demo pools gets DEMO_ONLY, a
 * host of another pool DEMO_HOST_UNKNOWN, and the Bridge refuses malformed arguments before any of it runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../../shared/bridge';
import { DemoControls } from './demo-controls';
import { startDemoPools, type DemoPools } from './demo-pools';

let dir: string;
let demo: DemoPools;
let controls: DemoControls;
const production = () => demo.pools.find((p) => p.label === 'Production')!;
const lab = () => demo.pools.find((p) => p.label === 'Lab')!;
const hostOf = (name: string) => [...production().hosts, ...lab().hosts].find((h) => h.name === name)!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-demo-controls-'));
  demo = await startDemoPools(dir);
  controls = new DemoControls(demo);
  controls.register('prod-connection', production());
  controls.register('lab-connection', lab());
});
afterAll(async () => {
  await demo?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('demo controls', () => {
  it("lists a demo pool's own hosts with the master, and fails then restarts one of them", async () => {
    const hosts = await controls.hosts('prod-connection');
    expect(hosts.map((h) => h.name).sort()).toEqual(['xcp-prod-01', 'xcp-prod-02', 'xcp-prod-03']);
    expect(hosts.filter((h) => h.master).map((h) => h.name)).toEqual(['xcp-prod-01']);

    const member = hostOf('xcp-prod-03');
    await controls.hostPower('prod-connection', member.uuid, 'fail');
    expect((await controls.hosts('prod-connection')).find((h) => h.uuid === member.uuid)?.alive).toBe(false);
    await controls.hostPower('prod-connection', member.uuid, 'restart');
    expect((await controls.hosts('prod-connection')).find((h) => h.uuid === member.uuid)?.alive).toBe(true);
  });

  it('refuses a connection that is not a demo pool, and a host of another pool', async () => {
    await expect(controls.hosts('a-real-server')).rejects.toMatchObject({ code: 'DEMO_ONLY' });
    await expect(controls.hostPower('a-real-server', hostOf('xcp-prod-02').uuid, 'fail')).rejects.toMatchObject({ code: 'DEMO_ONLY' });
    await expect(controls.hostPower('prod-connection', hostOf('xcp-lab-01').uuid, 'fail')).rejects.toMatchObject({ code: 'DEMO_HOST_UNKNOWN', params: [hostOf('xcp-lab-01').uuid, 'Production'] });
    expect((await controls.hosts('lab-connection')).every((h) => h.alive)).toBe(true);
    // Without the demo (the app started with it off) every connection is refused.
    await expect(new DemoControls(undefined).hosts('prod-connection')).rejects.toMatchObject({ code: 'DEMO_ONLY' });
  });

  it('is reached only with well-formed arguments: a host uuid and fail or restart', () => {
    const uuid = hostOf('xcp-prod-02').uuid;
    expect(parseRequest('demo.hostPower', { connectionId: 'c', host: uuid, action: 'fail' }).args).toEqual({ connectionId: 'c', host: uuid, action: 'fail' });
    for (const bad of [
      { connectionId: 'c', host: 'xcp-prod-02', action: 'fail' },
      { connectionId: 'c', host: uuid, action: 'kill-host' },
      { connectionId: 'c', host: `${uuid}/../reset`, action: 'fail' },
      { connectionId: '', host: uuid, action: 'restart' },
      { host: uuid, action: 'fail' },
    ]) {
      expect(() => parseRequest('demo.hostPower', bad)).toThrow(expect.objectContaining({ code: 'BRIDGE_INVALID_ARGUMENTS' }));
    }
    expect(() => parseRequest('demo.hosts', { connectionId: 42 })).toThrow(expect.objectContaining({ code: 'BRIDGE_INVALID_ARGUMENTS' }));
  });
});
