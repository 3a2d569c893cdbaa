/**
 * Bench case `rrd-parse`: parsing one rrd_updates reply of a busy host, an hour of the minute archive (60 rows)
 * for 100 VMs × 20 data sources (2000 columns, 120 000 values), as xapi spells it (simulator/rrd/xport-writer.ts:
 * `%0.5g`, strings in JSON, some NaN gaps), in both formats. Floor: `JSON.parse` of the same JSON text, which
 * any JSON client pays before it has a single number. Best of ROUNDS each, alternating.
 */
import { performance } from 'node:perf_hooks';
import { parseRrdUpdates } from '../../shared/api-client/rrd/rrd-parse';
import { exportEntities, type RrdEntity } from '../../simulator/rrd/rrd-export';
import { updatesToJson, updatesToXml } from '../../simulator/rrd/xport-writer';
import type { BenchFigures } from './index';

const ROUNDS = 15;
const VMS = 100;
const SOURCES = 20;
const NOW = 1_750_000_003;

function entities(): RrdEntity[] {
  const out: RrdEntity[] = [];
  for (let v = 0; v < VMS; v++) {
    const names = Array.from({ length: SOURCES }, (_, i) => (i < 4 ? `cpu${i}` : i < 8 ? ['memory', 'memory_target', 'memory_internal_free', 'vif_0_rx'][i - 4] : `vbd_xvd${String.fromCharCode(97 + (i % 4))}_src${i}`));
    out.push({
      prefix: `vm:00000000-0000-4000-8000-${String(v).padStart(12, '0')}:`,
      names,
      averageRow: (_level, slot) =>
        Float64Array.from(names, (_, i) => ((slot + v + i) % 97 === 0 ? NaN : i < 4 ? ((slot * 7 + v * 13 + i) % 100) / 137 : ((slot * 31 + v * 17 + i) % 1000) * 12345.678)),
    });
  }
  return out;
}

function best(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function rrdParseBench(): Promise<BenchFigures> {
  const updates = exportEntities(entities(), NOW, NOW - 3600, 60, 'AVERAGE');
  const xml = updatesToXml(updates);
  const json = updatesToJson(updates);
  const times = { xml: Infinity, json: Infinity, floor: Infinity };
  let check = 0;
  for (let r = 0; r < ROUNDS; r++) {
    times.xml = Math.min(times.xml, best(() => (check += parseRrdUpdates(xml).values.length)));
    times.json = Math.min(times.json, best(() => (check += parseRrdUpdates(json).values.length)));
    times.floor = Math.min(times.floor, best(() => (check += (JSON.parse(json) as { data: unknown[] }).data.length)));
  }
  if (check === 0) throw new Error('nothing parsed');
  return {
    rows: { value: updates.times.length, unit: 'rows' },
    columns: { value: updates.legend.length, unit: 'columns' },
    xml_bytes: { value: xml.length, unit: 'B' },
    json_bytes: { value: json.length, unit: 'B' },
    xml_parse_ms: { value: times.xml, unit: 'ms' },
    json_parse_ms: { value: times.json, unit: 'ms' },
    json_parse_floor_ms: { value: times.floor, unit: 'ms' },
    json_ratio_vs_floor: { value: times.json / times.floor, unit: 'x' },
    xml_ratio_vs_json_floor: { value: times.xml / times.floor, unit: 'x' },
  };
}
