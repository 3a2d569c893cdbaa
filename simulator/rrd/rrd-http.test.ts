/**
 * /rrd_updates, /host_rrds and /vm_rrds over real HTTP on the demo scenario, with the clock frozen so that
 * tests move time by hand: archives served per protocol, and data that follows what happens to the VMs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../index';
import { login, rpc } from '../contract/json-rpc-client';
import { rrdRequestLogs } from './rrd-extension';

let sim: RunningSimulator;
let stateDir: string;
let session = '';

interface JsonUpdates { meta: { start: number; step: number; end: number; rows: number; columns: number; legend: string[] }; data: { t: number; values: string[] }[] }

const nowSec = () => Math.floor(sim.clock.now() / 1000);
const call = (method: string, ...params: unknown[]) => rpc(sim.hosts[0].httpUrl, method, session, ...params);

function hostUrl(hostRef: string): string {
  const uuid = String(sim.db.get('host', hostRef).uuid);
  return sim.hosts.find((h) => h.uuid === uuid)!.httpUrl;
}

async function updates(hostRef: string, query: Record<string, string | number>): Promise<JsonUpdates> {
  const q = new URLSearchParams({ session_id: session, cf: 'AVERAGE', host: 'true', json: 'true', ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
  const res = await fetch(`${hostUrl(hostRef)}/rrd_updates?${q}`);
  expect(res.status).toBe(200);
  return (await res.json()) as JsonUpdates;
}

/** Column `name` (legend entry suffix) as numbers, oldest first. */
function column(u: JsonUpdates, suffix: string): number[] {
  const i = u.meta.legend.findIndex((l) => l.endsWith(suffix));
  if (i < 0) throw new Error(`no column ${suffix} in ${u.meta.legend.length} columns`);
  return u.data.map((d) => Number(d.values[i])).reverse();
}

function vms(power: string): [string, Record<string, unknown>][] {
  return [...sim.db.all('VM')].filter(([, v]) => v.power_state === power && !v.is_a_template && !v.is_control_domain && !v.is_a_snapshot);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'xendeck-rrd-'));
  sim = await startSimulator({ scenario: 'demo', stateDir, seed: 3, timeScale: 0, address: '127.0.0.1', startTime: 1_750_000_002_500 });
  session = await login(sim.hosts[0].httpUrl);
});

