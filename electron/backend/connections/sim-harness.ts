/**
 * Test harness: the simulator in-process on port 0, and clients wired to it through the real Node
 * transport (TLS with the simulator's fingerprint pinned). Used by the integration tests and the bench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../simulator';
import { XapiClient, type XapiClientOptions } from '../../../shared/api-client/xapi-client';
import { sameValue } from '../../../shared/api-client/object-cache';
import type { ChangeSet } from '../../../shared/api-client/change-set';
import { NodeTransport, type TrustPolicy } from './node-transport';
import type { Transport } from '../../../shared/api-client/transport';
import type { EmitEvent } from '../ports';
import { FileCertificateStore } from '../stores/file-certificate-store';
import { FileSecretStore } from '../stores/file-secret-store';
import { FileSettingsStore } from '../stores/file-settings-store';
import { ConnectionManager } from './connection-manager';

export interface Lab {
  sim: RunningSimulator;
  transport: NodeTransport;
  trust: TrustPolicy;
  stop(): Promise<void>;
}

export async function startLab(options: SimulatorOptions = {}): Promise<Lab> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-client-'));
  const sim = await startSimulator({ scenario: 'demo', seed: 1, stateDir, ...options });
  const pins = new Set(sim.hosts.map((h) => h.fingerprint256));
  const trust: TrustPolicy = { verify: (_host, cert) => (pins.has(cert.fingerprint256) ? 'trusted' : 'unknown') };
  const transport = new NodeTransport({ trust });
  return {
    sim,
    transport,
    trust,
    async stop() {
      transport.destroy();
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function labClient(lab: Lab, overrides: Partial<XapiClientOptions> & { transport?: Transport } = {}): XapiClient {
  return new XapiClient({
    url: lab.sim.url,
    user: 'root',
    password: lab.sim.password,
    transport: lab.transport,
    eventTimeoutSeconds: 2,
    gracePeriodMs: 60_000,
    retryMinMs: 50,
    retryMaxMs: 500,
    probeTimeoutMs: 3_000,
    ...overrides,
  });
}

/**
 * A fresh get_all_records of the given classes from the pool at `url`, read through an independent session, as
 * class/ref → record (the shape tests compare the page's view of a pool with). `readers` keeps the session's
 * client for the caller to disconnect.
 */
export async function freshRecords(lab: Lab, url: string, classes: string[], readers: XapiClient[]): Promise<Map<string, unknown>> {
  const reader = labClient(lab, { url });
  readers.push(reader);
  const view = new Map<string, unknown>();
  for (const cls of classes) {
    const records = await reader.call<Record<string, unknown>>(`${cls}.get_all_records`);
    for (const ref in records) view.set(`${cls}/${ref}`, records[ref]);
  }
  return view;
}

/** The classes a class/ref → record view holds. */
export const classesOf = (view: Map<string, unknown>) => [...new Set([...view.keys()].map((k) => k.split('/')[0]))];

/** Resolves on the client's next change set (or after `ms` if none comes, so callers re-check). */
export function nextChange(client: XapiClient, ms = 3_000): Promise<ChangeSet | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { off(); resolve(undefined); }, ms);
    const off = client.onChanges((changes) => { clearTimeout(timer); off(); resolve(changes); });
  });
}

export function untilState(client: XapiClient, state: string): Promise<void> {
  if (client.state.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const off = client.onState((s) => { if (s.state === state) { off(); resolve(); } });
  });
}

/**
 * Differences between the client's mirror and a fresh get_all_records of every mirrored class,
 * read through an independent session (empty when they agree).
 */
export async function mirrorDifferences(client: XapiClient, reference: XapiClient): Promise<string[]> {
  const problems: string[] = [];
  const classes = client.objects.classes();
  const fresh = await Promise.all(classes.map((cls) => reference.call<Record<string, unknown>>(`${cls}.get_all_records`).then((r) => [cls, r] as const)));
  for (const [cls, records] of fresh) {
    const mirror = client.objects.records(cls);
    for (const ref of Object.keys(records)) {
      const mine = mirror.get(ref);
      if (!mine) problems.push(`lost ${cls} ${ref}`);
      else if (!sameValue(mine, records[ref])) problems.push(`stale ${cls} ${ref}`);
    }
    for (const ref of mirror.keys()) if (!(ref in records)) problems.push(`ghost ${cls} ${ref}`);
  }
  return problems;
}

/** Waits until the mirror equals the pool (events may still be in flight); returns the last differences. */
export async function settleMirror(client: XapiClient, reference: XapiClient, rounds = 20): Promise<string[]> {
  let problems: string[] = [];
  for (let i = 0; i < rounds; i++) {
    problems = await mirrorDifferences(client, reference);
    if (problems.length === 0) return problems;
    await nextChange(client, 1_000);
  }
  return problems;
}

/** The lab's pools connected through a ConnectionManager, as the app's demo connections are. */
export interface LabConnections {
  manager: ConnectionManager;
  /** Connection ids by label: the pool's name, or its host's for a standalone server (as the app labels them). */
  ids: Record<string, string>;
  /** Each label's master URL. */
  masterUrls: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * A ConnectionManager with its stores in a temporary folder, connected to `pools` (all of the lab's by default);
 * `emit` gets what the page would (connections.changed, mirror.batch). Resolves once every one is connected.
 */
export async function connectLabPools(lab: Lab, emit: EmitEvent = () => undefined, pools = lab.sim.pools): Promise<LabConnections> {
  const dir = mkdtempSync(join(tmpdir(), 'xendeck-connections-'));
  const manager = new ConnectionManager({
    settings: new FileSettingsStore(dir),
    certificates: new FileCertificateStore(dir),
    secrets: new FileSecretStore(join(dir, 'secrets')),
    emit,
    client: { eventTimeoutSeconds: 2, retryMinMs: 50, retryMaxMs: 400, gracePeriodMs: 60_000, probeTimeoutMs: 3_000 },
  });
  await manager.init();
  const ids: Record<string, string> = {};
  const masterUrls: Record<string, string> = {};
  for (const pool of pools) {
    const master = lab.sim.hosts.find((h) => h.url === pool.masterUrl)!;
    const label = pool.name || master.name;
    ids[label] = (await manager.addDemo({ label, url: pool.masterUrl, user: 'root', password: lab.sim.password, fingerprint256: master.fingerprint256 })).id;
    masterUrls[label] = pool.masterUrl;
  }
  const connected = () => Object.values(ids).every((id) => manager.list().find((c) => c.id === id)?.status.state === 'connected');
  for (let waited = 0; !connected(); waited += 50) {
    if (waited > 15_000) throw new Error('the lab pools did not connect');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    manager,
    ids,
    masterUrls,
    async dispose() {
      await manager.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
