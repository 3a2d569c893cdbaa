/**
 * The `dump` scenario's loader: a real XAPI database (a host's state.db, `xe pool-dump-database`, /pool/xmldbdump;
 * samples in ../shared/xapi/db-fixtures/) becomes a pool the simulator serves, the way xapi itself would take it
 * over when started on that database:
 * 1. read (read-xml.ts): the file, plain or gzip'd; tables, rows and columns;
 * 2. decode (schema.ts, values.ts): tables and columns matched to the datamodel, values read by their types;
 *    what cannot be kept is left out and reported;
 * 3. check (integrity.ts, gc.ts): duplicate refs and UUIDs, xapi's database GC, references to nothing, reverse
 *    sets rebuilt;
 * 4. upgrade (upgrade.ts): xapi's database upgrade rules for the dump's schema version;
 * 5. start of day (start-of-day.ts): what xapi's dbsync does when it starts: metrics, control domains, host
 *    memory, plugged PBDs, released operations.
 * The returned report lists every row and field left out or changed, with its table and why.
 */
import { type PoolSim, SimHost } from '../core';
import type { XRecord } from '../db/object-db';
import { buildRecord } from '../db/defaults';
import { refreshHostMemory } from '../api/vm-state';
import { parseDumpXml, readDumpText, type RawTable } from './read-xml';
import { DumpError, DumpReport } from './report';
import { isRequired, resolveField, resolveTable } from './schema';
import { convertColumn } from './values';
import { unprotectSpaces } from './xml-spaces';
import { Staging } from './staging';
import { danglingRefs, rebuildReverseSets, uniqueUuids } from './integrity';
import { collectGarbage } from './gc';
import { applyUpgradeRules } from './upgrade';
import { resetVmsOnMissingHosts, startOfDay } from './start-of-day';

export function loadDump(pool: PoolSim, file: string): DumpReport {
  const raw = parseDumpXml(readDumpText(file), file);
  const report = new DumpReport(file);
  const major = Number(raw.manifest.schema_major_vsn);
  const minor = Number(raw.manifest.schema_minor_vsn);
  const schema: [number, number] | undefined = Number.isInteger(major) && Number.isInteger(minor) && raw.manifest.schema_minor_vsn !== undefined ? [major, minor] : undefined;
  report.schema = schema ? `${schema[0]}.${schema[1]}` : undefined;
  const stage = new Staging(pool.db, report, schema, pool.sim.clock.now());
  for (const table of raw.tables) stageTable(stage, table);

  const pools = stage.all('pool');
  const hosts = stage.all('host');
  if (!hosts.length) throw new DumpError({ file, table: 'host' }, 'the database has no host rows: there is no server to simulate');
  if (pools.length > 1) {
    // A database is one pool; xapi's Helpers.get_pool takes the first row.
    for (const [ref] of pools.slice(1)) stage.destroy('pool', ref, `a second pool row (a database holds one pool; xapi uses the first)`);
  }

  uniqueUuids(stage);
  resetVmsOnMissingHosts(stage);
  collectGarbage(stage);
  danglingRefs(stage);
  rebuildReverseSets(stage);
  applyUpgradeRules(stage);
  startOfDay(stage);
  rebuildReverseSets(stage, false);
  stage.commit();

  const [poolRef] = pool.db.refs('pool');
  pool.ref = poolRef;
  for (const hostRef of pool.db.refs('host')) pool.hosts.push(new SimHost(pool, hostRef));
  for (const h of pool.hosts) refreshHostMemory(pool, h.ref);
  rememberGuests(pool);
  const master = stage.get('host', pool.masterRef);
  report.product = productOf(raw.manifest, master);
  for (const [cls, t] of stage.tables) if (t.size) report.objects[cls] = t.size;
  return report;
}

/** What each guest's agent reported, so that a guest started in the simulator reports it again. */
function rememberGuests(pool: PoolSim): void {
  for (const [ref, vm] of pool.db.all('VM')) {
    const gm = pool.db.find('VM_guest_metrics', String(vm.guest_metrics));
    if (!gm || !Object.keys(gm.os_version as object).length) continue;
    const networks = gm.networks as Record<string, string>;
    const ips: string[] = [];
    for (const [key, ip] of Object.entries(networks)) {
      const m = /^(\d+)\/ip$/.exec(key);
      if (m) ips[Number(m[1])] = ip;
    }
    pool.guests.set(ref, { os_version: gm.os_version as Record<string, string>, ips: Array.from(ips, (ip) => ip ?? ''), pv_drivers_version: gm.PV_drivers_version as Record<string, string> });
  }
}

