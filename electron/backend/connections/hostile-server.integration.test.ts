/**
 * The connection manager against a hostile XAPI server over real HTTPS sockets, trusted through the
 * normal pin prompt: text that is not JSON or XML, values nested 100,000 deep in a call result, a load
 * and an event, a reply above the size cap, a reply that never ends, an event batch of 100,000 objects.
 * Each gives a clear error (in the connection's status, or to the caller of the call), the connection
 * recovers, another connection (the simulator) keeps being served throughout, and the process's memory
 * comes back within twice its baseline after each case.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeErrorShape, ConnectionInfo } from '../../../shared/bridge';
import { stringifyWithRawRecords } from '../../../shared/api-client/raw-record';
import { XapiError } from '../../../shared/api-client/xapi-error';
import { FileCertificateStore } from '../stores/file-certificate-store';
import { FileSecretStore } from '../stores/file-secret-store';
import { FileSettingsStore } from '../stores/file-settings-store';
import { ConnectionManager } from './connection-manager';
import { hostile, HostileXapiServer } from './hostile-xapi-server';
import { DEFAULT_MAX_REPLY_BYTES, MEGABYTE, NodeTransport } from './node-transport';
import { startLab, type Lab } from './sim-harness';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DEEP = 100_000;
const CAP_MB = 64;
/** The call timeout of a second, impatient client, on which replies that never end are tried (the main one waits long: a 100,000-VM load takes a while on a busy machine). */
const CALL_TIMEOUT_MS = 3_000;

let dir: string;
let lab: Lab;
let json: HostileXapiServer;
let xml: HostileXapiServer;
let manager: ConnectionManager;
let impatient: ConnectionManager;
let ids: { json: string; xml: string; sim: string };
let impatientId: string;
/** The server only the impatient client talks to. */
let stalling: HostileXapiServer;
/** Every status each connection went through (what the window shows), in order. */
const statuses = new Map<string, ConnectionInfo['status'][]>();
/** VM records the page was sent per connection (added minus removed), counted from the batches as they go out. */
const vmsSent = new Map<string, number>();
const memory: { case: string; rssMB: number; heapMB: number }[] = [];
let baselineRss = 0;

