/**
 * The ConnectionManager against the simulator over real sockets, with the real file stores: adding a
 * server (trust prompt, wrong then right password), refused and changed certificates, saved servers
 * after a restart, retries, HOST_IS_SLAVE, demo pools, and the mirror batches the renderer applies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../simulator';
import type { BridgeEvents, EventName, MirrorBatch } from '../../../shared/bridge';
import type { XapiClient } from '../../../shared/api-client/xapi-client';
import { FileCertificateStore } from '../stores/file-certificate-store';
import { FileSecretStore } from '../stores/file-secret-store';
import { FileSettingsStore } from '../stores/file-settings-store';
import { ConnectionManager, SAVED_SERVERS_KEY, passwordKey } from './connection-manager';
import { certificateHostKeyOfUrl } from './node-transport';
import { classesOf, freshRecords, startLab, type Lab } from './sim-harness';
import { applyToReplica } from './mirror-replica';
import { stringifyWithRawRecords } from '../../../shared/api-client/raw-record';

type Recorded = { [E in EventName]: { event: E; payload: BridgeEvents[E] } }[EventName];

interface Rig {
  dir: string;
  manager: ConnectionManager;
  events: Recorded[];
  stores: { settings: FileSettingsStore; certificates: FileCertificateStore; secrets: FileSecretStore };
}

let lab: Lab;
const rigs: Rig[] = [];
const dirs: string[] = [];
const refs: XapiClient[] = [];

beforeAll(async () => { lab = await startLab({ scenario: 'demo' }); });
afterAll(async () => {
  await lab?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.manager.dispose()));
  await Promise.all(refs.splice(0).map((c) => c.disconnect()));
});

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xendeck-manager-'));
  dirs.push(dir);
  return dir;
}

/** A manager on the stores in `dir` (a second rig on the same dir is "the app started again"). */
async function rig(dir = newDir()): Promise<Rig> {
  const stores = { settings: new FileSettingsStore(dir), certificates: new FileCertificateStore(dir), secrets: new FileSecretStore(join(dir, 'secrets')) };
  const events: Recorded[] = [];
  const manager = new ConnectionManager({
    ...stores,
    // Recorded as the page receives it: through the JSON both transports send (records loaded as text spliced in).
    emit: (event, payload) => events.push({ event, payload: onTheWire(payload) } as Recorded),
    client: { eventTimeoutSeconds: 2, retryMinMs: 50, retryMaxMs: 400, gracePeriodMs: 60_000, probeTimeoutMs: 3_000 },
  });
  await manager.init();
  const r = { dir, manager, events, stores };
  rigs.push(r);
  return r;
}

async function stop(r: Rig): Promise<void> {
  rigs.splice(rigs.indexOf(r), 1);
  await r.manager.dispose();
}

const onTheWire = <T>(value: T): T => JSON.parse(stringifyWithRawRecords(value)) as T;

const payloads = <E extends EventName>(r: Rig, event: E): BridgeEvents[E][] =>
  r.events.filter((e) => e.event === event).map((e) => e.payload as BridgeEvents[E]);

async function nextPrompt(r: Rig, after = 0): Promise<BridgeEvents['connections.certificatePrompt']> {
  await expect.poll(() => payloads(r, 'connections.certificatePrompt').length, { timeout: 10_000 }).toBeGreaterThan(after);
  return payloads(r, 'connections.certificatePrompt')[after];
}

const statusOf = (r: Rig, id: string) => r.manager.list().find((c) => c.id === id)?.status;

/**
 * What the renderer holds after applying every batch of a connection, as class/ref → record: removals,
 * then full `added` records, then partial `modified` records merged into the held ones.
 */
function replica(r: Rig, id: string): Map<string, unknown> {
  const view = new Map<string, unknown>();
  for (const batch of payloads(r, 'mirror.batch')) if (batch.connectionId === id) applyToReplica(view, batch);
  return view;
}

function flatten(batch: MirrorBatch): Map<string, unknown> {
  const view = new Map<string, unknown>();
  for (const cls in batch.added) for (const ref in batch.added[cls]) view.set(`${cls}/${ref}`, batch.added[cls][ref]);
  return view;
}

