/**
 * Pool members with certificates of their own (as on every real pool), over real sockets against the
 * simulator: the user trusts the master once; the console of a VM on a member, a member's performance
 * data and the failover to a promoted member then need no prompt, because the pool publishes each host's
 * certificate (Certificate records). A member showing another certificate than its record is refused in
 * plain words, and a server without Certificate records works as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket, createWebSocketStream } from 'ws';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../simulator';
import { RfbTestClient } from '../../../simulator/console/rfb-test-client';
import type { BridgeEvents, EventName, MetricsUpdate } from '../../../shared/bridge';
import { ConsoleTunnelService } from '../console-tunnel/console-tunnel';
import { xapiConsoleOpener } from '../console-tunnel/xapi-console-opener';
import { HostHttp } from '../metrics/host-http';
import { MetricsService } from '../metrics/metrics-service';
import { FileCertificateStore } from '../stores/file-certificate-store';
import { FileSecretStore } from '../stores/file-secret-store';
import { FileSettingsStore } from '../stores/file-settings-store';
import { ConnectionManager } from './connection-manager';
import { certificateHostKeyOfUrl } from './node-transport';

const ORIGIN = 'http://127.0.0.1:5173';
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xendeck-pool-trust-'));
  dirs.push(dir);
  return dir;
}

interface Rig {
  sim: RunningSimulator;
  manager: ConnectionManager;
  prompts: BridgeEvents['connections.certificatePrompt'][];
  id: string;
  certificates: FileCertificateStore;
}

/**
 * A simulator and a manager connected to its first pool, the master's certificate pinned as if the user had
 * trusted it at the prompt; nothing else is pinned.
 */
async function connectedRig(options: SimulatorOptions = {}): Promise<Rig> {
  const dir = newDir();
  const sim = await startSimulator({ scenario: 'demo', seed: 1, stateDir: join(dir, 'sim'), timeScale: 20, ...options });
  cleanups.push(() => sim.stop());
  const certificates = new FileCertificateStore(dir);
  const prompts: Rig['prompts'] = [];
  const manager = new ConnectionManager({
    settings: new FileSettingsStore(dir),
    certificates,
    secrets: new FileSecretStore(join(dir, 'secrets')),
    emit: <E extends EventName>(event: E, payload: BridgeEvents[E]) => {
      if (event === 'connections.certificatePrompt') prompts.push(payload as BridgeEvents['connections.certificatePrompt']);
    },
    client: { eventTimeoutSeconds: 2, retryMinMs: 50, retryMaxMs: 400, gracePeriodMs: 60_000, probeTimeoutMs: 3_000 },
  });
  await manager.init();
  cleanups.push(() => manager.dispose());
  const master = masterOf(sim);
  await certificates.set(certificateHostKeyOfUrl(master.url), master.fingerprint256);
  const info = await manager.add({ address: master.url, user: 'root', password: sim.password, remember: false });
  return { sim, manager, prompts, id: info.id, certificates };
}

const masterOf = (sim: RunningSimulator) => sim.hosts.find((h) => h.url === sim.pools[0].masterUrl)!;
const firstMember = (sim: RunningSimulator) => sim.pools[0].pool.hosts.find((h) => !h.isMaster)!;
const statusOf = (r: Rig) => r.manager.list().find((c) => c.id === r.id);

/** A running guest resident on `hostRef`. */
function runningVmOn(sim: RunningSimulator, hostRef: string): string {
  const found = [...sim.pools[0].db.all('VM')].find(([, vm]) => !vm.is_control_domain && !vm.is_a_template && vm.power_state === 'Running' && vm.resident_on === hostRef);
  if (!found) throw new Error(`no running VM on ${hostRef}`);
  return found[0];
}

/** The console of `vm` through the tunnel, opened by the production opener on the manager. */
async function openConsole(r: Rig, vm: string): Promise<RfbTestClient> {
  const tunnel = new ConsoleTunnelService({ openConsoleSocket: xapiConsoleOpener(r.manager), isOriginAllowed: (o) => o === ORIGIN });
  cleanups.push(() => tunnel.stop());
  const ws = new WebSocket((await tunnel.open(r.id, vm)).url, ['binary'], { origin: ORIGIN });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return RfbTestClient.connect(createWebSocketStream(ws));
}

/** The first update of a live host chart, through the metrics service wired as in the app. */
async function firstHostUpdate(r: Rig, hostRef: string): Promise<MetricsUpdate> {
  let resolve!: (u: MetricsUpdate) => void;
  const first = new Promise<MetricsUpdate>((res) => (resolve = res));
  const service = new MetricsService({ connections: r.manager, http: new HostHttp({ verifyPeer: r.manager.verifyPoolPeer.bind(r.manager) }), emit: resolve });
  cleanups.push(() => service.dispose());
  service.subscribe({ connectionId: r.id, objectClass: 'host', ref: hostRef, range: 'live', visible: true });
  return first;
}