async function settledMemory(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 4; i++) {
    // The regexp engine keeps its last subject (a whole reply, after the record-map scanner) until the next
    // match anywhere in the app; here nothing else runs, so match something small first.
    /x/.test('x');
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

async function recordMemory(name: string): Promise<void> {
  const { rss, heap } = await settledMemory();
  memory.push({ case: name, rssMB: Math.round(rss / MEGABYTE), heapMB: Math.round(heap / MEGABYTE) });
  expect(rss, `memory after "${name}"`).toBeLessThanOrEqual(2 * baselineRss);
}

const statusNow = (id: string) => [...manager.list(), ...impatient.list()].find((c) => c.id === id)?.status;

/** Resolves with the first status error of `id` from now on with this code. */
async function nextStatusError(id: string, code: string): Promise<BridgeErrorShape> {
  const from = statuses.get(id)?.length ?? 0;
  let found: BridgeErrorShape | undefined;
  await expect.poll(() => {
    found = (statuses.get(id) ?? []).slice(from).map((s) => ('error' in s ? s.error : undefined)).find((e) => e?.code === code);
    return found;
  }, { timeout: 30_000, message: `${code} in the status of ${id}` }).toBeDefined();
  return found!;
}

async function backConnected(id: string): Promise<void> {
  await expect.poll(() => statusNow(id)?.state, { timeout: 30_000, message: `${id} connects again` }).toBe('connected');
}

/** Another pool's connection and the hostile ones still answer calls. */
async function stillServing(): Promise<void> {
  expect(Array.isArray(await manager.call(ids.sim, 'VM.get_all', []))).toBe(true);
  for (const id of [ids.json, ids.xml]) {
    await backConnected(id);
    expect(await manager.call(id, 'VM.get_all', [])).toEqual(expect.arrayContaining(['OpaqueRef:vm-0']));
  }
}

/** Waits until `check` gives a value (polling; usable in hooks too). */
async function until<T>(check: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Adds a server the way the window does: the certificate prompt comes, the user trusts it, it is pinned. */
async function addTrusting(m: ConnectionManager, server: HostileXapiServer): Promise<string> {
  const adding = m.add({ address: server.url, user: 'root', password: server.password, remember: false });
  const id = await until(() => m.list().find((c) => c.address === server.url)?.id, 'the new connection');
  const fingerprint = await until(() => prompted.get(id), 'the certificate prompt');
  expect(fingerprint).toBe(server.fingerprint256);
  await m.answerCertificate(id, fingerprint, true);
  return (await adding).id;
}

/** A connection manager on the real stores in `stateDir`, its events going out as the transports send them (and recorded). */
function newManager(stateDir: string, callTimeoutMs: number): ConnectionManager {
  return new ConnectionManager({
    settings: new FileSettingsStore(stateDir),
    certificates: new FileCertificateStore(stateDir),
    secrets: new FileSecretStore(stateDir),
    emit: (event, payload) => {
      // What both transports do with every event: one JSON text to the page.
      stringifyWithRawRecords(payload);
      if (event === 'connections.changed') {
        for (const c of payload as ConnectionInfo[]) {
          const list = statuses.get(c.id) ?? [];
          list.push(c.status);
          statuses.set(c.id, list);
        }
      } else if (event === 'connections.certificatePrompt') {
        const p = payload as { id: string; certificate: { fingerprint256: string } };
        prompted.set(p.id, p.certificate.fingerprint256);
      } else if (event === 'mirror.batch') {
        const batch = payload as { connectionId: string; reset?: boolean; added: Record<string, object>; modified: Record<string, object>; removed: Record<string, string[]> };
        let n = batch.reset ? 0 : vmsSent.get(batch.connectionId) ?? 0;
        n += Object.keys(batch.added.VM ?? {}).length - (batch.removed.VM?.length ?? 0);
        vmsSent.set(batch.connectionId, n);
      }
    },
    client: { eventTimeoutSeconds: 1, retryMinMs: 50, retryMaxMs: 300, gracePeriodMs: 120_000, probeTimeoutMs: 5_000, callTimeoutMs },
  });
}

const prompted = new Map<string, string>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xendeck-hostile-'));
  // The hostile servers run in processes of their own (as remote hosts do): only the client's memory is measured here.
  [lab, json, xml, stalling] = await Promise.all([
    startLab({ scenario: 'demo' }),
    HostileXapiServer.start({ stateDir: join(dir, 'json-server') }),
    HostileXapiServer.start({ stateDir: join(dir, 'xml-server'), protocol: 'xml' }),
    HostileXapiServer.start({ stateDir: join(dir, 'stalling-server'), protocol: 'xml' }),
  ]);
  const stateDir = join(dir, 'state');
  // The cap as a user sets it.
  await new FileSettingsStore(stateDir).set('connections.maxReplyMegabytes', CAP_MB);
  manager = newManager(stateDir, 60_000);
  impatient = newManager(join(dir, 'impatient-state'), CALL_TIMEOUT_MS);
  await manager.init();
  await impatient.init();
  ids = { json: await addTrusting(manager, json), xml: await addTrusting(manager, xml), sim: '' };
  impatientId = await addTrusting(impatient, stalling);
  const master = lab.sim.hosts.find((h) => h.url === lab.sim.pools[0].masterUrl)!;
  ids.sim = ((await manager.addDemo({ label: 'Simulator', url: lab.sim.url, user: 'root', password: lab.sim.password, fingerprint256: master.fingerprint256 })) as ConnectionInfo).id;
  await until(() => statusNow(ids.sim)?.state === 'connected', 'the simulator pool');
  for (const id of [ids.json, ids.xml, impatientId]) await until(() => statusNow(id)?.state === 'connected', id);
  // The baseline is the backend after ordinary work: one event batch of 10,000 VMs added and removed.
  await json.addVms('warm-up', 10_000);
  await until(() => vmsSent.get(ids.json) === 10_003, 'the warm-up batch', 120_000);
  await json.removeVms('warm-up', 10_000);
  await until(() => vmsSent.get(ids.json) === 3, 'the warm-up removal', 120_000);
  const base = await settledMemory();
  baselineRss = base.rss;
  memory.push({ case: 'baseline (four pools connected, after a normal batch of 10,000 VMs)', rssMB: Math.round(base.rss / MEGABYTE), heapMB: Math.round(base.heap / MEGABYTE) });
}, 300_000);