const firstPool = () => lab.sim.pools[0];
/** The certificate of a pool's master (every simulated host has its own, as on a real pool). */
const masterFingerprint = (pool: { masterUrl: string } = firstPool()) => lab.sim.hosts.find((h) => h.url === pool.masterUrl)!.fingerprint256;
const hostOf = (url: string) => new URL(url).host;

describe('ConnectionManager', () => {
  it('asks to trust the certificate on first contact, reports a wrong password in plain words, then connects with the right one', async () => {
    const r = await rig();
    const adding = r.manager.add({ address: hostOf(lab.sim.url), user: 'root', password: 'wrong', remember: true });
    const prompt = await nextPrompt(r);
    const master = lab.sim.hosts.find((h) => h.url === firstPool().masterUrl)!;
    expect(prompt.certificate).toMatchObject({ host: certificateHostKeyOfUrl(lab.sim.url), fingerprint256: master.fingerprint256 });
    expect(prompt.certificate.subject).not.toBe('');
    expect(prompt.certificate.issuer).not.toBe('');
    expect(new Date(prompt.certificate.validTo).getTime()).toBeGreaterThan(Date.now());
    expect(prompt.previousFingerprint256).toBeUndefined();
    // While the prompt waits, the connection is listed.
    expect(r.manager.list().map((c) => c.id)).toEqual([prompt.id]);
    await r.manager.answerCertificate(prompt.id, prompt.certificate.fingerprint256, true);

    await expect(adding).rejects.toMatchObject({ code: 'SESSION_AUTHENTICATION_FAILED', message: expect.stringMatching(/wrong user name or password/i) });
    expect(r.manager.list()).toEqual([]);
    expect(await r.stores.certificates.get(prompt.certificate.host)).toBe(master.fingerprint256);
    expect(await r.stores.settings.get(SAVED_SERVERS_KEY)).toBeUndefined();

    const info = await r.manager.add({ address: hostOf(lab.sim.url), user: 'root', password: lab.sim.password, remember: true });
    expect(payloads(r, 'connections.certificatePrompt')).toHaveLength(1); // pinned: no second question
    expect(info).toMatchObject({ status: { state: 'connected' }, label: firstPool().name, remembered: true, demo: false, hidden: false });
    const vms = Object.keys(r.manager.snapshot(info.id).added.VM ?? {});
    expect(vms.sort()).toEqual(firstPool().db.refs('VM').sort());
    // The password is in the secret store only, never in the settings file.
    expect(await r.stores.secrets.get(passwordKey(info.id))).toBe(lab.sim.password);
    expect(readFileSync(join(r.dir, 'settings.json'), 'utf8')).not.toContain(lab.sim.password);
    await expect.poll(() => replica(r, info.id).size).toBe(flatten(onTheWire(r.manager.snapshot(info.id))).size);
  });

  it('connects nothing when the certificate is refused', async () => {
    const r = await rig();
    const adding = r.manager.add({ address: lab.sim.url, user: 'root', password: lab.sim.password, remember: true });
    const prompt = await nextPrompt(r);
    await r.manager.answerCertificate(prompt.id, prompt.certificate.fingerprint256, false);
    await expect(adding).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED', message: expect.stringMatching(/did not trust/) });
    expect(r.manager.list()).toEqual([]);
    expect(await r.stores.certificates.get(prompt.certificate.host)).toBeUndefined();
  });

  it('follows HOST_IS_SLAVE from a pool member to the master and says so', async () => {
    const r = await rig();
    for (const h of lab.sim.hosts) await r.stores.certificates.set(certificateHostKeyOfUrl(h.url), h.fingerprint256);
    const member = lab.sim.hosts.find((h) => h.url !== firstPool().masterUrl && firstPool().pool.hosts.some((p) => p.uuid === h.uuid))!;
    const info = await r.manager.add({ address: member.url, user: 'root', password: lab.sim.password, remember: false });
    expect(info.status).toEqual({ state: 'connected' });
    expect(info.masterAddress).toBe(hostOf(firstPool().masterUrl));
    expect(info.note).toMatch(/pool master/);
    expect(payloads(r, 'connections.certificatePrompt')).toHaveLength(0);
  });

  it('tells an unreachable address and a server that is not a XAPI host apart', async () => {
    const r = await rig();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(r.manager.add({ address: `127.0.0.1:${closedPort}`, user: 'root', password: 'x', remember: false }))
      .rejects.toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringMatching(/nothing answers/i) });

    const web = http.createServer((_req, res) => { res.writeHead(404, { 'Content-Type': 'text/html' }); res.end('<h1>Not found</h1>'); });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      await expect(r.manager.add({ address: `http://127.0.0.1:${(web.address() as AddressInfo).port}`, user: 'root', password: 'x', remember: false }))
        .rejects.toMatchObject({ code: 'HTTP_ERROR', message: expect.stringMatching(/not as a XAPI host/) });
    } finally {
      web.closeAllConnections();
      await new Promise((resolve) => web.close(resolve));
    }
    await expect(r.manager.add({ address: 'bad:port:', user: 'root', password: 'x', remember: false })).rejects.toMatchObject({ code: 'INVALID_ADDRESS' });
    expect(r.manager.list()).toEqual([]);
  });

  it('reconnects a saved server when the app starts again with the same stores', async () => {
    const first = await rig();
    for (const h of lab.sim.hosts) await first.stores.certificates.set(certificateHostKeyOfUrl(h.url), h.fingerprint256);
    const saved = await first.manager.add({ address: lab.sim.url, user: 'root', password: lab.sim.password, remember: true });
    const notSaved = await first.manager.add({ address: lab.sim.pools[1].masterUrl, user: 'root', password: lab.sim.password, remember: false });
    await stop(first);

    const again = await rig(first.dir);
    expect(again.manager.list().map((c) => c.id)).toEqual([saved.id]);
    expect(again.manager.list()[0]).toMatchObject({ label: firstPool().name, remembered: true });
    await expect.poll(() => statusOf(again, saved.id), { timeout: 10_000 }).toEqual({ state: 'connected' });
    expect(again.manager.list().some((c) => c.id === notSaved.id)).toBe(false);
    await expect.poll(() => replica(again, saved.id).get(`pool/${firstPool().pool.ref}`)).toMatchObject({ name_label: firstPool().name });
  });

  it('shows the retries of a saved server that does not answer, with the error in words', async () => {
    const dir = newDir();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    await new FileSettingsStore(dir).set(SAVED_SERVERS_KEY, [{ id: 'gone', address, user: 'root', label: 'Gone pool', hidden: false }]);
    await new FileSecretStore(join(dir, 'secrets')).set(passwordKey('gone'), 'pw');
    const r = await rig(dir);
    await expect.poll(() => statusOf(r, 'gone'), { timeout: 10_000 }).toMatchObject({
      state: 'reconnecting',
      attempt: expect.any(Number),
      nextRetryMs: expect.any(Number),
      error: { code: 'CONNECTION_FAILED', message: expect.stringMatching(/nothing answers/i) },
    });
    await expect.poll(() => { const s = statusOf(r, 'gone'); return s?.state === 'reconnecting' ? s.attempt : 0; }, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  });

  it('streams squashed batches that leave the renderer equal to a fresh get_all_records', async () => {
    const r = await rig();
    const pool = firstPool();
    const demo = await r.manager.addDemo({ label: 'Production', url: pool.masterUrl, user: 'root', password: lab.sim.password, fingerprint256: masterFingerprint(pool) });
    await expect.poll(() => statusOf(r, demo.id), { timeout: 10_000 }).toEqual({ state: 'connected' });
    const before = payloads(r, 'mirror.batch').length;
    const vms = pool.db.refs('VM');
    // A burst: 300 modifications of 30 VMs and a message that appears and disappears at once.
    for (let i = 0; i < 300; i++) pool.db.update('VM', vms[i % 30], { name_description: `burst ${i}` });
    const fleeting = pool.db.create('message', { name: 'FLEETING', body: 'gone at once', priority: 5, cls: 'Pool', obj_uuid: pool.uuid });
    pool.db.destroy('message', fleeting);
    const kept = pool.db.create('message', { name: 'KEPT', body: 'stays', priority: 5, cls: 'Pool', obj_uuid: pool.uuid });
    await expect.poll(() => replica(r, demo.id).has(`message/${kept}`), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => (replica(r, demo.id).get(`VM/${vms[29]}`) as { name_description?: string })?.name_description, { timeout: 10_000 }).toBe('burst 299');
    const burst = payloads(r, 'mirror.batch').slice(before).filter((b) => b.connectionId === demo.id);
    expect(burst.length).toBeLessThan(30); // 302 changes, squashed
    // Modified VMs carry the fields that changed, not their whole record.
    const sentVm = burst.map((b) => b.modified.VM?.[vms[29]]).filter(Boolean).at(-1) as Record<string, unknown>;
    expect(sentVm.name_description).toBe('burst 299');
    expect(sentVm.name_label).toBeUndefined();
    expect(burst.some((b) => b.added.message?.[fleeting] || b.removed.message?.includes(fleeting))).toBe(false);
    // No lost and no ghost objects: the renderer's copy is the pool.
    const mine = replica(r, demo.id);
    expect(mine).toEqual(flatten(onTheWire(r.manager.snapshot(demo.id))));
    // The demo pool lives on meanwhile (its containers change a VM's docker_ps now and then): compare with a
    // fresh read once the events of what changed since have arrived too.
    await expect
      .poll(async () => {
        const now = replica(r, demo.id);
        const fresh = await freshRecords(lab, pool.masterUrl, classesOf(now), refs);
        const keys = [...new Set([...now.keys(), ...fresh.keys()])];
        return keys.filter((key) => !isDeepStrictEqual(now.get(key), fresh.get(key)));
      }, { timeout: 10_000 })
      .toEqual([]);
  });

  it('runs Async calls: the task ref at once, progress and result through the mirror', async () => {
    const r = await rig();
    const pool = firstPool();
    const demo = await r.manager.addDemo({ label: 'Production', url: pool.masterUrl, user: 'root', password: lab.sim.password, fingerprint256: masterFingerprint(pool) });
    await expect.poll(() => statusOf(r, demo.id), { timeout: 10_000 }).toEqual({ state: 'connected' });
    const halted = pool.db.refs('VM').find((ref) => { const vm = pool.db.get('VM', ref); return !vm.is_a_template && !vm.is_control_domain && vm.power_state === 'Halted'; })!;
    const task = await r.manager.callAsync(demo.id, 'VM.start', [halted, false, false]);
    expect(task).toMatch(/^OpaqueRef:/);
    await expect.poll(() => payloads(r, 'mirror.batch').some((b) => b.added.task?.[task] !== undefined), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => (replica(r, demo.id).get(`VM/${halted}`) as { power_state?: string })?.power_state, { timeout: 15_000 }).toBe('Running');
    // The task panel sees the finished task before it is destroyed.
    await expect.poll(() => (replica(r, demo.id).get(`task/${task}`) as { status?: string } | undefined)?.status, { timeout: 10_000 }).toBe('success');
    expect(await r.manager.call(demo.id, 'VM.get_power_state', [halted])).toBe('Running');
    await expect(r.manager.call(demo.id, 'VM.start', [halted, false, false])).rejects.toMatchObject({ code: 'VM_BAD_POWER_STATE' });
    await expect(r.manager.call(demo.id, 'session.get_all', [])).rejects.toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const endpoint = await r.manager.endpoint(demo.id);
    expect(endpoint).toEqual({ sessionId: expect.stringMatching(/^OpaqueRef:/), pinnedFingerprint256: masterFingerprint(pool), address: hostOf(pool.masterUrl) });
  });

  it('pre-trusts the demo pools, marks them Demo, and keeps a hidden one hidden after a restart', async () => {
    const first = await rig();
    const demos = await Promise.all(lab.sim.pools.map((p) => first.manager.addDemo({ label: p.name, url: p.masterUrl, user: 'root', password: lab.sim.password, fingerprint256: masterFingerprint(p) })));
    for (const d of demos) await expect.poll(() => statusOf(first, d.id), { timeout: 10_000 }).toEqual({ state: 'connected' });
    expect(payloads(first, 'connections.certificatePrompt')).toHaveLength(0);
    expect(first.manager.list().every((c) => c.demo)).toBe(true);
    const hidden = demos[1];
    await first.manager.setHidden(hidden.id, true);
    expect(first.manager.list().find((c) => c.id === hidden.id)).toMatchObject({ hidden: true, status: { state: 'disconnected' } });
    await expect.poll(() => replica(first, hidden.id).size).toBe(0);
    await stop(first);

    const again = await rig(first.dir);
    for (const p of lab.sim.pools) await again.manager.addDemo({ label: p.name, url: p.masterUrl, user: 'root', password: lab.sim.password, fingerprint256: masterFingerprint(p) });
    expect(again.manager.list().find((c) => c.id === hidden.id)).toMatchObject({ hidden: true, demo: true, status: { state: 'disconnected' } });
    await expect(again.manager.call(hidden.id, 'pool.get_all', [])).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    await expect.poll(() => statusOf(again, demos[0].id), { timeout: 10_000 }).toEqual({ state: 'connected' });
    await again.manager.setHidden(hidden.id, false);
    await expect.poll(() => statusOf(again, hidden.id), { timeout: 10_000 }).toEqual({ state: 'connected' });
  });
});

