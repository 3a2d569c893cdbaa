/**
 * What a client sees on the wire from the dispatcher: method discovery, XAPI error codes with their
 * parameters, generic messages, tasks and operations on simulated time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedIn, startTestSimulator, type TestSimulator } from '../contract/harness';
import { login, rpc } from '../contract/json-rpc-client';

let sim: TestSimulator;
let url: string;
let s: string;
const vmByName = async (name: string) => ((await rpc(url, 'VM.get_by_name_label', s, name)) as string[])[0];

beforeAll(async () => {
  // Frozen clock: operations stay in progress until the test advances time.
  ({ sim, url, session: s } = await startSignedIn({ timeScale: 0 }));
});
afterAll(() => sim.cleanup());

describe('dispatch', () => {
  it('lists every implemented message without a session, sync and Async', async () => {
    const methods = (await rpc(url, 'system.listMethods')) as string[];
    for (const m of ['VM.get_all_records', 'task.get_all_records', 'message.get_all_records', 'pool.get_all_records', 'VM.start', 'Async.VM.start', 'VM.add_tags', 'VM.add_to_other_config', 'event.from', 'host.get_servertime']) {
      expect(methods).toContain(m);
    }
    expect(methods).not.toContain('Async.VM.get_record');
  });

  it('names unknown methods, wrong parameter counts and dead sessions with XAPI codes', async () => {
    await expect(rpc(url, 'VM.fly', s)).rejects.toMatchObject({ code: 'MESSAGE_METHOD_UNKNOWN', params: ['VM.fly'] });
    await expect(rpc(url, 'VM.get_record', s)).rejects.toMatchObject({ code: 'MESSAGE_PARAMETER_COUNT_MISMATCH', params: ['VM.get_record', '2', '1'] });
    await expect(rpc(url, 'VM.get_all', 'OpaqueRef:nope')).rejects.toMatchObject({ code: 'SESSION_INVALID', params: ['OpaqueRef:nope'] });
    await expect(rpc(url, 'VM.get_record', s, 'OpaqueRef:nope')).rejects.toMatchObject({ code: 'HANDLE_INVALID', params: ['VM', 'OpaqueRef:nope'] });
    await expect(rpc(url, 'VM.get_by_uuid', s, 'not-a-uuid')).rejects.toMatchObject({ code: 'UUID_INVALID', params: ['VM', 'not-a-uuid'] });
    await expect(rpc(url, 'VM.set_memory_limits', s, await vmByName('wiki'), 'lots', 1, 1, 1)).rejects.toMatchObject({ code: 'FIELD_TYPE_ERROR', params: ['static_min'] });
    await expect(rpc(url, 'session.login_with_password', 'root', 'wrong')).rejects.toMatchObject({ code: 'SESSION_AUTHENTICATION_FAILED' });
  });

  it('serves generic getters, setters, tags and map entries from the datamodel', async () => {
    const vm = await vmByName('mail');
    const rec = (await rpc(url, 'VM.get_record', s, vm)) as Record<string, unknown>;
    expect(await rpc(url, 'VM.get_by_uuid', s, rec.uuid)).toBe(vm);
    expect(await rpc(url, 'VM.get_memory_static_max', s, vm)).toBe(8 * 1024 ** 3);
    await rpc(url, 'VM.add_tags', s, vm, 'backup');
    await rpc(url, 'VM.add_tags', s, vm, 'backup');
    expect(await rpc(url, 'VM.get_tags', s, vm)).toEqual(['production', 'backup']);
    await rpc(url, 'VM.remove_tags', s, vm, 'backup');
    await rpc(url, 'VM.add_to_other_config', s, vm, 'folder', '/mail');
    await expect(rpc(url, 'VM.add_to_other_config', s, vm, 'folder', '/x')).rejects.toMatchObject({ code: 'MAP_DUPLICATE_KEY', params: ['VM', 'other_config', vm, 'folder'] });
    await rpc(url, 'VM.remove_from_other_config', s, vm, 'folder');
    await rpc(url, 'VM.remove_from_other_config', s, vm, 'folder');
    await rpc(url, 'VM.set_name_description', s, vm, 'Postfix');
    expect(((await rpc(url, 'VM.get_record', s, vm)) as Record<string, unknown>).name_description).toBe('Postfix');
  });

  it('gives every class record every datamodel field', async () => {
    for (const cls of ['pool', 'host', 'host_metrics', 'host_cpu', 'VM', 'VM_metrics', 'VM_guest_metrics', 'VBD', 'VDI', 'SR', 'PBD', 'VIF', 'network', 'PIF', 'PIF_metrics', 'Bond', 'VLAN', 'console', 'message', 'role', 'VMSS', 'VM_appliance']) {
      const all = (await rpc(url, `${cls}.get_all_records`, s)) as Record<string, Record<string, unknown>>;
      const records = Object.values(all);
      expect(records.length, cls).toBeGreaterThan(0);
      const { classes } = await import('../model');
      for (const f of classes.get(cls)!.fields) expect(records[0], `${cls}.${f.name}`).toHaveProperty(f.name);
    }
  });

  it('keeps current_operations and allowed_operations true while a task runs on simulated time', async () => {
    const vm = await vmByName('web-02');
    const task = (await rpc(url, 'Async.VM.clean_shutdown', s, vm)) as string;
    await new Promise((r) => setTimeout(r, 20));
    let rec = (await rpc(url, 'VM.get_record', s, vm)) as Record<string, unknown>;
    expect(rec.current_operations).toEqual({ [task]: 'clean_shutdown' });
    expect(rec.allowed_operations).toEqual([]);
    await expect(rpc(url, 'VM.hard_reboot', s, vm)).rejects.toMatchObject({ code: 'OTHER_OPERATION_IN_PROGRESS', params: ['VM', vm, 'clean_shutdown', task] });
    expect(((await rpc(url, 'task.get_record', s, task)) as Record<string, unknown>).status).toBe('pending');
    await sim.clock.advance(10_000);
    rec = (await rpc(url, 'VM.get_record', s, vm)) as Record<string, unknown>;
    expect(rec.power_state).toBe('Halted');
    expect(rec.resident_on).toBe('OpaqueRef:NULL');
    expect(rec.current_operations).toEqual({});
    expect(rec.allowed_operations).toContain('start');
    const t = (await rpc(url, 'task.get_record', s, task)) as Record<string, unknown>;
    expect(t.status).toBe('success');
    expect(t.progress).toBe(1);
  });

  it('cancels a running task with TASK_CANCELLED and leaves the VM as it was', async () => {
    const vm = await vmByName('k8s-lab-3').catch(() => undefined) ?? (await vmByName('build-agent-02'));
    const task = (await rpc(url, 'Async.VM.start', s, vm, false, false)) as string;
    await new Promise((r) => setTimeout(r, 20));
    await rpc(url, 'task.cancel', s, task);
    await new Promise((r) => setTimeout(r, 20));
    const t = (await rpc(url, 'task.get_record', s, task)) as Record<string, unknown>;
    expect(t.status).toBe('cancelled');
    expect(t.error_info).toEqual(['TASK_CANCELLED', task]);
    expect(await rpc(url, 'VM.get_power_state', s, vm)).toBe('Halted');
  });

  it('refuses a start that does not fit in memory with HOST_NOT_ENOUGH_FREE_MEMORY [needed, available]', async () => {
    const vm = await vmByName('win11-helpdesk');
    const hosts = (await rpc(url, 'host.get_all', s)) as string[];
    await rpc(url, 'VM.set_memory_limits', s, vm, 1024 ** 3, 600 * 1024 ** 3, 600 * 1024 ** 3, 600 * 1024 ** 3);
    const err = await rpc(url, 'VM.start_on', s, vm, hosts[0], false, false).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HOST_NOT_ENOUGH_FREE_MEMORY' });
    const [needed, available] = (err as { params: string[] }).params.map(Number);
    expect(needed).toBeGreaterThan(available);
    expect(available).toBe(await rpc(url, 'host.compute_free_memory', s, hosts[0]));
    await expect(rpc(url, 'VM.start', s, vm, false, false)).rejects.toMatchObject({ code: 'HOST_NOT_ENOUGH_FREE_MEMORY' });
  });

  it('refuses operations on control domains and wrong power states', async () => {
    const hosts = (await rpc(url, 'host.get_all', s)) as string[];
    const dom0 = await rpc(url, 'host.get_control_domain', s, hosts[0]);
    await expect(rpc(url, 'VM.clean_shutdown', s, dom0)).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    const suspended = await vmByName('win2019-sql');
    await expect(rpc(url, 'VM.start', s, suspended, false, false)).rejects.toMatchObject({ code: 'VM_BAD_POWER_STATE', params: [suspended, 'halted', 'suspended'] });
  });

  it('answers HOST_OFFLINE for a start on a dead host', async () => {
    const other = await startTestSimulator({ timeScale: 0 });
    try {
      const u = other.hosts[0].httpUrl;
      const sess = await login(u);
      const dead = other.pools[0].pool.hosts[2];
      await other.faults.killHost(dead.uuid);
      const vm = ((await rpc(u, 'VM.get_by_name_label', sess, 'backup-proxy')) as string[])[0];
      await expect(rpc(u, 'VM.start_on', sess, vm, dead.ref, false, false)).rejects.toMatchObject({ code: 'HOST_OFFLINE', params: [dead.ref] });
    } finally {
      await other.cleanup();
    }
  });

  it('runs a synchronous call of a message with an Async form in a task that comes and goes, as xapi does; a getter gets none', async () => {
    // The legacy event queue keeps every change (event.from hides an object born and dead since the token).
    type Event = { class: string; operation: string; ref: string; snapshot?: { name_label?: string; status?: string } };
    await rpc(url, 'event.register', s, ['task']);
    try {
      const host = ((await rpc(url, 'host.get_all', s)) as string[])[0];
      await rpc(url, 'host.call_plugin', s, host, 'nope', 'fn', {}).catch(() => undefined);
      await rpc(url, 'VM.get_record', s, await vmByName('mail'));
      const events = (await rpc(url, 'event.next', s)) as Event[];
      const refs = [...new Set(events.map((e) => e.ref))];
      expect(refs).toHaveLength(1);
      expect(events[0]).toMatchObject({ operation: 'add', snapshot: { name_label: 'host.call_plugin', status: 'pending' } });
      expect(events.at(-1)?.operation).toBe('del');
      expect(events.some((e) => e.operation === 'mod' && e.snapshot?.status === 'failure')).toBe(true);
      expect(await rpc(url, 'task.get_all', s)).not.toContain(refs[0]);
    } finally {
      await rpc(url, 'event.unregister', s, ['task']);
    }
  });

  it('answers JSON-RPC 1.0 with result and error members and the ErrorDescription list', async () => {
    const call = async (method: string, params: unknown[]) => (await (await fetch(`${url}/jsonrpc`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method, params, id: 'a' }),
    })).json()) as Record<string, unknown>;
    expect(await call('pool.get_all', [s])).toEqual({ result: [expect.stringMatching(/^OpaqueRef:/)], error: null, id: 'a' });
    expect(await call('VM.get_record', [s, 'OpaqueRef:x'])).toEqual({ result: null, error: ['HANDLE_INVALID', 'VM', 'OpaqueRef:x'], id: 'a' });
  });

  it('pauses and unpauses a running VM, and its metrics follow', async () => {
    const vm = await vmByName('monitoring');
    const task = (await rpc(url, 'Async.VM.pause', s, vm)) as string;
    await sim.clock.advance(1000);
    expect(((await rpc(url, 'task.get_record', s, task)) as Record<string, unknown>).status).toBe('success');
    expect(await rpc(url, 'VM.get_power_state', s, vm)).toBe('Paused');
    const metrics = (await rpc(url, 'VM.get_metrics', s, vm)) as string;
    expect(await rpc(url, 'VM_metrics.get_state', s, metrics)).toEqual(['paused']);
    expect(await rpc(url, 'VM.get_allowed_operations', s, vm)).toContain('unpause');
    await rpc(url, 'Async.VM.unpause', s, vm);
    await sim.clock.advance(1000);
    expect(await rpc(url, 'VM.get_power_state', s, vm)).toBe('Running');
  });

  it('drops open connections and delays answers on demand', async () => {
    const pool = ((await rpc(url, 'pool.get_all', s)) as string[])[0];
    const token = (await rpc(url, 'event.inject', s, 'pool', pool)) as string;
    const polling = rpc(url, 'event.from', s, ['vm'], token, 30.0);
    await new Promise((r) => setTimeout(r, 50));
    sim.faults.dropConnections();
    await expect(polling).rejects.toThrow();
    sim.faults.delayResponses(150);
    const t0 = Date.now();
    await rpc(url, 'pool.get_all', s);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    sim.faults.delayResponses(0);
  });

  it('reports power state and resident host changes to onVmChange listeners (RRD, console modules)', async () => {
    const seen: { uuid: string; before: unknown; after: unknown }[] = [];
    const off = sim.sim.onVmChange((e) => seen.push({ uuid: e.uuid, before: e.before, after: e.after }));
    const vm = await vmByName('win2022-files');
    const host = await rpc(url, 'VM.get_resident_on', s, vm);
    await rpc(url, 'Async.VM.hard_shutdown', s, vm);
    await sim.clock.advance(5000);
    off();
    const uuid = await rpc(url, 'VM.get_uuid', s, vm);
    expect(seen).toContainEqual({ uuid, before: { power_state: 'Running', resident_on: host }, after: { power_state: 'Halted', resident_on: 'OpaqueRef:NULL' } });
  });
});