describe('pool members with certificates of their own', () => {
  it('opens the console of a VM on a member and loads its performance data, trusting the member by the certificate its pool publishes', async () => {
    const r = await connectedRig();
    const member = firstMember(r.sim);
    const fingerprints = r.sim.pools[0].pool.hosts.map((h) => h.fingerprint256);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);

    const vm = runningVmOn(r.sim, member.ref);
    const rfb = await openConsole(r, vm);
    expect(rfb.name).toBe(String(r.sim.pools[0].db.get('VM', vm).name_label));
    await rfb.waitForText('login:');
    rfb.close();

    const update = await firstHostUpdate(r, member.ref);
    expect(update).toMatchObject({ state: 'ok', hostRef: member.ref });
    expect(update.series.map((s) => s.name)).toContain('cpu0');
    expect(r.prompts).toHaveLength(0);
    // Trusted through the pool, not by writing pins behind the user's back.
    expect(await r.certificates.get(certificateHostKeyOfUrl(member.url))).toBeUndefined();
  });

  it('refuses a member whose certificate is not the one its Certificate record names, saying which it expected', async () => {
    const r = await connectedRig();
    const member = firstMember(r.sim);
    const db = r.sim.pools[0].db;
    const [record] = db.get('host', member.ref).certificates as string[];
    const forged = Array.from({ length: 32 }, () => 'AB').join(':');
    db.update('Certificate', record, { fingerprint: forged });
    const key = certificateHostKeyOfUrl(member.url);
    await expect.poll(() => r.manager.verifyPeer(r.id, key, member.fingerprint256), { timeout: 10_000 }).toEqual({ verdict: 'changed', pinnedFingerprint256: forged });

    const opener = xapiConsoleOpener(r.manager);
    await expect(opener(r.id, runningVmOn(r.sim, member.ref))).rejects.toMatchObject({
      code: 'CERTIFICATE_MISMATCH',
      params: [key, member.fingerprint256, forged],
      message: expect.stringMatching(/not the one trusted for this host/),
    });
    const update = await firstHostUpdate(r, member.ref);
    expect(update).toMatchObject({ state: 'error', error: { code: 'CERTIFICATE_MISMATCH', params: [key, member.fingerprint256, forged] } });
    expect(update.error?.message).toContain(forged);
    // The master itself is unaffected.
    expect(await r.manager.call(r.id, 'pool.get_all', [])).toHaveLength(1);
  });

  it('follows the master to the promoted member when it dies, without asking about any certificate', async () => {
    const r = await connectedRig();
    const master = masterOf(r.sim);
    await r.sim.faults.killHost(master.uuid);
    const promoted = r.sim.pools[0].pool.master;
    expect(promoted.uuid).not.toBe(master.uuid);
    await expect.poll(() => statusOf(r)?.masterAddress, { timeout: 20_000 }).toBe(new URL(promoted.url).host);
    await expect.poll(() => statusOf(r)?.status, { timeout: 10_000 }).toEqual({ state: 'connected' });
    expect(r.prompts).toHaveLength(0);
    // The console and graphs follow: the promoted master is trusted with its published certificate.
    expect((await r.manager.endpoint(r.id)).pinnedFingerprint256).toBe(promoted.fingerprint256);
    const vm = runningVmOn(r.sim, promoted.ref);
    const rfb = await openConsole(r, vm);
    await rfb.waitForText('login:');
    rfb.close();
  });

  it('keeps working with a server without Certificate records whose hosts share one certificate', async () => {
    const r = await connectedRig({ certificates: 'shared' });
    expect(await r.manager.call(r.id, 'Certificate.get_all', [])).toEqual([]);
    const member = firstMember(r.sim);
    const rfb = await openConsole(r, runningVmOn(r.sim, member.ref));
    await rfb.waitForText('login:');
    rfb.close();
    expect(await firstHostUpdate(r, member.ref)).toMatchObject({ state: 'ok', hostRef: member.ref });

    await r.sim.faults.killHost(masterOf(r.sim).uuid);
    await expect.poll(() => statusOf(r)?.masterAddress, { timeout: 20_000 }).toBe(new URL(r.sim.pools[0].pool.master.url).host);
    await expect.poll(() => statusOf(r)?.status, { timeout: 10_000 }).toEqual({ state: 'connected' });
    expect(r.prompts).toHaveLength(0);
  });
});