/** Adds the lab pool, trusting its certificate when asked (after `asked` earlier prompts); resolves once it is connected. */
async function addLabTrusting(r: Rig, remember: boolean, asked = 0) {
  const adding = r.manager.add({ address: lab.sim.url, user: 'root', password: lab.sim.password, remember });
  const prompt = await nextPrompt(r, asked);
  await r.manager.answerCertificate(prompt.id, prompt.certificate.fingerprint256, true);
  return { info: await adding, prompt };
}

describe('Forgetting a server', () => {
  it('drops its pinned certificate and its password, so adding it again asks about the certificate again', async () => {
    const r = await rig();
    const { info, prompt } = await addLabTrusting(r, true);
    const host = certificateHostKeyOfUrl(lab.sim.url);
    expect(await r.stores.certificates.get(host)).toBe(prompt.certificate.fingerprint256);
    expect(await r.stores.secrets.get(passwordKey(info.id))).toBe(lab.sim.password);

    await r.manager.forget(info.id);
    expect(await r.stores.certificates.get(host)).toBeUndefined();
    expect(await r.stores.secrets.get(passwordKey(info.id))).toBeUndefined();
    expect(await r.stores.settings.get(SAVED_SERVERS_KEY)).toEqual([]);

    const again = await addLabTrusting(r, false, payloads(r, 'connections.certificatePrompt').length);
    expect(again.prompt.certificate.fingerprint256).toBe(prompt.certificate.fingerprint256);
    expect(again.info.status).toEqual({ state: 'connected' });
  });

  it('asks about the certificate again when the server is added back while Forget is still dropping its pin', async () => {
    const r = await rig();
    const { info } = await addLabTrusting(r, false);
    const forgetting = r.manager.forget(info.id);
    const again = await addLabTrusting(r, false, payloads(r, 'connections.certificatePrompt').length);
    await forgetting;
    expect(again.info.status).toEqual({ state: 'connected' });
  });

  it('keeps a pin another saved connection to the same host still uses, until that one is forgotten too', async () => {
    const dir = newDir();
    const host = certificateHostKeyOfUrl(lab.sim.url);
    const master = lab.sim.hosts.find((h) => h.url === lab.sim.url)!;
    // The same pool saved twice, under two users (the second without a saved password: it waits for one).
    await new FileSettingsStore(dir).set(SAVED_SERVERS_KEY, [
      { id: 'as-root', address: lab.sim.url, user: 'root', label: 'Pool', hidden: false },
      { id: 'as-auditor', address: hostOf(lab.sim.url), user: 'auditor', label: 'Pool (read-only)', hidden: false },
    ]);
    await new FileSecretStore(join(dir, 'secrets')).set(passwordKey('as-root'), lab.sim.password);
    await new FileCertificateStore(dir).set(host, master.fingerprint256);
    const r = await rig(dir);
    await expect.poll(() => statusOf(r, 'as-root')?.state, { timeout: 15_000 }).toBe('connected');
    await r.manager.forget('as-root');
    expect(await r.stores.certificates.get(host)).toBe(master.fingerprint256);
    await r.manager.forget('as-auditor');
    expect(await r.stores.certificates.get(host)).toBeUndefined();
  });
});

