/**
 * The XAPI client against the simulator over real sockets (HTTPS, pinned certificate): both codecs,
 * master redirect and failover, session loss, lost events, dropped sockets, malformed replies, tasks.
 * Every fault runs over both codecs; after each the mirror must equal a fresh get_all_records of every
 * class read over JSON-RPC by an independent session: no lost object, no ghost, same values.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XapiClient } from '../../../shared/api-client/xapi-client';
import type { ChangeSet } from '../../../shared/api-client/change-set';
import { XapiError } from '../../../shared/api-client/xapi-error';
import type { Transport } from '../../../shared/api-client/transport';
import { NodeTransport } from './node-transport';
import { labClient, settleMirror, startLab, untilState, type Lab } from './sim-harness';

let lab: Lab;
const open: XapiClient[] = [];
beforeAll(async () => { lab = await startLab({ scenario: 'demo' }); });
afterAll(async () => { await lab?.stop(); });
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
  await lab.sim.faults.reset();
});

function client(overrides: Parameters<typeof labClient>[1] = {}): XapiClient {
  const c = labClient(lab, overrides);
  open.push(c);
  return c;
}

/** An independent reader on the current master, for "fresh get_all_records". */
async function reference(on: XapiClient, protocol: 'json-rpc' | 'xml-rpc' = 'json-rpc'): Promise<XapiClient> {
  const ref = client({ url: on.masterUrl, protocol });
  await ref.session.login();
  return ref;
}

function collect(c: XapiClient): ChangeSet[] {
  const seen: ChangeSet[] = [];
  c.onChanges((changes) => seen.push(changes));
  return seen;
}

const firstPool = () => lab.sim.pools[0];
const masterHost = () => lab.sim.hosts.find((h) => h.url === firstPool().masterUrl)!;

