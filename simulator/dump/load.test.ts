/**
 * The dump loader on small databases written as xapi writes them, each with a quirk real databases have:
 * older writers' formats, names that differ in case, removed and internal columns, missing metrics and
 * control domains, duplicate UUIDs and refs, dangling references, broken values and broken files.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../clock';
import { PoolSim, Simulator } from '../core';
import { SeededRandom } from '../random';
import { NULL_REF } from '../db/object-db';
import { startTestSimulator, type TestSimulator } from '../contract/harness';
import { login, rpc, rpcFailure } from '../contract/json-rpc-client';
import { loadDump } from './load';
import { DumpError } from './report';
import { dumpOfDb, writeDumpXml, type DumpRow } from './dump-writer';
import { classes } from '../model';
import { formatSExpr } from './sexpr';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const dir = mkdtempSync(join(tmpdir(), 'xendeck-dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sims: TestSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.cleanup()));
});

let files = 0;
function file(content: string | Buffer, name = `db-${++files}.xml`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A one-host pool from a XenServer 5.6-era database: no host_metrics, no control domain, no VM_metrics. */
function oldPool(): Record<string, DumpRow[]> {
  const set = (...items: string[]) => formatSExpr(items);
  const map = (o: Record<string, string>) => formatSExpr(Object.entries(o));
  return {
    pool: [{ ref: 'OpaqueRef:pool', uuid: 'p-uuid', name__label: 'Old pool', master: 'OpaqueRef:host', default_SR: 'OpaqueRef:sr', other_config: map({ 'mail-min-priority': '10' }) }],
    host: [{
      ref: 'OpaqueRef:host', uuid: 'h-uuid', name__label: 'old-host', hostname: 'old-host', enabled: 'true', metrics: 'OpaqueRef:gone', memory__overhead: String(100 * MiB),
      boot_free_mem: String(4 * GiB), software_version: map({ product_version: '5.6.0', product_brand: 'XenServer' }), cpu_info: '()',
      PBDs: set('OpaqueRef:pbd'), PIFs: '()', resident_VMs: '()',
    }],
    host_cpu: [{ ref: 'OpaqueRef:cpu0', uuid: 'c0', host: 'OpaqueRef:host', number: '0', vendor: 'GenuineIntel', speed: '2400', modelname: 'Intel(R) Xeon(R) CPU  E5620', family: '6', model: '44', stepping: '2', flags: 'fpu', features: '' }],
    SR: [{ ref: 'OpaqueRef:sr', uuid: 'sr-uuid', name__label: 'Local storage', type: 'ext', content_type: 'user', shared: 'false', physical_size: String(100 * GiB), PBDs: set('OpaqueRef:pbd'), VDIs: '()' }],
    PBD: [{ ref: 'OpaqueRef:pbd', uuid: 'pbd-uuid', host: 'OpaqueRef:host', SR: 'OpaqueRef:sr', currently_attached: 'false', device_config: map({ device: '/dev/sda3', SRmaster: 'true', password: 's3cret' }) }],
    VDI: [{ ref: 'OpaqueRef:vdi', uuid: 'vdi-uuid', SR: 'OpaqueRef:sr', name__label: 'web disk', virtual_size: String(10 * GiB), type: 'user' }],
    network: [{ ref: 'OpaqueRef:net', uuid: 'n-uuid', name__label: 'Network 0', bridge: 'xenbr0', PIFs: '()', VIFs: '()' }],
    PIF: [{ ref: 'OpaqueRef:pif', uuid: 'pif-uuid', host: 'OpaqueRef:host', network: 'OpaqueRef:net', device: 'eth0', management: 'true', physical: 'true', VLAN: '-1', metrics: 'OpaqueRef:NULL' }],
    VM: [
      vm('OpaqueRef:web', 'web', 1),
      vm('OpaqueRef:big', 'big', 8),
      { ...vm('OpaqueRef:tpl', 'Debian Lenny 5.0 (32-bit)', 1), is_a_template: 'true', other_config: map({ default_template: 'true' }) },
    ],
    VBD: [{ ref: 'OpaqueRef:vbd', uuid: 'vbd-uuid', VM: 'OpaqueRef:web', VDI: 'OpaqueRef:vdi', type: 'Disk', mode: 'RW', empty: 'false', device: 'xvda', userdevice: '0', bootable: 'true' }],
    VIF: [{ ref: 'OpaqueRef:vif', uuid: 'vif-uuid', VM: 'OpaqueRef:web', network: 'OpaqueRef:net', device: '0', MAC: '02:00:00:00:00:01', MTU: '1500' }],
  };
}

