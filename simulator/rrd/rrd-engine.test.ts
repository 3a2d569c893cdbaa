/**
 * The RRD engine without a server: archive choice and row times as xapi-rrd computes them, consolidation that
 * adds up, the daily rhythm, and the exact spelling of values.
 */
import { describe, expect, it } from 'vitest';
import { ARCHIVE_LEVELS, chooseArchive, rowWindow } from './archives';
import { activityAverage, makeProfile, seedOf } from './signal';
import { exportEntities, type RrdEntity } from './rrd-export';
import { formatRrdFloat, updatesToJson, updatesToXml } from './xport-writer';

const NOW = 1_750_000_003; // a few seconds after a 5 s boundary

describe('archive choice (xapi-rrd find_best_rras)', () => {
  it('serves the 5-second archive for the last ten minutes', () => {
    expect(chooseArchive(NOW, NOW - 600, 5)?.archive.step).toBe(5);
  });
  it('falls back to a coarser archive when start is older than the finer one holds', () => {
    expect(chooseArchive(NOW, NOW - 3600, 5)?.archive.step).toBe(60);
    expect(chooseArchive(NOW, NOW - 86400, 5)?.archive.step).toBe(3600);
    expect(chooseArchive(NOW, NOW - 30 * 86400, 5)?.archive.step).toBe(86400);
    expect(chooseArchive(NOW, 0, 0)?.archive.step).toBe(86400);
  });
  it('honours a coarser interval even when a finer archive holds start', () => {
    expect(chooseArchive(NOW, NOW - 300, 3600)?.archive.step).toBe(3600);
  });
  it('serves MIN and MAX only from the minute archive up, and every function when cf is absent', () => {
    expect(chooseArchive(NOW, NOW - 300, 5, 'MAX')?.archive.step).toBe(60);
    expect(chooseArchive(NOW, NOW - 7200, 60)?.cfs).toEqual(['AVERAGE', 'MIN', 'MAX']);
    expect(chooseArchive(NOW, NOW - 300, 5)?.cfs).toEqual(['AVERAGE']);
  });
  it('lists rows newest first, at step boundaries, no older than start, at most the archive length', () => {
    const w = rowWindow(ARCHIVE_LEVELS[0], NOW, NOW - 60);
    expect(w.times[0]).toBe(1_750_000_000);
    expect(w.times.every((t, i) => t % 5 === 0 && (i === 0 || w.times[i - 1] - t === 5) && t >= NOW - 60)).toBe(true);
    expect(w.times.length).toBe(12);
    expect(w.metaEnd).toBe(w.times[0]);
    expect(rowWindow(ARCHIVE_LEVELS[3], NOW, 0).times.length).toBe(366);
  });
});

describe('consolidation', () => {
  const p = makeProfile(seedOf('vm-under-test'), 0.3);
  const slot5 = Math.floor(NOW / 5) - 2000;
  const minute = Math.floor(slot5 / 12);

  it('a minute row is the average of its twelve 5-second rows', () => {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += activityAverage(p, 0, minute * 12 + i);
    expect(activityAverage(p, 1, minute)).toBeCloseTo(sum / 12, 10);
  });
  it('an hour row is the average of its sixty minute rows, a day of its twenty-four hours', () => {
    const hour = Math.floor(minute / 60);
    let sum = 0;
    for (let i = 0; i < 60; i++) sum += activityAverage(p, 1, hour * 60 + i);
    expect(activityAverage(p, 2, hour)).toBeCloseTo(sum / 60, 10);
    const day = Math.floor(hour / 24) - 3;
    sum = 0;
    for (let i = 0; i < 24; i++) sum += activityAverage(p, 2, day * 24 + i);
    expect(activityAverage(p, 3, day)).toBeCloseTo(sum / 24, 10);
  });
  it('stays within (0, 1) so CPU fractions never clamp', () => {
    for (let s = 0; s < 5000; s++) {
      const v = activityAverage(p, 0, slot5 - s * 7);
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
  });
  it('has a daily rhythm: hours a day apart look alike more than hours half a day apart', () => {
    const hour0 = Math.floor(NOW / 3600) - 168;
    const series = Array.from({ length: 168 }, (_, i) => activityAverage(p, 2, hour0 + i));
    const meanAbsDiff = (lag: number) => {
      let d = 0;
      for (let i = lag; i < series.length; i++) d += Math.abs(series[i] - series[i - lag]);
      return d / (series.length - lag);
    };
    expect(meanAbsDiff(24)).toBeLessThan(meanAbsDiff(12) * 0.6);
  });
});

describe('encoding as xapi writes it', () => {
  it('spells values with C printf %0.5g and xapi special cases', () => {
    expect(formatRrdFloat(0.0123456)).toBe('0.012346');
    expect(formatRrdFloat(1234567)).toBe('1.2346e+06');
    expect(formatRrdFloat(12345.6)).toBe('12346');
    expect(formatRrdFloat(0.0001)).toBe('0.0001');
    expect(formatRrdFloat(0.00001234)).toBe('1.234e-05');
    expect(formatRrdFloat(100)).toBe('100');
    expect(formatRrdFloat(-2.5)).toBe('-2.5');
    expect(formatRrdFloat(99999.9)).toBe('1e+05');
    expect(formatRrdFloat(0)).toBe('0.0');
    expect(formatRrdFloat(NaN)).toBe('NaN');
    expect(formatRrdFloat(Infinity)).toBe('Infinity');
    expect(formatRrdFloat(-Infinity)).toBe('-Infinity');
  });

  const entity: RrdEntity = {
    prefix: 'host:0f9d4b46-b0d7-4c4e-9c5f-1a2b3c4d5e6f:',
    names: ['cpu0', 'memory_free_kib'],
    averageRow: (level, slot) => Float64Array.from([slot % 2 ? NaN : 0.25, 1024 * (level + 1)]),
  };
  const u = exportEntities([entity], NOW, NOW - 30, 5, 'AVERAGE');

  it('writes rrdtool xport XML, newest row first', () => {
    const xml = updatesToXml(u);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><xport><meta><start>')).toBe(true);
    expect(xml).toContain('<step>5</step><end>1750000000</end><rows>6</rows><columns>2</columns>');
    expect(xml).toContain('<legend><entry>AVERAGE:host:0f9d4b46-b0d7-4c4e-9c5f-1a2b3c4d5e6f:cpu0</entry>');
    expect(xml).toMatch(/<data><row><t>1750000000<\/t><v>(NaN|0\.25)<\/v><v>1024<\/v><\/row><row><t>1749999995<\/t>/);
  });
  it('writes JSON with every value as a string', () => {
    const j = JSON.parse(updatesToJson(u)) as { meta: { rows: number; step: number; legend: string[] }; data: { t: number; values: string[] }[] };
    expect(j.meta.rows).toBe(6);
    expect(j.meta.step).toBe(5);
    expect(j.data[0].t).toBeGreaterThan(j.data[1].t);
    expect(j.data.flatMap((d) => d.values).every((v) => typeof v === 'string')).toBe(true);
    expect(j.data.flatMap((d) => d.values)).toContain('NaN');
  });
  it('can write the bare NaN of older hosts (not valid JSON)', () => {
    expect(() => JSON.parse(updatesToJson(u, 'bare'))).toThrow();
  });
});