afterAll(async () => {
  await Promise.all([manager?.dispose(), impatient?.dispose()]);
  await Promise.all([json?.stop(), xml?.stop(), stalling?.stop(), lab?.stop()]);
  rmSync(dir, { recursive: true, force: true });
  console.log(`RSS and heap after GC, per case (baseline first; each must stay within 2x the baseline RSS):\n${memory.map((m) => `  ${m.case}: RSS ${m.rssMB} MB, heap ${m.heapMB} MB`).join('\n')}`);
});

describe('a hostile XAPI server', () => {
  it('was trusted through the pin prompt and loaded like any pool', async () => {
    for (const server of [json, xml]) {
      expect(await new FileCertificateStore(join(dir, 'state')).get(new URL(server.url).host)).toBe(server.fingerprint256);
    }
    expect(Object.keys(manager.snapshot(ids.json).added.VM ?? {})).toHaveLength(3);
    expect(Object.keys(manager.snapshot(ids.xml).added.VM ?? {})).toHaveLength(3);
  });

  it('sending text that is not JSON shows MALFORMED_REPLY in the status, and the connection recovers', async () => {
    await json.misbehave('event.from', hostile.text('{"jsonrpc":"2.0","result":{"events":[tru', 'application/json'));
    const error = await nextStatusError(ids.json, 'MALFORMED_REPLY');
    expect(error.message).toMatch(/sent a reply XenDeck cannot read to event\.from \(invalid JSON: .*\)/);
    await stillServing();
    await recordMemory('invalid JSON');
  }, 60_000);

  it('sending text that is not XML-RPC shows MALFORMED_REPLY in the status, and the connection recovers', async () => {
    await xml.misbehave('event.from', hostile.text('<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</nam', 'text/xml'));
    const error = await nextStatusError(ids.xml, 'MALFORMED_REPLY');
    expect(error.message).toMatch(/to event\.from \(XML-RPC: .*\)/);
    await stillServing();
    await recordMemory('invalid XML');
  }, 60_000);

  for (const protocol of ['json', 'xml'] as const) {
    it(`${protocol}: a call result nested ${DEEP} deep fails that call with a clear error, and nothing else`, async () => {
      const server = protocol === 'json' ? json : xml;
      await server.misbehave('VM.get_record', hostile.deepResult(DEEP));
      const failure = await manager.call(ids[protocol], 'VM.get_record', ['OpaqueRef:vm-0']).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(XapiError);
      expect(failure).toMatchObject({ code: 'MALFORMED_REPLY', method: 'VM.get_record', params: ['VM.get_record', 'values nested deeper than 128 levels'] });
      expect(statusNow(ids[protocol])?.state).toBe('connected');
      await stillServing();
      await recordMemory(`${protocol}: deep call result`);
    }, 60_000);

    it(`${protocol}: a load nested ${DEEP} deep shows MALFORMED_REPLY in the status, and the next load succeeds`, async () => {
      const server = protocol === 'json' ? json : xml;
      // EVENTS_LOST makes the client load every class again; the VMs come back deep.
      await server.misbehave('event.from', hostile.failure('EVENTS_LOST'));
      await server.misbehave('VM.get_all_records', hostile.deepResult(DEEP));
      const error = await nextStatusError(ids[protocol], 'MALFORMED_REPLY');
      expect(error.message).toMatch(/to VM\.get_all_records \(values nested deeper than 128 levels\)/);
      await stillServing();
      expect(Object.keys(manager.snapshot(ids[protocol]).added.VM ?? {})).toHaveLength(3);
      await recordMemory(`${protocol}: deep load`);
    }, 60_000);

    it(`${protocol}: an event nested ${DEEP} deep shows MALFORMED_REPLY in the status, and events flow again`, async () => {
      const server = protocol === 'json' ? json : xml;
      await server.misbehave('event.from', hostile.deepEvent(DEEP));
      const error = await nextStatusError(ids[protocol], 'MALFORMED_REPLY');
      expect(error.message).toMatch(/to event\.from \(values nested deeper than 128 levels\)/);
      await stillServing();
      await server.renameVm('OpaqueRef:vm-1', 'renamed after the deep event');
      await expect.poll(() => (manager.snapshot(ids[protocol]).added.VM?.['OpaqueRef:vm-1'] as { name_label?: string } | undefined)?.name_label).toBe('renamed after the deep event');
      await recordMemory(`${protocol}: deep event`);
    }, 60_000);
  }

  it(`a reply above the ${CAP_MB} MB cap (streamed, no length given) shows REPLY_TOO_LARGE naming the limit`, async () => {
    await json.misbehave('event.from', hostile.oversized((CAP_MB + 16) * MEGABYTE));
    const error = await nextStatusError(ids.json, 'REPLY_TOO_LARGE');
    expect(error.message).toMatch(new RegExp(`larger than the ${CAP_MB} MB limit.*connections\\.maxReplyMegabytes`));
    await stillServing();
    await recordMemory('reply above the cap (streamed)');
  }, 60_000);

  it('a reply whose announced length is above the cap is refused before its body is read', async () => {
    await json.misbehave('VM.get_record', hostile.declaresSize((CAP_MB + 1) * MEGABYTE));
    await expect(manager.call(ids.json, 'VM.get_record', ['OpaqueRef:vm-0'])).rejects.toMatchObject({ code: 'REPLY_TOO_LARGE', params: [new URL(json.url).host, String(CAP_MB * MEGABYTE)] });
    await stillServing();
  }, 60_000);

  it('the default cap is 256 MB, and a reply announcing more is refused', async () => {
    const transport = new NodeTransport({ trust: { verify: (_h, c) => (c.fingerprint256 === json.fingerprint256 ? 'trusted' : 'unknown') } });
    try {
      expect(transport.maxReplyBytes).toBe(DEFAULT_MAX_REPLY_BYTES);
      expect(DEFAULT_MAX_REPLY_BYTES).toBe(256 * MEGABYTE);
      await json.misbehave('system.listMethods', hostile.declaresSize(257 * MEGABYTE));
      await expect(transport.post({ url: `${json.url}/jsonrpc`, headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"system.listMethods","params":[],"id":1}', timeoutMs: 5_000 }))
        .rejects.toMatchObject({ code: 'REPLY_TOO_LARGE', message: expect.stringMatching(/larger than the 256 MB limit/) });
    } finally {
      transport.destroy();
    }
  });

  it('a reply that never ends times out with a clear error in the status, and the connection recovers', async () => {
    await stalling.misbehave('event.from', hostile.failure('EVENTS_LOST'));
    await stalling.misbehave('VM.get_all_records', hostile.neverEnds());
    const error = await nextStatusError(impatientId, 'TIMEOUT');
    expect(error.params).toEqual([new URL(stalling.url).host, String(CALL_TIMEOUT_MS)]);
    expect(error.method).toBe('VM.get_all_records');
    await backConnected(impatientId);
    await stillServing();
    await recordMemory('reply that never ends');
  }, 60_000);

  it('a call whose reply never ends fails with TIMEOUT saying the reply did not end', async () => {
    await stalling.misbehave('VM.get_record', hostile.neverEnds());
    await expect(impatient.call(impatientId, 'VM.get_record', ['OpaqueRef:vm-0'])).rejects.toMatchObject({
      code: 'TIMEOUT', message: expect.stringMatching(new RegExp(`The reply from 127\\.0\\.0\\.1:\\d+ did not end within ${CALL_TIMEOUT_MS} ms`)),
    });
    await stillServing();
  }, 60_000);

  it('an event batch of 100,000 new VMs, then of their removal, is mirrored and sent to the page without a stall', async () => {
    await json.addVms('huge', 100_000);
    await expect.poll(() => vmsSent.get(ids.json), { timeout: 120_000 }).toBe(100_003);
    expect(Object.keys(manager.snapshot(ids.json).added.VM ?? {})).toHaveLength(100_003);
    expect(statusNow(ids.json)?.state).toBe('connected');
    await stillServing();
    await json.removeVms('huge', 100_000);
    await expect.poll(() => vmsSent.get(ids.json), { timeout: 120_000 }).toBe(3);
    expect(Object.keys(manager.snapshot(ids.json).added.VM ?? {})).toHaveLength(3);
    await stillServing();
    await recordMemory('huge event batch (100,000 adds, then removals)');
  }, 300_000);
});