function vm(ref: string, name: string, gib: number): DumpRow {
  const mem = String(gib * GiB);
  return {
    ref, uuid: `${name}-uuid`, name__label: name, power_state: 'Halted', is_a_template: 'false', is_control_domain: 'false', resident_on: 'OpaqueRef:NULL',
    memory__static_max: mem, memory__dynamic_max: mem, memory__dynamic_min: mem, memory__static_min: String(256 * MiB), memory__overhead: String(8 * MiB),
    VCPUs__max: '1', VCPUs__at_startup: '1', HVM__boot_policy: '', PV__bootloader: 'pygrub', metrics: 'OpaqueRef:NULL', VBDs: '()', VIFs: '()',
    ha_restart_priority: '1', other_config: '()', platform: '()',
  };
}

/** Loads a dump into a pool of its own (no listeners): what the loader made of it. */
function load(path: string) {
  const sim = new Simulator(new SimClock({ rate: 0, start: Date.UTC(2024, 0, 1) }), 'xendeck', new SeededRandom(1));
  const pool = new PoolSim(sim, new SeededRandom(2));
  sim.pools.push(pool);
  const report = loadDump(pool, path);
  return { pool, db: pool.db, report, details: report.details().join('\n') };
}

function loadError(path: string): DumpError {
  try {
    load(path);
  } catch (err) {
    if (err instanceof DumpError) return err;
    throw err;
  }
  throw new Error('loaded');
}