describe('ConnectionManager and a changed certificate', () => {
  it('forgets a server added through a pool member while the master shows a changed certificate', async () => {
    const simDir = newDir();
    const first = await startSimulator({ scenario: 'demo', seed: 1, stateDir: join(simDir, 'a') });
    const masterUrl = first.pools[0].masterUrl;
    const member = first.hosts.find((h) => h.url !== masterUrl && new URL(h.url).port === new URL(masterUrl).port)!;
    const r = await rig();
    const adding = r.manager.add({ address: member.url, user: 'root', password: first.password, remember: true });
    const prompt = await nextPrompt(r);
    await r.manager.answerCertificate(prompt.id, prompt.certificate.fingerprint256, true);
    let seen = 1;
    for (;;) {
      const settled = await Promise.race([adding.then(() => true), new Promise((ok) => setTimeout(() => ok(false), 300))]);
      if (settled) break;
      const more = payloads(r, 'connections.certificatePrompt');
      while (seen < more.length) {
        await r.manager.answerCertificate(more[seen].id, more[seen].certificate.fingerprint256, true);
        seen++;
      }
    }
    const info = await adding;
    await first.stop();
    const second = await startSimulator({ scenario: 'demo', seed: 1, stateDir: join(simDir, 'b'), port: Number(new URL(masterUrl).port) });
    try {
      const changed = await nextPrompt(r, payloads(r, 'connections.certificatePrompt').length);
      await r.manager.answerCertificate(changed.id, changed.certificate.fingerprint256, false);
      const forgetting = r.manager.forget(info.id);
      // The window hears at once: the logout to hosts that changed their certificate and the disk come after.
      expect(payloads(r, 'connections.changed').at(-1)!.map((c) => c.id)).not.toContain(info.id);
      await forgetting;
      expect(r.manager.list().map((c) => c.id)).not.toContain(info.id);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('blocks a saved server whose certificate changed, with the old and new fingerprints, and never logs in', async () => {
    const simDir = newDir();
    const first = await startSimulator({ scenario: 'demo', seed: 1, stateDir: join(simDir, 'a') });
    const url = first.pools[0].masterUrl;
    const oldFingerprint = first.hosts[0].fingerprint256;
    const r = await rig();
    const adding = r.manager.add({ address: url, user: 'root', password: first.password, remember: true });
    const prompt = await nextPrompt(r);
    await r.manager.answerCertificate(prompt.id, prompt.certificate.fingerprint256, true);
    const info = await adding;
    await stop(r);
    await first.stop();

    // The same address and port, another certificate: a reinstalled host, or someone in the middle.
    const second = await startSimulator({ scenario: 'demo', seed: 1, stateDir: join(simDir, 'b'), port: Number(new URL(url).port) });
    try {
      expect(second.pools[0].masterUrl).toBe(url);
      const newFingerprint = second.hosts[0].fingerprint256;
      expect(newFingerprint).not.toBe(oldFingerprint);
      const again = await rig(r.dir);
      const changed = await nextPrompt(again);
      expect(changed).toMatchObject({ id: info.id, previousFingerprint256: oldFingerprint, certificate: { fingerprint256: newFingerprint } });
      expect(statusOf(again, info.id)).toMatchObject({
        state: 'disconnected',
        error: { code: 'CERTIFICATE_CHANGED', params: [certificateHostKeyOfUrl(url), newFingerprint, oldFingerprint], message: expect.stringMatching(/changed since you trusted it/) },
      });
      expect(second.pools.flatMap((p) => p.pool.sessions.all())).toHaveLength(0);
      // Refused: the status says so, and retries do not ask again…
      await again.manager.answerCertificate(info.id, newFingerprint, false);
      expect(statusOf(again, info.id)).toMatchObject({ state: 'disconnected', error: { code: 'CERTIFICATE_REJECTED' } });
      const asked = nextPrompt(again, payloads(again, 'connections.certificatePrompt').length);
      // …but connecting on purpose does.
      await again.manager.connect(info.id).catch(() => undefined);
      expect(await asked).toMatchObject({ id: info.id, previousFingerprint256: oldFingerprint, certificate: { fingerprint256: newFingerprint } });
      expect(statusOf(again, info.id)?.state).toBe('disconnected');
      expect(second.pools.flatMap((p) => p.pool.sessions.all())).toHaveLength(0);
      expect(await again.stores.certificates.get(certificateHostKeyOfUrl(url))).toBe(oldFingerprint);
      // A blocked server can be forgotten.
      await again.manager.answerCertificate(info.id, newFingerprint, false);
      await again.manager.forget(info.id);
      expect(again.manager.list().map((c) => c.id)).not.toContain(info.id);
    } finally {
      await Promise.all(rigs.splice(0).map((x) => x.manager.dispose()));
      await second.stop();
    }
  });
});