function productOf(manifest: Record<string, string>, master: XRecord | undefined): string | undefined {
  const sv = (master?.software_version ?? {}) as Record<string, string>;
  const version = sv.product_version ?? manifest.product_version;
  const brand = sv.product_brand ?? manifest.product_brand ?? 'XenServer';
  return version ? `${brand} ${version}` : undefined;
}

/** Decodes one table's rows into the staging area, reporting what is left out. */
function stageTable(stage: Staging, table: RawTable): void {
  const { report } = stage;
  const target = resolveTable(table.name);
  if ('drop' in target) {
    if (!table.rows.length) return; // nothing of it is lost
    report.add({ kind: 'dropped-table', table: table.name, reason: `${target.drop} (${table.rows.length} row${table.rows.length === 1 ? '' : 's'})` });
    for (const row of table.rows) report.add({ kind: 'dropped-row', table: table.name, row: row.ref ?? `line ${row.line}`, reason: target.drop });
    return;
  }
  const cls = target.cls;
  if (target.renamedFrom) report.add({ kind: 'renamed', table: cls.name, reason: `table ${target.renamedFrom} read as class ${cls.name} (names match without regard to case)` });
  const rows = stage.table(cls.name);
  for (const row of table.rows) {
    if (row.ref === undefined) {
      report.add({ kind: 'dropped-row', table: cls.name, row: `line ${row.line}`, reason: 'the row has no ref attribute (xapi refuses such a row)' });
      continue;
    }
    const ref = row.ref;
    const elsewhere = stage.classOf(ref);
    if (elsewhere && elsewhere !== cls.name) {
      report.add({ kind: 'dropped-row', table: cls.name, row: ref, reason: `its ref already names a ${elsewhere} row (a ref names one object; xapi refuses such a database)` });
      continue;
    }
    if (rows.has(ref)) report.add({ kind: 'dropped-row', table: cls.name, row: ref, reason: `an earlier row with the same ref, replaced by the row at line ${row.line} (xapi's loader keeps the last)` });
    const fields: XRecord = {};
    const internal: Record<string, string> = {};
    const from: Record<string, string> = {};
    for (const [column, written] of Object.entries(row.columns)) {
      const target = resolveField(cls, column);
      if ('meta' in target) continue;
      const text = unprotectSpaces(written);
      if ('drop' in target) {
        internal[column] = text;
        report.add({ kind: 'dropped-field', table: cls.name, row: ref, field: column, reason: target.drop });
        continue;
      }
      const { field } = target;
      if (from[field.name] !== undefined) {
        report.add({ kind: 'dropped-field', table: cls.name, row: ref, field: column, reason: `${field.name} is already given by column ${from[field.name]}` });
        continue;
      }
      from[field.name] = column;
      if (target.renamedFrom) report.add({ kind: 'renamed', table: cls.name, row: ref, field: field.name, reason: `column ${target.renamedFrom} read as ${field.name}` });
      const value = convertColumn(text, field.type);
      if (value.dropped !== undefined) {
        report.add({ kind: 'dropped-field', table: cls.name, row: ref, field: field.name, reason: value.dropped });
        continue;
      }
      if (value.repaired !== undefined) report.add({ kind: 'repaired', table: cls.name, row: ref, field: field.name, reason: value.repaired });
      fields[field.name] = value.value;
    }
    for (const field of cls.fields) {
      if (field.name in fields || from[field.name] !== undefined || !isRequired(cls, field)) continue;
      report.add({ kind: 'filled', table: cls.name, row: ref, field: field.name, reason: `the row has no ${field.name}, which has no default in the datamodel: set to ${JSON.stringify(field.default ?? null)}` });
    }
    rows.set(ref, buildRecord(cls.name, fields));
    stage.lines.set(ref, row.line);
    if (Object.keys(internal).length) stage.internal.set(ref, internal);
  }
}
