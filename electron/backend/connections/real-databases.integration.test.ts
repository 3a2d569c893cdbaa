/**
 * The app's connection stack (ConnectionManager, XapiClient, the Node TLS transport, mirror batches as the
 * renderer applies them) against the simulator serving each real database of ../shared/xapi/db-fixtures, over
 * real sockets: the pool connects, the renderer's copy is the pool, and a VM starts and stops with the
 * change arriving through the mirror.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BridgeEvents, MirrorBatch } from '../../../shared/bridge';
import { stringifyWithRawRecords } from '../../../shared/api-client/raw-record';
import { FileCertificateStore } from '../stores/file-certificate-store';
import { FileSecretStore } from '../stores/file-secret-store';
import { FileSettingsStore } from '../stores/file-settings-store';
import { ConnectionManager } from './connection-manager';
import { certificateHostKeyOfUrl } from './node-transport';
import { labClient, startLab } from './sim-harness';
import { applyToReplica } from './mirror-replica';

const fixtures = join(__dirname, '../../../../shared/xapi/db-fixtures');
const files = readdirSync(fixtures).filter((f) => f !== 'README.md').sort();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Rec = Record<string, unknown>;

describe.each(files)('the app on %s', (name) => {
  it('connects, mirrors the whole pool, and starts and stops a VM', async () => {
    // Fast simulated time: a 4 s VM start takes 80 ms.
    const lab = await startLab({ scenario: 'dump', dumpFile: join(fixtures, name), timeScale: 50 });
    const dir = mkdtempSync(join(tmpdir(), 'xendeck-realdb-'));
    dirs.push(dir);
    const batches: MirrorBatch[] = [];
    const stores = { settings: new FileSettingsStore(dir), certificates: new FileCertificateStore(dir), secrets: new FileSecretStore(join(dir, 'secrets')) };
    // The user trusted the hosts' certificate at the first prompt (the prompt itself: connection-manager tests).
    for (const h of lab.sim.hosts) await stores.certificates.set(certificateHostKeyOfUrl(h.url), h.fingerprint256);
    const manager = new ConnectionManager({
      ...stores,
      // As the page receives it: through the JSON both transports send.
      emit: (event, payload) => {
        if (event === 'mirror.batch') batches.push(JSON.parse(stringifyWithRawRecords(payload)) as BridgeEvents['mirror.batch']);
      },
      client: { eventTimeoutSeconds: 2, retryMinMs: 50, retryMaxMs: 400, gracePeriodMs: 60_000, probeTimeoutMs: 3_000 },
    });
    const reader = labClient(lab, { url: lab.sim.pools[0].masterUrl });
    try {
      await manager.init();
      const pool = lab.sim.pools[0];
      const info = await manager.add({ address: new URL(pool.masterUrl).host, user: 'root', password: lab.sim.password, remember: false });
      expect(info.status).toEqual({ state: 'connected' });
      const master = pool.db.get('host', pool.pool.masterRef);
      expect(info.label).toBe(pool.name || master.name_label);

      const replica = () => {
        const view = new Map<string, unknown>();
        for (const b of batches) if (b.connectionId === info.id) applyToReplica(view, b);
        return view;
      };
      const record = (cls: string, ref: string) => replica().get(`${cls}/${ref}`) as Rec | undefined;
      // The renderer's copy is the pool: every object of the classes it holds, as a fresh get_all_records reads it.
      await expect.poll(() => replica().size, { timeout: 10_000 }).toBeGreaterThan(0);
      const view = replica();
      const classes = [...new Set([...view.keys()].map((k) => k.split('/')[0]))];
      expect(classes).toEqual(expect.arrayContaining(['pool', 'host', 'VM', 'SR', 'VDI', 'network']));
      for (const cls of classes) {
        const fresh = await reader.call<Record<string, Rec>>(`${cls}.get_all_records`);
        const mine = [...view.entries()].filter(([k]) => k.startsWith(`${cls}/`));
        expect(mine.map(([k]) => k.slice(cls.length + 1)).sort(), cls).toEqual(Object.keys(fresh).sort());
        for (const [k, rec] of mine) expect(rec, k).toEqual(fresh[k.slice(cls.length + 1)]);
      }

      // A guest: one that runs (shut down first), else the smallest halted one.
      const guests = [...pool.db.all('VM')].filter(([, v]) => !v.is_a_template && !v.is_control_domain && !v.is_a_snapshot);
      const running = guests.find(([, v]) => v.power_state === 'Running');
      const halted = guests.filter(([, v]) => v.power_state === 'Halted').sort(([, a], [, b]) => Number(a.memory_static_max) - Number(b.memory_static_max));
      const [vm] = running ?? halted[0];
      const powerState = () => record('VM', vm)?.power_state;
      if (running) {
        await manager.callAsync(info.id, 'VM.clean_shutdown', [vm]);
        await expect.poll(powerState, { timeout: 10_000 }).toBe('Halted');
      }
      const start = await manager.callAsync(info.id, 'VM.start', [vm, false, false]);
      await expect.poll(() => record('task', start)?.status, { timeout: 10_000 }).toBe('success');
      await expect.poll(powerState, { timeout: 10_000 }).toBe('Running');
      const started = record('VM', vm)!;
      expect(record('host', String(started.resident_on))).toBeDefined();
      expect(record('VM_metrics', String(started.metrics))).toMatchObject({ state: ['running'] });
      await manager.callAsync(info.id, 'VM.clean_shutdown', [vm]);
      await expect.poll(powerState, { timeout: 10_000 }).toBe('Halted');
      expect(record('VM', vm)!.resident_on).toBe('OpaqueRef:NULL');
    } finally {
      await reader.disconnect();
      await manager.dispose();
      await lab.stop();
    }
  });
});
