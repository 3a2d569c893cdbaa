/**
 * Every real database in ../shared/xapi/db-fixtures (XenServer 5.5–6.1 hosts and pools) loads into a pool a
 * current client can work on, and the report accounts for every row and column of the file. The checks are
 * general (any database must pass them); a few more pin the quirks the fixtures' README lists.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { XapiType } from '../../shared/xapi/type-tree';
import { SimClock } from '../clock';
import { PoolSim, Simulator } from '../core';
import { SeededRandom } from '../random';
import { NULL_REF } from '../db/object-db';
import { relations } from '../db/relations';
import { classes, classesByLowerName } from '../model';
import { hostFreeMemory } from '../api/vm-state';
import { loadDump } from './load';
import { parseDumpXml, readDumpText, ROW_META } from './read-xml';

const fixtures = join(__dirname, '../../../shared/xapi/db-fixtures');
const files = readdirSync(fixtures).filter((f) => f !== 'README.md').sort();

function load(file: string) {
  const sim = new Simulator(new SimClock({ rate: 0 }), 'xendeck', new SeededRandom(1));
  const pool = new PoolSim(sim, new SeededRandom(2));
  sim.pools.push(pool);
  const report = loadDump(pool, file);
  return { pool, db: pool.db, report };
}

const refsIn = (t: XapiType, v: unknown): { cls: string; ref: string }[] => {
  if (t.k === 'ref') return typeof v === 'string' ? [{ cls: t.cls, ref: v }] : [];
  if (t.k === 'set' && t.of.k === 'ref' && Array.isArray(v)) return v.map((ref) => ({ cls: (t.of as { cls: string }).cls, ref: String(ref) }));
  if (t.k === 'map' && v && typeof v === 'object') {
    const out: { cls: string; ref: string }[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (t.key.k === 'ref') out.push({ cls: t.key.cls, ref: k });
      if (t.value.k === 'ref') out.push({ cls: t.value.cls, ref: String(x) });
    }
    return out;
  }
  return [];
};

it('finds the thirteen databases the README lists', () => {
  const readme = readFileSync(join(fixtures, 'README.md'), 'utf8');
  const listed = [...readme.matchAll(/^\| ([^ |]+\.(?:xml|db)) \|/gm)].map((m) => m[1]).sort();
  expect(listed).toHaveLength(13);
  expect(files).toEqual(listed);
});

describe.each(files)('%s', (name) => {
  const file = join(fixtures, name);
  const raw = parseDumpXml(readDumpText(file), file);
  const { pool, db, report } = load(file);
  const issues = report.issues;
  const rowsOf = (cls: string) => raw.tables.filter((t) => classesByLowerName.get(t.name.toLowerCase())?.name === cls).flatMap((t) => t.rows);

  it('accounts for every row: loaded = in the file − dropped + filled, class by class', () => {
    for (const cls of classes.keys()) {
      const inFile = rowsOf(cls).length;
      const dropped = issues.filter((i) => i.kind === 'dropped-row' && classesByLowerName.get(i.table.toLowerCase())?.name === cls).length;
      const filled = issues.filter((i) => i.kind === 'filled' && i.table === cls && !i.field).length;
      expect(db.count(cls), cls).toBe(inFile - dropped + filled);
    }
    for (const table of raw.tables) {
      for (const row of table.rows) {
        const cls = classesByLowerName.get(table.name.toLowerCase())?.name;
        if (row.ref && cls && db.has(cls, row.ref)) continue;
        expect(issues.some((i) => i.kind === 'dropped-row' && i.row === (row.ref ?? `line ${row.line}`)), `${table.name} ${row.ref}`).toBe(true);
      }
    }
  });

  it('reports every column it did not load as a field, with the table and row', () => {
    for (const table of raw.tables) {
      const cls = classesByLowerName.get(table.name.toLowerCase());
      if (!cls) continue;
      for (const row of table.rows) {
        if (!row.ref || !db.has(cls.name, row.ref)) continue;
        for (const column of Object.keys(row.columns)) {
          if (ROW_META.has(column)) continue;
          const name = column.replace(/__/g, '_').toLowerCase();
          if (cls.fields.some((f) => f.name.toLowerCase() === name)) continue;
          expect(issues.some((i) => i.kind === 'dropped-field' && i.table === cls.name && i.row === row.ref && i.field === column), `${cls.name}.${column} of ${row.ref}`).toBe(true);
        }
      }
    }
  });

  it('gives every host live metrics with its memory, a running control domain and room for a guest', () => {
    expect(pool.hosts.length).toBeGreaterThan(0);
    expect(db.has('host', pool.masterRef)).toBe(true);
    for (const h of pool.hosts) {
      const host = db.get('host', h.ref);
      const metrics = db.get('host_metrics', String(host.metrics));
      expect(metrics.live).toBe(true);
      expect(Number(metrics.memory_total)).toBeGreaterThan(Number(host.memory_overhead));
      expect(db.get('VM', String(host.control_domain))).toMatchObject({ is_control_domain: true, power_state: 'Running', resident_on: h.ref });
      expect(hostFreeMemory(pool, h.ref)).toBeGreaterThan(0);
      expect(Object.keys(host.cpu_info as object).length).toBeGreaterThan(0);
      // What a client offers comes from allowed_operations, which xapi computes at start.
      if (host.enabled) expect(host.allowed_operations).toEqual(expect.arrayContaining(['vm_start', 'evacuate', 'reboot']));
      else expect(host.allowed_operations).toContain('enable');
    }
    expect(db.get('pool', pool.ref).allowed_operations).toEqual(expect.arrayContaining([db.get('pool', pool.ref).ha_enabled ? 'ha_disable' : 'ha_enable']));
  });

  it('has metrics for every VM, and every VM with a domain is resident on a host of the pool', () => {
    for (const [ref, vm] of db.all('VM')) {
      expect(db.has('VM_metrics', String(vm.metrics)), ref).toBe(true);
      if (vm.power_state === 'Running' || vm.power_state === 'Paused') expect(db.has('host', String(vm.resident_on)), ref).toBe(true);
      else expect(vm.resident_on, ref).toBe(NULL_REF);
      expect(vm.current_operations).toEqual({});
      expect(vm.domain_type).not.toBe('unspecified');
    }
  });

  it('holds one object per UUID, references that resolve, and reverse sets that match their ref fields', () => {
    const uuids = new Set<string>();
    let objects = 0;
    for (const cls of classes.values()) {
      for (const [ref, rec] of db.all(cls.name)) {
        objects++;
        if (typeof rec.uuid === 'string') uuids.add(rec.uuid);
        for (const f of cls.fields) {
          for (const target of refsIn(f.type, rec[f.name])) {
            if (target.ref === NULL_REF || cls.name === 'task' || target.cls === 'task' || target.cls === 'session') continue;
            expect(db.has(target.cls, target.ref), `${cls.name} ${ref} .${f.name} → ${target.cls} ${target.ref}`).toBe(true);
          }
        }
      }
    }
    expect(uuids.size).toBe(objects - db.count('task'));
    for (const rel of relations) {
      for (const [ref, parent] of db.all(rel.parent)) {
        const children = [...db.all(rel.child)].filter(([, c]) => c[rel.childField] === ref).map(([r]) => r).sort();
        expect([...(parent[rel.parentField] as string[])].sort(), `${rel.parent}.${rel.parentField} of ${ref}`).toEqual(children);
      }
    }
  });

  it('types every value by the datamodel', () => {
    for (const cls of classes.values()) {
      for (const [, rec] of db.all(cls.name)) {
        for (const f of cls.fields) {
          const v = rec[f.name];
          const kind = f.type.k;
          if (kind === 'int' || kind === 'float') expect(typeof v, `${cls.name}.${f.name}`).toBe('number');
          if (kind === 'bool') expect(typeof v, `${cls.name}.${f.name}`).toBe('boolean');
          if (kind === 'set') expect(Array.isArray(v), `${cls.name}.${f.name}`).toBe(true);
          if (kind === 'map') expect(v !== null && typeof v === 'object' && !Array.isArray(v), `${cls.name}.${f.name}`).toBe(true);
          if (kind === 'string' || kind === 'datetime' || kind === 'enum' || kind === 'ref') expect(typeof v, `${cls.name}.${f.name}`).toBe('string');
          if (kind === 'datetime') expect(v, `${cls.name}.${f.name}`).toMatch(/^\d{8}T\d\d:\d\d:\d\dZ$/);
        }
      }
    }
  });

  it('sums it up in one line', () => {
    expect(report.summary()).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')} \\(schema 5\\.\\d+, XenServer [\\d.]+\\): \\d+ objects in \\d+ classes; dropped \\d+ rows?`));
    expect(report.details().length).toBeGreaterThan(0);
  });
});

describe('the quirks the README lists', () => {
  it('state.db: sets and maps written with double quotes read as values', () => {
    const { db } = load(join(fixtures, 'state.db'));
    const os = [...db.all('VM_guest_metrics')].map(([, g]) => (g.os_version as Record<string, string>).name).filter(Boolean);
    expect(os).toEqual(expect.arrayContaining([expect.stringMatching(/^Microsoft Windows XP Professional\|C:\\WINDOWS\|/)]));
    const [, host] = [...db.all('host')][0];
    expect(host.tags).toEqual(['Do not delete', 'boned']);
    expect(host.name_description).toBe('GUI team install of Orlando.  Do not delete!');
  });

  it('state3.xml: the master is the second host row', () => {
    const file = join(fixtures, 'state3.xml');
    const { pool } = load(file);
    const hostRows = parseDumpXml(readDumpText(file), file).tables.find((t) => t.name === 'host')!.rows;
    expect(pool.masterRef).toBe(hostRows[1].ref);
  });

  it('state4.xml: objects that share a UUID each get one of their own, and the report says which', () => {
    const { db, report } = load(join(fixtures, 'state4.xml'));
    expect(report.duplicateUuids).toBe(3);
    expect(report.summary()).toContain('3 duplicate UUIDs replaced');
    const vdiUuids = [...db.all('VDI')].map(([, v]) => v.uuid);
    expect(new Set(vdiUuids).size).toBe(vdiUuids.length);
    expect(db.byUuid('VDI', '0f682c2f-35c6-4a01-adc0-3f0c0caad838')).toBe('OpaqueRef:4ccafe4f-d964-e91a-360b-4ac5e6b015fd');
  });

  it('state5.xml: the table named Secret is the secret class', () => {
    const { db, report } = load(join(fixtures, 'state5.xml'));
    expect(db.count('secret')).toBe(1);
    expect(report.details()).toContain('renamed secret: table Secret read as class secret (names match without regard to case)');
  });
});
