/**
 * The CLI's certificate line says what clients find, in every scenario and mode: compared here with the
 * certificates the hosts serve and the Certificate records a client reads over the API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
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

const cases: [string, SimulatorOptions][] = [
  ['demo pools, per-host certificates', { scenario: 'demo' }],
  ['demo pools, one shared certificate', { scenario: 'demo', certificates: 'shared' }],
  ['a single-host database (shared by default)', { scenario: 'dump', dumpFile: join(fixtures, 'state.db') }],
  ['a single-host database with per-host certificates', { scenario: 'dump', dumpFile: join(fixtures, 'state5.xml'), certificates: 'per-host' }],
  ['a two-host database (shared by default)', { scenario: 'dump', dumpFile: join(fixtures, 'boston-db.xml') }],
  ['a two-host database with per-host certificates', { scenario: 'dump', dumpFile: join(fixtures, 'boston-db.xml'), certificates: 'per-host' }],
];

describe.each(cases)('%s', (_name, opts) => {
  it('says what the hosts serve and what the API publishes', async () => {
    const sim = await startTestSimulator(opts);
    sims.push(sim);
    const line = describeCertificates(sim.sim);
    const { hosts, served, published } = await seen(sim);
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