describe('XapiClient against the simulator', () => {
  it('mirrors every class over JSON-RPC, chosen automatically', async () => {
    const c = client();
    await c.connect();
    expect(c.session.protocol).toBe('json-rpc');
    expect(c.objects.size('VM')).toBeGreaterThan(0);
    expect(await settleMirror(c, await reference(c))).toEqual([]);
  });

  it('mirrors every class over XML-RPC with numbers restored from the datamodel', async () => {
    const c = client({ protocol: 'xml-rpc' });
    await c.connect();
    expect(c.session.protocol).toBe('xml-rpc');
    const vm = [...c.objects.records('VM').values()][0];
    expect(typeof vm.memory_static_max).toBe('number');
    // Compared with a JSON-RPC reader: both codecs must produce the same records.
    expect(await settleMirror(c, await reference(c, 'json-rpc'))).toEqual([]);
  });

  it('falls back to XML-RPC on a host that does not serve /jsonrpc (XenServer 6.x)', async () => {
    const oldHost: Transport = {
      post: (req) => (new URL(req.url).pathname === '/jsonrpc'
        ? Promise.resolve({ status: 404, contentType: 'text/html', body: '<h1>Not found</h1>' })
        : lab.transport.post(req)),
    };
    const c = client({ transport: oldHost });
    await c.connect();
    expect(c.session.protocol).toBe('xml-rpc');
    expect(await c.call('pool.get_all')).toHaveLength(1);
  });

  describe.each(['json-rpc', 'xml-rpc'] as const)('faults over %s (mirror compared with a JSON-RPC reader)', (protocol) => {
    it('follows HOST_IS_SLAVE from a pool member to the master', async () => {
      const member = lab.sim.hosts.find((h) => h.url !== firstPool().masterUrl && firstPool().pool.hosts.some((p) => p.uuid === h.uuid))!;
      const c = client({ url: member.url, protocol });
      await c.connect();
      expect(new URL(c.masterUrl).hostname).toBe(new URL(firstPool().masterUrl).hostname);
      expect(c.members().length).toBe(firstPool().pool.hosts.length);
      expect(await settleMirror(c, await reference(c))).toEqual([]);
    });

    it('finds the new master by probing the pool members after the master dies', async () => {
      const c = client({ protocol });
      await c.connect();
      const oldMaster = masterHost();
      const states: string[] = [];
      c.onState((s) => states.push(s.state));
      await lab.sim.faults.killHost(oldMaster.uuid);
      await untilState(c, 'reconnecting');
      await untilState(c, 'connected');
      expect(new URL(c.masterUrl).host).not.toBe(new URL(oldMaster.url).host);
      expect(new URL(c.masterUrl).hostname).toBe(new URL(firstPool().masterUrl).hostname);
      expect(states).not.toContain('disconnected');
      expect(await settleMirror(c, await reference(c))).toEqual([]);
    });

    it('logs in again once when the session dies, and the mirror stays whole', async () => {
      const c = client({ protocol });
      await c.connect();
      lab.sim.faults.invalidateSessions();
      expect(await c.call('pool.get_all')).toHaveLength(1);
      const vm = [...c.objects.records('VM').entries()].find(([, r]) => !r.is_a_template && !r.is_control_domain)!;
      await c.call('VM.set_name_description', vm[0], 'after re-login');
      expect(await settleMirror(c, await reference(c))).toEqual([]);
      expect(c.objects.get('VM', vm[0])?.name_description).toBe('after re-login');
    });

    it('resyncs after EVENTS_LOST and emits exactly the objects that changed meanwhile', async () => {
      const c = client({ protocol });
      await c.connect();
      const seen = collect(c);
      const db = firstPool().db;
      const [gone] = db.refs('message');
      // Both changes and the token expiry happen in one tick: the waiting event.from can only answer EVENTS_LOST.
      db.destroy('message', gone);
      const created = db.create('message', { name: 'RESYNC_TEST', body: 'created while events were lost', priority: 5, cls: 'Pool', obj_uuid: firstPool().uuid });
      lab.sim.faults.expireEventTokens();
      expect(await settleMirror(c, await reference(c))).toEqual([]);
      const removed = seen.flatMap((s) => s.removed.message ?? []);
      const added = seen.flatMap((s) => Object.keys(s.added.message ?? {}));
      expect(removed).toEqual([gone]);
      expect(added).toEqual([created]);
      expect(c.objects.get('message', gone)).toBeUndefined();
    });

    it('survives a socket dropped in the middle of event.from and catches up', async () => {
      const c = client({ protocol });
      await c.connect();
      const vm = [...c.objects.records('VM').entries()].find(([, r]) => !r.is_a_template && !r.is_control_domain)!;
      lab.sim.faults.dropConnections();
      firstPool().db.update('VM', vm[0], { name_description: 'changed while the socket was down' });
      expect(await settleMirror(c, await reference(c))).toEqual([]);
      expect(c.objects.get('VM', vm[0])?.name_description).toBe('changed while the socket was down');
      await untilState(c, 'connected');
    });

    it('reports a malformed reply as a typed error and keeps the loop alive', async () => {
      const c = client({ protocol });
      await c.connect();
      const errors: XapiError[] = [];
      c.onError((e) => errors.push(e));
      lab.sim.faults.malformedBodies(true);
      firstPool().db.update('pool', firstPool().pool.ref, { name_description: 'during malformed replies' });
      await new Promise<void>((resolve) => { const off = c.onError(() => { off(); resolve(); }); });
      lab.sim.faults.malformedBodies(false);
      expect(errors[0]).toBeInstanceOf(XapiError);
      expect(errors[0].code).toBe('MALFORMED_REPLY');
      expect(await settleMirror(c, await reference(c))).toEqual([]);
      expect(c.objects.get('pool', firstPool().pool.ref)?.name_description).toBe('during malformed replies');
      await untilState(c, 'connected');
    });
  });

  it('keeps multi-byte text intact across the chunks of a big reply, over both codecs', async () => {
    // 200 KB of 2-, 3- and 4-byte characters: every 64 KB chunk boundary falls inside some character.
    const text = 'Zürich 東京 🚀 '.repeat(12_000);
    const vm = firstPool().db.refs('VM').find((ref) => !firstPool().db.get('VM', ref).is_control_domain)!;
    firstPool().db.update('VM', vm, { name_description: text });
    for (const protocol of ['json-rpc', 'xml-rpc'] as const) {
      const c = client({ protocol });
      await c.connect();
      expect(c.objects.get('VM', vm)?.name_description).toBe(text);
      expect(await c.call('VM.get_name_description', vm)).toBe(text);
    }
  });

  it('runs Async calls as tasks: result through events, XAPI errors typed, task destroyed afterwards', async () => {
    const c = client();
    await c.connect();
    const halted = [...c.objects.records('VM').entries()].find(([, r]) => !r.is_a_template && !r.is_control_domain && r.power_state === 'Halted')!;
    const running = [...c.objects.records('VM').entries()].find(([, r]) => !r.is_control_domain && r.power_state === 'Running')!;
    const start = c.callAsync('VM.start', halted[0], false, false);
    const taskRef = await start.task;
    expect(taskRef).toMatch(/^OpaqueRef:/);
    await start;
    expect(c.objects.get('VM', halted[0])?.power_state).toBe('Running');
    const failing = c.callAsync('VM.start', running[0], false, false);
    await expect(failing).rejects.toMatchObject({ code: 'VM_BAD_POWER_STATE', method: 'VM.start' });
    const failedTask = await failing.task;
    await expect.poll(() => c.objects.get('task', failedTask), { timeout: 5_000 }).toBeUndefined();
  });

  it('stops on wrong credentials with the XAPI error, without retrying', async () => {
    const c = client({ password: 'wrong' });
    await expect(c.connect()).rejects.toMatchObject({ code: 'SESSION_AUTHENTICATION_FAILED' });
    expect(c.state).toMatchObject({ state: 'disconnected', error: { code: 'SESSION_AUTHENTICATION_FAILED' } });
  });

  it('refuses a certificate the trust policy does not know, with its fingerprint for the prompt', async () => {
    const untrusting = new NodeTransport({ trust: { verify: () => 'unknown' } });
    const c = client({ transport: untrusting });
    await expect(c.connect()).rejects.toMatchObject({ code: 'CERTIFICATE_UNKNOWN', params: [expect.any(String), masterHost().fingerprint256] });
    untrusting.destroy();
  });
});
