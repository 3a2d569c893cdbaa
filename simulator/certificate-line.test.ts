/**
 * The CLI's certificate line says what clients find, in every scenario and mode: compared here with the
 * certificates the hosts serve and the Certificate records a client reads over the API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpOfDb } from './dump/dump-writer';
import { startTestSimulator, type TestSimulator } from './contract/harness';
import { login, rpc } from './contract/json-rpc-client';
import { describeCertificates } from './certificate-line';
import type { SimulatorOptions } from './index';

const fixtures = join(__dirname, '../../shared/xapi/db-fixtures');
const sims: TestSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.cleanup()));
});

/** What a client can see: each host's fingerprint, and the fingerprints published as Certificate records of type host. */
async function seen(sim: TestSimulator) {
  const url = sim.pools[0].masterUrl.replace('https:', 'http:');
  const s = await login(url);
  const certs = Object.values((await rpc(url, 'Certificate.get_all_records', s)) as Record<string, { type: string; fingerprint: string }>);
  return {
    hosts: sim.pools[0].pool.hosts.length,
    served: new Set(sim.pools[0].pool.hosts.map((h) => h.fingerprint256)),
    published: certs.filter((c) => c.type === 'host').map((c) => c.fingerprint),
  };
}

// A database from a current server, which publishes its hosts' certificates (written from the demo pool).
const dir = mkdtempSync(join(tmpdir(), 'xendeck-certs-'));
const current = join(dir, 'current.xml');
beforeAll(async () => {
  const demo = await startTestSimulator({ scenario: 'demo' });
  writeFileSync(current, dumpOfDb(demo.pools[0].db, { schema_major_vsn: '5', schema_minor_vsn: '786', generation_count: '1' }));
  await demo.cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: [string, SimulatorOptions][] = [
  ['demo pools, per-host certificates', { scenario: 'demo' }],
  ['demo pools, one shared certificate', { scenario: 'demo', certificates: 'shared' }],
  ['a single-host database (shared by default)', { scenario: 'dump', dumpFile: join(fixtures, 'state.db') }],
  ['a single-host database with per-host certificates', { scenario: 'dump', dumpFile: join(fixtures, 'state5.xml'), certificates: 'per-host' }],
  ['a two-host database (shared by default)', { scenario: 'dump', dumpFile: join(fixtures, 'boston-db.xml') }],
  ['a two-host database with per-host certificates', { scenario: 'dump', dumpFile: join(fixtures, 'boston-db.xml'), certificates: 'per-host' }],
  ['a current server\'s database (per-host by default: its records replaced by what the hosts serve)', { scenario: 'dump', dumpFile: current }],
  ['a current server\'s database with one shared certificate (its records withdrawn)', { scenario: 'dump', dumpFile: current, certificates: 'shared' }],
];

describe.each(cases)('%s', (_name, opts) => {
  it('says what the hosts serve and what the API publishes', async () => {
    const sim = await startTestSimulator(opts);
    sims.push(sim);
    const line = describeCertificates(sim.sim);
    const { hosts, served, published } = await seen(sim);
    if (opts.dumpFile === current) {
      expect(sim.certificates).toBe(opts.certificates ?? 'per-host');
      expect(sim.dumpReport!.details().join('\n')).toMatch(opts.certificates === 'shared' ? /dropped row Certificate in 3 rows .*: a host certificate this run does not serve/ : /dropped row Certificate in 3 rows .*: replaced by the certificate this host serves/);
    }
    if (sim.certificates === 'per-host') {
      expect(served.size).toBe(hosts);
      expect(new Set(published)).toEqual(served);
      expect(line).toMatch(hosts === 1 ? /^certificates: the host's own, published as a Certificate record/ : /^certificates: one per host, published as Certificate records/);
    } else {
      expect(served.size).toBe(1);
      expect(published).toEqual([]);
      const [fp] = served;
      expect(line).toContain(fp);
      expect(line).toMatch(hosts === 1 ? /^certificates: one \(SHA-256 fingerprint .*\), not published as a Certificate record/ : /^certificates: one shared by every host .*, no Certificate records/);
    }
  });
});