describe('a 5.6-era database without host metrics, control domain or VM metrics', () => {
  it('serves VM.start, placing the VM by the host\'s real free memory, and VM.hard_shutdown', async () => {
    const sim = await startTestSimulator({ scenario: 'dump', dumpFile: file(writeDumpXml(oldPool())) });
    sims.push(sim);
    const url = sim.hosts[0].httpUrl;
    const s = await login(url);
    // total = boot_free_mem + memory_overhead (xapi's own accounting); minus the overhead and the new 752 MiB control domain.
    expect(await rpc(url, 'host.compute_free_memory', s, 'OpaqueRef:host')).toBe(4 * GiB - 752 * MiB);
    const big = await rpcFailure(rpc(url, 'VM.start', s, 'OpaqueRef:big', false, false));
    expect(big.code).toBe('HOST_NOT_ENOUGH_FREE_MEMORY');
    expect(big.params).toEqual([String(8 * GiB + 8 * MiB), String(4 * GiB - 752 * MiB)]);
    await rpc(url, 'VM.start', s, 'OpaqueRef:web', false, false);
    const web = (await rpc(url, 'VM.get_record', s, 'OpaqueRef:web')) as Record<string, unknown>;
    expect(web).toMatchObject({ power_state: 'Running', resident_on: 'OpaqueRef:host' });
    const metrics = (await rpc(url, 'VM_metrics.get_record', s, web.metrics)) as Record<string, unknown>;
    expect(metrics).toMatchObject({ memory_actual: GiB, VCPUs_number: 1, state: ['running'] });
    expect(await rpc(url, 'host.compute_free_memory', s, 'OpaqueRef:host')).toBe(3 * GiB - 752 * MiB - 8 * MiB);
    await rpc(url, 'VM.hard_shutdown', s, 'OpaqueRef:web');
    expect(await rpc(url, 'VM.get_power_state', s, 'OpaqueRef:web')).toBe('Halted');
  });

  it('fills what xapi fills at start of day and upgrades old values, and reports each', () => {
    const { db, report, details } = load(file(writeDumpXml(oldPool())));
    const host = db.get('host', 'OpaqueRef:host');
    const metrics = db.get('host_metrics', String(host.metrics));
    expect(metrics).toMatchObject({ live: true, memory_total: 4 * GiB + 100 * MiB });
    const dom0 = db.get('VM', String(host.control_domain));
    expect(dom0).toMatchObject({ is_control_domain: true, power_state: 'Running', resident_on: 'OpaqueRef:host', domid: 0, VCPUs_max: 1 });
    expect((dom0.consoles as string[]).map((c) => db.get('console', c).protocol).sort()).toEqual(['rfb', 'vt100']);
    expect(host.resident_VMs).toEqual([host.control_domain]);
    expect((host.cpu_info as Record<string, string>)).toMatchObject({ cpu_count: '1', modelname: 'Intel(R) Xeon(R) CPU  E5620', vendor: 'GenuineIntel' });
    for (const [, v] of db.all('VM')) expect(db.has('VM_metrics', String(v.metrics))).toBe(true);
    // Reverse sets rebuilt from the ref side; the PBD plugged; upgrade rules applied.
    expect(db.get('VM', 'OpaqueRef:web')).toMatchObject({ VBDs: ['OpaqueRef:vbd'], VIFs: ['OpaqueRef:vif'], domain_type: 'pv', ha_restart_priority: 'restart', order: 1 });
    expect(db.get('SR', 'OpaqueRef:sr').VDIs).toEqual(['OpaqueRef:vdi']);
    expect(db.get('PBD', 'OpaqueRef:pbd').currently_attached).toBe(true);
    const dc = db.get('PBD', 'OpaqueRef:pbd').device_config as Record<string, string>;
    expect(Object.keys(dc).sort()).toEqual(['device', 'password_secret']);
    expect(db.get('secret', db.byUuid('secret', dc.password_secret)).value).toBe('s3cret');
    expect(db.get('pool', 'OpaqueRef:pool').other_config).toEqual({ 'mail-min-priority': '1' });
    expect(db.get('VM', 'OpaqueRef:tpl').is_default_template).toBe(true);
    expect(details).toMatch(/filled host_metrics in 1 row .*memory_total 4399824896 from boot_free_mem \+ memory_overhead/);
    expect(details).toMatch(/filled VM in 1 row .*the control domain of old-host/);
    expect(details).toMatch(/repaired host\.metrics in 1 row \(OpaqueRef:host\): names no host_metrics in the database \(OpaqueRef:gone\)/);
    expect(details).toMatch(/dropped field host\.boot_free_mem in 1 row \(OpaqueRef:host\): host has no field boot_free_mem in the API datamodel/);
    expect(details).toMatch(/upgraded VM in 3 rows .*"Upgrading ha_restart_priority/);
    expect(report.summary()).toMatch(/^db-\d+\.xml \(schema 5\.57, XenServer 5\.6\.0\): \d+ objects in \d+ classes; dropped 0 rows, 1 field value, repaired \d+, filled \d+, upgraded \d+ \(--verbose lists them\)$/);
  });
});

describe('a current pool\'s database', () => {
  it('loads back as it was written: every object and field but the live timestamps', async () => {
    const demo = await startTestSimulator({ scenario: 'demo' });
    sims.push(demo);
    const source = demo.pools[0].db;
    const { db, report } = load(file(dumpOfDb(source, { schema_major_vsn: '5', schema_minor_vsn: '786', generation_count: '1' })));
    expect(report.issues.filter((i) => i.kind !== 'dropped-field')).toEqual([]);
    // What it leaves out is only what the datamodel says xapi no longer loads.
    for (const issue of report.issues) expect(issue.reason).toMatch(new RegExp(`^field ${issue.table}\\.${issue.field} was removed from the API in \\w+`));
    const live = new Set(['host_metrics.last_updated', 'VM_metrics.last_updated']);
    for (const cls of classes.values()) {
      expect(db.refs(cls.name).sort(), cls.name).toEqual(source.refs(cls.name).sort());
      for (const [ref, rec] of source.all(cls.name)) {
        for (const f of cls.fields) {
          if (live.has(`${cls.name}.${f.name}`) || report.issues.some((i) => i.row === ref && i.field === f.name)) continue;
          expect(db.get(cls.name, ref)[f.name], `${cls.name}.${f.name} of ${ref}`).toEqual(rec[f.name]);
        }
      }
    }
  });
});

describe('formats and names', () => {
  it('reads an older writer\'s double-quoted values, tables named in another case and old column spellings', () => {
    const t = oldPool();
    t.host[0].tags = '("Do not delete" "it\\"s mine")';
    t.host[0].other_config = '(("folder" "/1/2") ("agent_start_time" "1228497826."))';
    t.host[0].suspend_image_SR = 'OpaqueRef:sr';
    const tables: Record<string, DumpRow[]> = { ...t, Secret: [{ ref: 'OpaqueRef:secret', uuid: 's-uuid', value: 'pw', other_config: '()' }] };
    const { db, details } = load(file(writeDumpXml(tables)));
    expect(db.get('host', 'OpaqueRef:host')).toMatchObject({ tags: ['Do not delete', 'it"s mine'], other_config: { folder: '/1/2', agent_start_time: '1228497826.' }, suspend_image_sr: 'OpaqueRef:sr' });
    expect(db.get('secret', 'OpaqueRef:secret').value).toBe('pw');
    expect(details).toContain('renamed secret: table Secret read as class secret');
    expect(details).toContain('renamed host.suspend_image_sr in 1 row (OpaqueRef:host): column suspend_image_SR read as suspend_image_sr');
  });

  it('leaves out removed classes and fields (as xapi does) and says which release removed them', () => {
    const t = oldPool();
    t.VM[0].is_snapshot_from_vmpp = 'false';
    const tables = { ...t, VMPP: [{ ref: 'OpaqueRef:vmpp', uuid: 'vmpp-uuid', name__label: 'nightly' }] };
    const { db, report, details } = load(file(writeDumpXml(tables)));
    expect(db.count('VMPP')).toBe(0);
    expect(details).toContain('dropped table VMPP: class VMPP was removed from the API in clearwater (The VMPR feature was removed); xapi does not load it (1 row)');
    expect(details).toContain('dropped row VMPP in 1 row (OpaqueRef:vmpp)');
    expect(details).toContain('dropped field VM.is_snapshot_from_vmpp in 1 row (OpaqueRef:web): field VM.is_snapshot_from_vmpp was removed from the API in clearwater');
    expect(report.droppedRows()).toBe(1);
  });

  it('keeps what it can of a broken value and names the table, row and field of what it cannot read', () => {
    const t = oldPool();
    t.VM[0].other_config = "(('a' '1') ('b' '2')";
    t.VM[0].tags = "('x' 'y";
    t.VM[0].VCPUs__max = 'two';
    t.VM[0].power_state = 'halted';
    t.VM[0].snapshot_time = '2012-04-12T13:45:57+01:00';
    const { db, details } = load(file(writeDumpXml(t)));
    expect(db.get('VM', 'OpaqueRef:web')).toMatchObject({ other_config: { a: '1', b: '2' }, tags: ['x'], VCPUs_max: 0, power_state: 'Halted', snapshot_time: '20120412T12:45:57Z' });
    expect(details).toContain('repaired VM.other_config in 1 row (OpaqueRef:web): list opened at 0 is not closed: kept the 2 complete items');
    expect(details).toContain('repaired VM.tags in 1 row (OpaqueRef:web): string opened at 5 is not closed: kept the 1 complete item');
    expect(details).toContain("dropped field VM.VCPUs_max in 1 row (OpaqueRef:web): 'two' is not an integer");
    expect(details).toContain("repaired VM.power_state in 1 row (OpaqueRef:web): 'halted' read as Halted");
  });

  it('reads a gzip-compressed database and refuses an SQLite one with advice', () => {
    const { db } = load(file(gzipSync(writeDumpXml(oldPool())), 'state.db.gz'));
    expect(db.get('pool', 'OpaqueRef:pool').name_label).toBe('Old pool');
    const sqlite = loadError(file(Buffer.concat([Buffer.from('SQLite format 3\u0000'), Buffer.alloc(100)]), 'old.db'));
    expect(sqlite.message).toMatch(/old\.db: an SQLite database .*xe pool-dump-database/);
  });
});

describe('integrity', () => {
  it('keeps both objects of a duplicate UUID, gives the later one a new UUID, and says so', async () => {
    const t = oldPool();
    t.VDI.push({ ...t.VDI[0], ref: 'OpaqueRef:vdi2', name__label: 'copy' });
    t.VIF.push({ ...t.VIF[0], ref: 'OpaqueRef:vif2', uuid: 'vdi-uuid', device: '1' });
    const sim = await startTestSimulator({ scenario: 'dump', dumpFile: file(writeDumpXml(t)) });
    sims.push(sim);
    const url = sim.hosts[0].httpUrl;
    const s = await login(url);
    const vdis = (await rpc(url, 'VDI.get_all_records', s)) as Record<string, Record<string, string>>;
    expect(Object.keys(vdis).sort()).toEqual(['OpaqueRef:vdi', 'OpaqueRef:vdi2']);
    expect(vdis['OpaqueRef:vdi'].uuid).toBe('vdi-uuid');
    const fresh = vdis['OpaqueRef:vdi2'].uuid;
    expect(fresh).toMatch(/^[0-9a-f]{8}-/);
    expect(await rpc(url, 'VDI.get_by_uuid', s, 'vdi-uuid')).toBe('OpaqueRef:vdi');
    expect(await rpc(url, 'VDI.get_by_uuid', s, fresh)).toBe('OpaqueRef:vdi2');
    const vif2 = (await rpc(url, 'VIF.get_record', s, 'OpaqueRef:vif2')) as Record<string, string>;
    expect(vif2.uuid).not.toBe('vdi-uuid');
    const details = sim.dumpReport!.details().join('\n');
    expect(details).toContain(`repaired VDI.uuid in 1 row (OpaqueRef:vdi2): uuid vdi-uuid is also the uuid of VDI OpaqueRef:vdi: this object now has uuid ${fresh}`);
    expect(details).toMatch(/repaired VIF\.uuid in 1 row \(OpaqueRef:vif2\): uuid vdi-uuid is also the uuid of VDI OpaqueRef:vdi/);
  });

  it('takes the last of two rows with one ref (as xapi) and refuses a ref that names objects in two tables', () => {
    const t = oldPool();
    t.VDI.push({ ...t.VDI[0], uuid: 'vdi-uuid-2', name__label: 'second' });
    t.network.push({ ...t.network[0], ref: 'OpaqueRef:vdi', uuid: 'n2' });
    const { db, details } = load(file(writeDumpXml(t)));
    expect(db.get('VDI', 'OpaqueRef:vdi').name_label).toBe('second');
    expect(db.count('network')).toBe(1);
    expect(details).toMatch(/dropped row VDI in 1 row \(OpaqueRef:vdi\): an earlier row with the same ref, replaced by the row at line \d+ \(xapi's loader keeps the last\)/);
    expect(details).toContain('dropped row network in 1 row (OpaqueRef:vdi): its ref already names a VDI row');
  });

  it('deletes what xapi\'s database GC deletes, empties a CD drive whose disc is gone, and reads dangling refs as NULL', () => {
    const t = oldPool();
    t.VBD.push({ ref: 'OpaqueRef:orphan', uuid: 'o', VM: 'OpaqueRef:gone-vm', VDI: 'OpaqueRef:vdi', type: 'Disk', empty: 'false' });
    t.VBD.push({ ref: 'OpaqueRef:cd', uuid: 'cd', VM: 'OpaqueRef:web', VDI: 'OpaqueRef:gone-iso', type: 'CD', empty: 'false' });
    t.VM[0].affinity = 'OpaqueRef:gone-host';
    t.VM[1].suspend_VDI = 'cd';
    const { db, details } = load(file(writeDumpXml(t)));
    expect(db.has('VBD', 'OpaqueRef:orphan')).toBe(false);
    expect(db.get('VBD', 'OpaqueRef:cd')).toMatchObject({ VDI: NULL_REF, empty: true });
    expect(db.get('VM', 'OpaqueRef:web')).toMatchObject({ affinity: NULL_REF, VBDs: ['OpaqueRef:vbd', 'OpaqueRef:cd'] });
    expect(details).toContain("dropped row VBD in 1 row (OpaqueRef:orphan): its VM OpaqueRef:gone-vm is not in the database; xapi's database GC deletes it");
    expect(details).toContain('repaired VM.affinity in 1 row (OpaqueRef:web): names no host in the database (OpaqueRef:gone-host): read as OpaqueRef:NULL');
    expect(details).toContain("repaired VM.suspend_VDI in 1 row (OpaqueRef:big): 'cd' is not a reference: read as OpaqueRef:NULL");
  });

  it('creates the pool record a database lacks, with its host as master, and resets VMs running on hosts not in it', () => {
    const t = oldPool();
    delete (t as Record<string, unknown>).pool;
    Object.assign(t.VM[0], { power_state: 'Running', resident_on: 'OpaqueRef:departed', domid: '7' });
    const { pool, db, details } = load(file(writeDumpXml(t)));
    expect(pool.masterRef).toBe('OpaqueRef:host');
    expect(db.get('VM', 'OpaqueRef:web')).toMatchObject({ power_state: 'Halted', resident_on: NULL_REF, domid: -1 });
    expect(details).toMatch(/filled pool in 1 row .*the database has no pool row/);
    expect(details).toContain('repaired VM.power_state in 1 row (OpaqueRef:web): Running on OpaqueRef:departed, which is not a host of the database: reset to Halted, as xapi does');
  });
});

describe('files that cannot be loaded', () => {
  it('names the file, line and column, and the table and row it stopped in', () => {
    const xml = writeDumpXml(oldPool());
    const cut = xml.indexOf('<row ref="OpaqueRef:vdi"') + 40;
    const e = loadError(file(xml.slice(0, cut), 'cut.xml'));
    expect(e.message).toMatch(/cut\.xml:\d+:\d+ \(table VDI, row OpaqueRef:vdi, field \w+\): not well-formed XML/);
    const twice = loadError(file(xml.replace('<row ref="OpaqueRef:vdi"', '<row ref="OpaqueRef:vdi" ref="again"'), 'twice.xml'));
    expect(twice.message).toMatch(/twice\.xml:\d+:\d+ \(table VDI, row OpaqueRef:vdi, field ref\): not well-formed XML: duplicate attribute: ref/);
    expect(loadError(file('<html><body/></html>', 'page.html')).message).toMatch(/page\.html:1:\d+: not a XAPI database: the document is <html>/);
    expect(loadError(file('', 'empty.xml')).message).toBe(`${join(dir, 'empty.xml')}: the file is empty`);
    const noHost = writeDumpXml({ pool: oldPool().pool });
    expect(loadError(file(noHost, 'nohost.xml')).message).toMatch(/nohost\.xml \(table host\): the database has no host rows/);
    expect(loadError(join(dir, 'missing.xml')).message).toMatch(/missing\.xml: cannot read the file \(ENOENT\)/);
  });
});

describe('hostile databases', () => {
  it('either loads a damaged real database into a usable pool or stops with a DumpError, never anything else', () => {
    const src = readFileSync(join(__dirname, '../../../shared/xapi/db-fixtures/state5.xml'), 'utf8');
    const attributes = [...src.matchAll(/ (\w+)="([^"]*)"/g)].map((m) => m[0]);
    const junk = fc.oneof(
      fc.constantFrom('', '(', ')', "('a'", "(('k'))", '-1', 'OpaqueRef:NULL', 'OpaqueRef:nothing', 'nan', '1e400', '%_', '__proto__', "(('__proto__' 'x'))", '9'.repeat(30), 'Running', '\\'),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')),
    );
    const damage = fc.record({
      edits: fc.array(fc.tuple(fc.nat(attributes.length - 1), junk), { minLength: 1, maxLength: 30 }),
      cut: fc.option(fc.nat(src.length - 1), { freq: 5 }),
    });
    fc.assert(fc.property(damage, ({ edits, cut }) => {
      let text = src;
      for (const [i, value] of edits) text = text.replace(attributes[i], attributes[i].replace(/="[^"]*"$/, `="${value}"`));
      if (cut !== null) text = text.slice(0, cut);
      let loaded: ReturnType<typeof load>;
      try {
        loaded = load(file(text, 'damaged.xml'));
      } catch (err) {
        expect(err).toBeInstanceOf(DumpError);
        expect((err as DumpError).message).toMatch(/damaged\.xml/);
        return;
      }
      const { pool, db } = loaded;
      expect(db.has('host', pool.masterRef)).toBe(true);
      for (const h of pool.hosts) expect(db.get('host_metrics', String(db.get('host', h.ref).metrics)).live).toBe(true);
    }), { numRuns: 30 });
  });
});
