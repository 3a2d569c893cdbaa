/**
 * Contract: Xen Orchestra's own client (xen-api) on the simulator serving each real database of
 * ../shared/xapi/db-fixtures. It keys objects by UUID, so it sees every object only if each has its own; it
 * must find the pool, hosts and VMs the database holds, and start and stop a VM. JSON-RPC and XML-RPC take
 * turns across the databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { client, objectsOfType, startTestSimulator, type Transport } from './harness';

const fixtures = join(__dirname, '../../../shared/xapi/db-fixtures');
const files = readdirSync(fixtures).filter((f) => f !== 'README.md').sort();
const cases = files.map((f, i): [string, Transport] => [f, i % 2 ? 'xml-rpc' : 'json-rpc']);
const quiet = console.warn;
beforeAll(() => {
  console.warn = () => undefined;
});
afterAll(() => {
  console.warn = quiet;
});

describe.each(cases)('xen-api on %s over %s', (name, transport) => {
  it('sees every object of the pool, and starts and stops a VM', async () => {
    const sim = await startTestSimulator({ scenario: 'dump', dumpFile: join(fixtures, name) });
    const xapi = client(sim.pools[0].masterUrl, transport);
    try {
      await xapi.connect();
      await xapi.objectsFetched;
      const db = sim.pools[0].db;
      for (const type of ['pool', 'host', 'host_metrics', 'VM', 'VM_metrics', 'SR', 'VDI', 'VBD', 'VIF', 'network', 'PIF']) {
        expect(objectsOfType(xapi, type).map((o) => o.$ref).sort(), type).toEqual(db.refs(type).sort());
      }
      expect(xapi.pool.$ref).toBe(sim.pools[0].pool.ref);

      const guests = objectsOfType(xapi, 'VM').filter((v) => !v.is_a_template && !v.is_control_domain && !v.is_a_snapshot);
      const running = guests.find((v) => v.power_state === 'Running');
      const vm = running ?? guests.filter((v) => v.power_state === 'Halted').sort((a, b) => Number(a.memory_static_max) - Number(b.memory_static_max))[0];
      if (running) await xapi.callAsync('VM.clean_shutdown', vm.$ref);
      await xapi.callAsync('VM.start', vm.$ref, false, false);
      await xapi.barrier();
      const started = xapi.getObjectByRef(vm.$ref)!;
      expect(started.power_state).toBe('Running');
      expect(xapi.getObjectByRef(String(started.resident_on))?.$type).toBe('host');
      await xapi.callAsync('VM.clean_shutdown', vm.$ref);
      await xapi.barrier();
      expect(xapi.getObjectByRef(vm.$ref)!.power_state).toBe('Halted');
    } finally {
      await xapi.disconnect();
      await sim.cleanup();
    }
  });
});