afterAll(async () => {
  await sim?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('GET /rrd_updates', () => {
  it('serves the 5-second archive as rrdtool xport XML, newest row first, with host and resident VM sources', async () => {
    const [vmRef, vm] = vms('Running')[0];
    const hostRef = String(vm.resident_on);
    const res = await fetch(`${hostUrl(hostRef)}/rrd_updates?session_id=${session}&start=${nowSec() - 58}&cf=AVERAGE&interval=5&host=true`);
    expect(res.headers.get('content-type')).toContain('text/xml');
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?><xport><meta><start>\d+<\/start><step>5<\/step>/);
    const times = [...xml.matchAll(/<t>(\d+)<\/t>/g)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThanOrEqual(11);
    expect(times.length).toBeLessThanOrEqual(12);
    expect(times.every((t, i) => t % 5 === 0 && (i === 0 || times[i - 1] - t === 5))).toBe(true);
    expect(times[0]).toBeGreaterThan(times[1]);
    const hostUuid = String(sim.db.get('host', hostRef).uuid);
    expect(xml).toContain(`<entry>AVERAGE:host:${hostUuid}:cpu_avg</entry>`);
    expect(xml).toContain(`<entry>AVERAGE:host:${hostUuid}:memory_total_kib</entry>`);
    expect(xml).toContain(`<entry>AVERAGE:vm:${String(vm.uuid)}:cpu0</entry>`);
    expect(xml).toMatch(new RegExp(`AVERAGE:vm:${String(vm.uuid)}:vbd_xv[a-z]+_read</entry>`));
    expect(xml).toMatch(new RegExp(`AVERAGE:vm:${String(vm.uuid)}:vif_0_rx</entry>`));
    expect(vmRef).toBeTruthy();
  });

  it('answers with the coarser archive and says so in meta.step when start is too old for the one asked', async () => {
    const host = sim.pools[0].pool.masterRef;
    // Clients ask for one step less than the window: a start exactly 600 s back may already fall outside it.
    expect((await updates(host, { start: nowSec() - 595, interval: 5 })).meta.step).toBe(5);
    expect((await updates(host, { start: nowSec() - 3600, interval: 5 })).meta.step).toBe(60);
    const week = await updates(host, { start: nowSec() - 7 * 86400 + 3600, interval: 3600 });
    expect(week.meta.step).toBe(3600);
    expect(week.meta.rows).toBeGreaterThanOrEqual(167);
    expect(week.meta.rows).toBeLessThanOrEqual(168);
    const year = await updates(host, { start: nowSec() - 366 * 86400, interval: 86400 });
    expect(year.meta.step).toBe(86400);
    expect(year.meta.rows).toBe(366);
    // A year of history exists from the first second, with numbers in it.
    expect(column(year, ':cpu_avg').filter(Number.isFinite).length).toBe(366);
  });

  it('gives only the new rows to a client that polls from its last end', async () => {
    const host = sim.pools[0].pool.masterRef;
    const first = await updates(host, { start: nowSec() - 595, interval: 5 });
    await sim.clock.advance(10_000);
    const next = await updates(host, { start: first.meta.end + 1, interval: 5 });
    expect(next.data.map((d) => d.t)).toEqual([first.meta.end + 10, first.meta.end + 5]);
  });

  it('leaves halted VMs out of host=true, and a halted VM has no data while halted', async () => {
    const [, halted] = vms('Halted')[0];
    const host = sim.pools[0].pool.masterRef;
    const u = await updates(host, { start: nowSec() - 595, interval: 5 });
    expect(u.meta.legend.some((l) => l.includes(String(halted.uuid)))).toBe(false);
    const own = await updates(host, { start: nowSec() - 595, interval: 5, host: 'false', vm_uuid: String(halted.uuid) });
    expect(own.meta.legend.length).toBeGreaterThan(0);
    expect(own.data.flatMap((d) => d.values).every((v) => v === 'NaN')).toBe(true);
  });

  it('rejects a request without a valid session', async () => {
    const host = sim.pools[0].pool.masterRef;
    const res = await fetch(`${hostUrl(host)}/rrd_updates?session_id=OpaqueRef:nope&start=0&host=true`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('SESSION_INVALID');
  });
});

describe('data follows the VMs', () => {
  it('a started VM appears on its host, bursts while it boots, and takes memory from the host', async () => {
    const [vmRef, vm] = vms('Halted').find(([, v]) => Number(v.VCPUs_at_startup) >= 1)!;
    const started = call('VM.start', vmRef, false, false);
    let done = false;
    void started.finally(() => (done = true));
    while (!done) await sim.clock.advance(1000); // the boot takes simulated seconds; the clock is frozen
    await started;
    const hostRef = String(sim.db.get('VM', vmRef).resident_on);
    expect(hostRef).toMatch(/^OpaqueRef:/);
    const beforeBoot = nowSec();
    await sim.clock.advance(10 * 60_000);
    const u = await updates(hostRef, { start: beforeBoot - 300, interval: 60 });
    expect(u.meta.step).toBe(60);
    const cpu = column(u, `vm:${String(vm.uuid)}:cpu0`);
    const firstKnown = cpu.findIndex(Number.isFinite);
    expect(firstKnown).toBeGreaterThan(0); // halted before: gaps, not zeros
    expect(cpu.slice(0, firstKnown).every(Number.isNaN)).toBe(true);
    expect(cpu[firstKnown]).toBeGreaterThan(cpu[cpu.length - 1]); // the boot burst settles
    const free = column(u, ':memory_free_kib');
    const memKib = Number(sim.db.get('VM', vmRef).memory_dynamic_max) / 1024;
    // Values travel with five significant digits (%0.5g), hence the 1% tolerance.
    expect(Math.abs(free[0] - free[free.length - 1] - memKib) / memKib).toBeLessThan(0.01);
  });

  it("a migrated VM's history moves to its new host", async () => {
    const [vmRef, vm] = vms('Running')[0];
    const from = String(vm.resident_on);
    const to = sim.db.refs('host').find((h) => h !== from && sim.pools[0].pool.host(h))!;
    const uuid = String(vm.uuid);
    const hourAgo = nowSec() - 3600;
    const migrated = call('VM.pool_migrate', vmRef, to, {});
    let done = false;
    void migrated.finally(() => (done = true));
    while (!done) await sim.clock.advance(1000); // the memory copy takes simulated seconds
    await migrated;
    await sim.clock.advance(5 * 60_000);
    const onNew = await updates(to, { start: hourAgo, interval: 60 });
    const onOld = await updates(from, { start: hourAgo, interval: 60 });
    expect(onOld.meta.legend.some((l) => l.includes(uuid))).toBe(false);
    const cpu = column(onNew, `vm:${uuid}:cpu0`);
    expect(cpu.every(Number.isFinite)).toBe(true); // the whole hour, including the part before the move
  });

  it('a VM moved to another pool brings its history: its new host there serves the hour before the move, gap included', async () => {
    const vmRef = sim.db.byUuid('VM', String([...sim.db.all('VM')].find(([, v]) => v.name_label === 'backup-proxy')![1].uuid));
    const until = async (p: Promise<unknown>) => {
      let done = false;
      void p.finally(() => (done = true));
      while (!done) await sim.clock.advance(1000);
      return p;
    };
    await until(call('VM.start', vmRef, false, false));
    const startedAt = nowSec();
    await sim.clock.advance(20 * 60_000);
    const vm = sim.db.get('VM', vmRef);
    const uuid = String(vm.uuid);
    const from = String(vm.resident_on);
    const labHost = sim.hosts.find((h) => h.name === 'xcp-lab-01')!;
    const labSession = await login(labHost.httpUrl);
    const lab = async (method: string, ...params: unknown[]) => rpc(labHost.httpUrl, method, labSession, ...params);
    const first = async (cls: string, name: string) => ((await lab(`${cls}.get_by_name_label`, name)) as string[])[0];
    const labNet = await first('network', 'Pool-wide network associated with eth0');
    const token = await lab('host.migrate_receive', await first('host', 'xcp-lab-01'), labNet, {});
    const iscsi = await first('SR', 'Lab iSCSI');
    const vdiMap: Record<string, string> = {};
    for (const vbd of vm.VBDs as string[]) if (sim.db.get('VBD', vbd).type === 'Disk') vdiMap[String(sim.db.get('VBD', vbd).VDI)] = iscsi;
    const vifMap = Object.fromEntries((vm.VIFs as string[]).map((v) => [v, labNet]));
    // The Lab's CPUs are AMD: a running Intel guest only crosses with force.
    await until(call('VM.migrate_send', vmRef, token, true, vdiMap, vifMap, { force: 'true' }));
    await sim.clock.advance(5 * 60_000);
    const q = new URLSearchParams({ session_id: labSession, cf: 'AVERAGE', host: 'true', json: 'true', start: String(startedAt - 1800), interval: '60' });
    const onLab = (await (await fetch(`${labHost.httpUrl}/rrd_updates?${q}`)).json()) as JsonUpdates;
    const i = onLab.meta.legend.findIndex((l) => l.endsWith(`vm:${uuid}:cpu0`));
    const rows = onLab.data.map((d) => ({ t: d.t, v: Number(d.values[i]) }));
    // Halted until it was started in Production, running there and here since.
    expect(rows.filter((r) => r.t < startedAt - 120).every((r) => Number.isNaN(r.v))).toBe(true);
    expect(rows.filter((r) => r.t > startedAt + 120).every((r) => Number.isFinite(r.v))).toBe(true);
    expect(rows.filter((r) => r.t < startedAt - 120).length).toBeGreaterThan(5);
    const onProd = await updates(from, { start: startedAt, interval: 60 });
    expect(onProd.meta.legend.some((l) => l.includes(uuid))).toBe(false);
  });
});

describe('full dumps', () => {
  it('/host_rrds and /vm_rrds dump every archive in xapi dump format', async () => {
    const [, vm] = vms('Running')[0];
    const host = String(vm.resident_on);
    const hostXml = await (await fetch(`${hostUrl(host)}/host_rrds?session_id=${session}`)).text();
    expect(hostXml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?><rrd><version>0003<\/version><step>5<\/step><lastupdate>\d+<\/lastupdate><ds><name>/);
    expect((hostXml.match(/<rra>/g) ?? []).length).toBe(10);
    expect((hostXml.match(/<pdp_per_row>17280<\/pdp_per_row>/g) ?? []).length).toBe(3);
    const vmXml = await (await fetch(`${hostUrl(host)}/vm_rrds?session_id=${session}&uuid=${String(vm.uuid)}`)).text();
    expect(vmXml).toContain('<name>memory_internal_free</name>');
    const missing = await fetch(`${hostUrl(host)}/vm_rrds?session_id=${session}&uuid=not-a-uuid`);
    expect(missing.status).toBe(404);
  });

  it('counts the requests each host received (for clients that must share them)', () => {
    const log = rrdRequestLogs.get(sim.pools[0].pool) ?? [];
    expect(log.filter((r) => r.path === '/rrd_updates').length).toBeGreaterThan(5);
    expect(log.every((r) => !r.query.includes('session_id'))).toBe(true);
  });
});
