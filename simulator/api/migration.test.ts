/** Live migration, evacuation (maintenance mode) and host power operations over the wire. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, type TestSimulator } from '../contract/harness';
import { rpc, RpcFailure } from '../contract/json-rpc-client';

let sim: TestSimulator;
let url: string;
let s: string;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

const call = <T = unknown>(method: string, ...args: unknown[]) => rpc(url, method, s, ...args) as Promise<T>;

async function finish(task: string): Promise<Rec> {
  await sim.clock.advance(120_000);
  return call<Rec>('task.get_record', task);
}

async function hostByName(name: string): Promise<string> {
  return (await call<string[]>('host.get_by_name_label', name))[0];
}

async function vmByName(name: string): Promise<string> {
  return (await call<string[]>('VM.get_by_name_label', name))[0];
}

async function consoleLocations(vm: string): Promise<string[]> {
  const consoles = await call<string[]>('VM.get_consoles', vm);
  return Promise.all(consoles.map((c) => call<string>('console.get_location', c)));
}

async function expectFailure(p: Promise<unknown>, code: string): Promise<string[]> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RpcFailure);
  const failure = err as RpcFailure;
  expect(failure.code).toBe(code);
  return [failure.code, ...failure.params];
}

describe('VM.pool_migrate', () => {
  it('moves a running VM to another host with a new domain and console, and frees memory on the old host', async () => {
    const vm = await vmByName('web-01');
    const from = await call<string>('VM.get_resident_on', vm);
    const to = await hostByName('xcp-prod-03');
    expect(from).not.toBe(to);
    const freeBefore = await call<number>('host.compute_free_memory', from);
    const consolesBefore = await consoleLocations(vm);
    const task = await call<string>('Async.VM.pool_migrate', vm, to, {});
    const t = await finish(task);
    expect(t.status).toBe('success');
    const rec = await call<Rec>('VM.get_record', vm);
    expect(rec).toMatchObject({ power_state: 'Running', resident_on: to });
    expect(await call<string[]>('host.get_resident_VMs', to)).toContain(vm);
    expect(await call<number>('host.compute_free_memory', from)).toBeGreaterThan(freeBefore);
    const consolesAfter = await consoleLocations(vm);
    expect(consolesAfter.length).toBe(consolesBefore.length);
    for (const loc of consolesAfter) expect(consolesBefore).not.toContain(loc);
    const messages = Object.values(await call<Record<string, Rec>>('message.get_all_records'));
    expect(messages.some((m) => m.name === 'VM_MIGRATED' && m.obj_uuid === rec.uuid)).toBe(true);
  });

  it('refuses a halted VM and a disabled host, with xapi error codes', async () => {
    await expectFailure(call('VM.pool_migrate', await vmByName('build-agent-02'), await hostByName('xcp-prod-01'), {}), 'VM_BAD_POWER_STATE');
    const vm = await vmByName('lb-01');
    const target = await hostByName('xcp-prod-01');
    await call('host.disable', target);
    await expectFailure(call('VM.pool_migrate', vm, target, {}), 'HOST_DISABLED');
    await call('host.enable', target);
    expect(await call<string>('VM.get_power_state', vm)).toBe('Running');
  });
});

describe('maintenance mode: host.disable, host.evacuate, host.enable', () => {
  it('moves every running VM off a disabled host, and nothing comes back to it', async () => {
    const host = await hostByName('xcp-prod-02');
    await call('host.disable', host);
    expect(await call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', host)).toEqual({});
    const task = await call<string>('Async.host.evacuate', host);
    await sim.clock.advance(1000);
    expect(await call('host.get_current_operations', host)).toEqual({ [task]: 'evacuate' });
    expect(Object.values(Object.fromEntries(await Promise.all((await call<string[]>('host.get_all')).map(async (h) => [h, await call('host.get_current_operations', h)])))))
      .toContainEqual({ [task]: 'vm_migrate' });
    expect((await finish(task)).status).toBe('success');
    expect(await call('host.get_current_operations', host)).toEqual({});
    const guests: string[] = [];
    for (const v of await call<string[]>('host.get_resident_VMs', host)) if (!(await call<boolean>('VM.get_is_control_domain', v))) guests.push(v);
    expect(guests).toEqual([]);
    // A disabled host takes no new VMs.
    await expectFailure(call('VM.start_on', await vmByName('backup-proxy'), host, false, false), 'HOST_DISABLED');
    await call('host.enable', host);
    expect(await call<boolean>('host.get_enabled', host)).toBe(true);
  });

  it('will not evacuate a paused VM: xapi names it and the reason', async () => {
    const host = await hostByName('xcp-prod-01');
    const wiki = await vmByName('wiki');
    expect(await call<string>('VM.get_resident_on', wiki)).toBe(host);
    await call('host.disable', host);
    const blocked = await call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', host);
    expect(blocked).toEqual({ [wiki]: ['VM_BAD_POWER_STATE', wiki, 'running', 'paused'] });
    const description = await expectFailure(call('host.evacuate', host), 'CANNOT_EVACUATE_HOST');
    expect(description[1]).toBe(`VM_BAD_POWER_STATE|${wiki}`);
    await call('host.enable', host);
  });

  it('reboots only a disabled, empty host; it comes back live and enabled', async () => {
    const host = await hostByName('xcp-prod-02');
    await expectFailure(call('host.reboot', host), 'HOST_NOT_DISABLED');
    await call('host.disable', host);
    const task = await call<string>('Async.host.reboot', host);
    await sim.clock.advance(5_000);
    expect((await call<Rec>('task.get_record', task)).status).toBe('success');
    const metrics = await call<string>('host.get_metrics', host);
    expect(await call<boolean>('host_metrics.get_live', metrics)).toBe(false);
    await sim.clock.advance(120_000);
    expect(await call<boolean>('host_metrics.get_live', metrics)).toBe(true);
    expect(await call<boolean>('host.get_enabled', host)).toBe(true);
  });

  it('names the VMs that cannot leave a host whose peers cannot take them', async () => {
    const host = await hostByName('xcp-prod-03');
    const running: string[] = [];
    for (const v of await call<string[]>('host.get_resident_VMs', host)) if (!(await call<boolean>('VM.get_is_control_domain', v))) running.push(v);
    expect(running.length).toBeGreaterThan(0);
    // With both peers disabled, nothing can move.
    const peers = [await hostByName('xcp-prod-01'), await hostByName('xcp-prod-02')];
    await sim.clock.advance(120_000);
    for (const p of peers) await call('host.disable', p);
    const blocked = await call<Record<string, string[]>>('host.get_vms_which_prevent_evacuation', host);
    expect(Object.keys(blocked).sort()).toEqual(running.sort());
    expect(Object.values(blocked)[0][0]).toBe('HOST_DISABLED');
    const description = await expectFailure(call('host.evacuate', host), 'CANNOT_EVACUATE_HOST');
    expect(description[1]).toMatch(/^HOST_DISABLED\|OpaqueRef:/);
    for (const p of peers) await call('host.enable', p);
  });
});
