/**
 * The `dump` scenario: loads a real XAPI database dump (/pool/xmldbdump, xapi's state.db format; samples in
 * ../shared/xapi/db-fixtures/). Rows become records: `__` in attribute names is the `.` of xapi's nested
 * field names (name__label → name_label), sets and maps are S-expressions of quoted strings, missing fields
 * take the datamodel default, internal tables (session, event, user…) are skipped.
 */
import { readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import type { XapiType } from '../../shared/xapi/type-tree';
import { type PoolSim, SimHost } from '../core';
import { classes } from '../model';
import { NULL_REF } from '../db/object-db';
import { refreshHostMemory, vmAllowedOperations } from '../api/vm-state';

/** Tables a client never reads (or that the simulator keeps itself). */
const SKIPPED = new Set(['session', 'event', 'user', 'data_source', 'auth']);

type SExpr = string | SExpr[];

/** Parses `('a' 'b')` and `(('k' 'v') ('k2' 'v2'))`; `\'` and `\\` escape inside quotes; a truncated list keeps its items. */
export function parseSExpr(text: string): SExpr {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const parse = (): SExpr => {
    skip();
    if (text[i] === '(') {
      i++;
      const items: SExpr[] = [];
      for (;;) {
        skip();
        // Real dumps hold some truncated sets (single-host-krakout.xml): keep what is there.
        if (i >= text.length) return items;
        if (text[i] === ')') {
          i++;
          return items;
        }
        items.push(parse());
      }
    }
    if (text[i] === "'") {
      i++;
      let s = '';
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        s += text[i++];
      }
      i++;
      return s;
    }
    throw new Error(`unexpected ${text[i] ?? 'end'} at ${i}`);
  };
  return parse();
}

function convert(raw: string, t: XapiType): unknown {
  switch (t.k) {
    case 'int': return Number.isFinite(Number(raw)) ? Math.trunc(Number(raw)) : 0;
    case 'float': return Number(raw);
    case 'bool': return raw === 'true';
    case 'set': {
      const v = parseSExpr(raw || '()');
      return Array.isArray(v) ? v.map((x) => convert(typeof x === 'string' ? x : '', t.of)) : [];
    }
    case 'map': {
      const v = parseSExpr(raw || '()');
      const out: Record<string, unknown> = {};
      if (Array.isArray(v)) for (const pair of v) if (Array.isArray(pair) && pair.length === 2) out[String(pair[0])] = convert(String(pair[1]), t.value);
      return out;
    }
    case 'option': return raw === '' ? null : convert(raw, t.of);
    default: return raw;
  }
}

export interface DumpLoad { tables: number; rows: number; skipped: string[] }

export function loadDump(pool: PoolSim, file: string): DumpLoad {
  const xml = readFileSync(file, 'utf8');
  const parser = new SaxesParser({ xmlns: false, position: false });
  let table: string | undefined;
  const stats: DumpLoad = { tables: 0, rows: 0, skipped: [] };
  parser.on('opentag', (tag) => {
    if (tag.name === 'table') {
      const name = String(tag.attributes.name);
      table = classes.has(name) && !SKIPPED.has(name) ? name : undefined;
      if (table) stats.tables++;
      else stats.skipped.push(name);
      return;
    }
    if (tag.name !== 'row' || !table) return;
    const info = classes.get(table)!;
    const attrs = tag.attributes as Record<string, string>;
    const ref = attrs.ref ?? attrs._ref;
    const rec: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(attrs)) {
      const field = info.fieldByName.get(name.replace(/__/g, '_'));
      if (field) rec[field.name] = convert(value, field.type);
    }
    pool.db.load(table, ref, rec);
    stats.rows++;
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'table') table = undefined;
  });
  parser.write(xml).close();

  const [poolRef] = pool.db.refs('pool');
  if (!poolRef) throw new Error(`${file}: no pool row`);
  pool.ref = poolRef;
  for (const hostRef of pool.db.refs('host')) {
    pool.hosts.push(new SimHost(pool, hostRef));
    const metrics = String(pool.db.get('host', hostRef).metrics);
    // Every host of the dump answers in the simulator.
    if (pool.db.has('host_metrics', metrics)) pool.db.update('host_metrics', metrics, { live: true });
  }
  if (!pool.db.has('host', pool.masterRef)) pool.db.update('pool', poolRef, { master: pool.hosts[0]?.ref ?? NULL_REF });
  for (const [ref, vm] of [...pool.db.all('VM')]) {
    pool.db.update('VM', ref, { current_operations: {}, allowed_operations: vmAllowedOperations({ ...vm, current_operations: {} }) });
  }
  for (const [ref, task] of [...pool.db.all('task')]) if (task.status === 'pending') pool.db.destroy('task', ref);
  for (const h of pool.hosts) refreshHostMemory(pool, h.ref);
  return stats;
}
