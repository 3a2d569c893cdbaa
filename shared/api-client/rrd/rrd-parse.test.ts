/**
 * The rrd_updates parser on what servers really send: xapi's XML and JSON (as our simulator writes them, byte
 * for byte like xapi), the bare numbers and bare NaN of older hosts, and real `rrdtool xport` output (checked-in
 * fixtures, and freshly made ones when rrdtool is installed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRrdFloat, updatesToJson, updatesToXml, type JsonValueStyle } from '../../../simulator/rrd/xport-writer';
import type { RrdUpdates } from '../../../simulator/rrd/rrd-export';
import { parseLegendEntry, parseRrdJson, parseRrdUpdates, parseRrdXml, RrdParseError, type RrdData } from './rrd-parse';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const VM = '11111111-2222-3333-4444-555555555555';

function sample(): RrdUpdates {
  return {
    start: 1700000105, step: 5, end: 1700000115,
    legend: [`AVERAGE:host:${VM}:cpu0`, `AVERAGE:vm:${VM}:memory`],
    times: [1700000115, 1700000110, 1700000105],
    columns: [Float64Array.from([0.5, NaN, 0.25]), Float64Array.from([2048, Infinity, 1e9])],
  };
}

function expectSample(d: RrdData): void {
  expect(Array.from(d.times)).toEqual([1700000105, 1700000110, 1700000115]);
  expect(Array.from(d.values[0])).toEqual([0.25, NaN, 0.5]);
  expect(Array.from(d.values[1])).toEqual([1e9, NaN, 2048]);
  expect(d.step).toBe(5);
  expect(d.columns[1]).toEqual({ cf: 'AVERAGE', owner: 'vm', uuid: VM, name: 'memory', legend: `AVERAGE:vm:${VM}:memory` });
}

describe('xapi replies', () => {
  it('reads xapi XML, turns rows oldest first and NaN/Infinity into gaps', () => {
    expectSample(parseRrdUpdates(updatesToXml(sample())));
  });
  it('reads the three JSON spellings: strings, bare numbers, bare NaN of older hosts', () => {
    for (const style of ['string', 'number', 'bare'] as JsonValueStyle[]) expectSample(parseRrdUpdates(updatesToJson(sample(), style)));
  });
  it('reads the JavaScript-like JSON of very old hosts (unquoted keys)', () => {
    const old = `{meta: {start: 1700000105, step: 5, end: 1700000115, rows: 3, columns: 2, legend: ['AVERAGE:host:${VM}:cpu0', 'AVERAGE:vm:${VM}:memory']},
      data: [{t: 1700000115, values: [0.5, 2048]}, {t: 1700000110, values: [NaN, Infinity]}, {t: 1700000105, values: [0.25, 1e9]}]}`;
    expectSample(parseRrdJson(old));
  });
  it('accepts bytes as well as text, and an empty data set', () => {
    const u = { ...sample(), times: [], columns: sample().columns.map(() => new Float64Array(0)) };
    const d = parseRrdUpdates(new TextEncoder().encode(updatesToXml(u)));
    expect(d.times.length).toBe(0);
    expect(d.values.length).toBe(2);
  });
  it('splits legend entries, keeping odd ones whole', () => {
    expect(parseLegendEntry('MAX:host:abc:pif_eth0_rx')).toMatchObject({ cf: 'MAX', owner: 'host', uuid: 'abc', name: 'pif_eth0_rx' });
    expect(parseLegendEntry('cpu0')).toMatchObject({ cf: '', name: 'cpu0' });
  });
});

/** The fixture RRD: update i (t = 1700000000 + 5i) had cpu0 = 0.(i mod 9 + 1)25 and memory 1000000 + 1000i, unknown for i in 20..24. */
function expectRrdtoolFixture(d: RrdData): void {
  expect(d.times.length).toBe(36);
  expect(d.times[0]).toBe(1700000025);
  for (let r = 0; r < d.times.length; r++) {
    const i = (d.times[r] - 1700000000) / 5;
    if (r > 0) expect(d.times[r] - d.times[r - 1]).toBe(5);
    if (i >= 20 && i <= 24) {
      expect(d.values[0][r]).toBeNaN();
      expect(d.values[1][r]).toBeNaN();
    } else {
      expect(d.values[0][r]).toBeCloseTo(Number(`0.${(i % 9) + 1}25`), 10);
      expect(d.values[1][r]).toBe(1000000 + 1000 * i);
    }
  }
  expect(d.columns.map((c) => c.name)).toEqual(['cpu0', 'memory']);
  expect(d.columns[0].uuid).toBe(VM);
}

function checkRrdtoolOutputs(dir: string): void {
  expectRrdtoolFixture(parseRrdUpdates(readFileSync(join(dir, 'rrdtool-xport-showtime.xml'), 'utf8')));
  expectRrdtoolFixture(parseRrdUpdates(readFileSync(join(dir, 'rrdtool-xport.xml'), 'utf8')));
  expectRrdtoolFixture(parseRrdUpdates(readFileSync(join(dir, 'rrdtool-xport-showtime.json'), 'utf8')));
}

function hasRrdtool(): boolean {
  try {
    execFileSync('rrdtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // rrdtool --version exits 0 on 1.7; an ENOENT means it is not installed.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

describe('real rrdtool xport output', () => {
  it('reads the checked-in rrdtool 1.7.2 output (pretty-printed, oldest first, with and without <t>, and --json)', () => {
    checkRrdtoolOutputs(fixtures);
  });
  it.runIf(hasRrdtool())('reads what the installed rrdtool writes now', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xendeck-rrdtool-'));
    try {
      execFileSync('sh', [join(fixtures, 'make-fixtures.sh'), dir], { stdio: 'ignore' });
      checkRrdtoolOutputs(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('properties', () => {
  const finiteOrSpecial = fc.oneof(fc.double({ noNaN: false }), fc.constant(0), fc.double({ min: -1e12, max: 1e12, noNaN: true }));
  const updates = fc.integer({ min: 0, max: 6 }).chain((ncol) =>
    fc.record({
      rows: fc.array(fc.array(finiteOrSpecial, { minLength: ncol, maxLength: ncol }), { maxLength: 8 }),
      names: fc.array(fc.stringMatching(/^[a-z_0-9<&>]{1,12}$/), { minLength: ncol, maxLength: ncol }),
    }),
  );

  it('every value survives the trip through xapi XML and JSON as xapi spells it (5 significant digits, specials as gaps)', () => {
    fc.assert(
      fc.property(updates, fc.constantFrom<JsonValueStyle>('string', 'number', 'bare'), fc.boolean(), ({ rows, names }, style, xml) => {
        const n = rows.length;
        const u: RrdUpdates = {
          start: 1000, step: 5, end: 1000 + 5 * n,
          legend: names.map((x) => `AVERAGE:vm:${VM}:${x}`),
          times: rows.map((_, i) => 1000 + 5 * (n - i)),
          columns: names.map((_, c) => Float64Array.from(rows, (r) => r[c])),
        };
        const d = parseRrdUpdates(xml ? updatesToXml(u) : updatesToJson(u, style));
        expect(d.columns.map((c) => c.name)).toEqual(names);
        for (let c = 0; c < names.length; c++) {
          for (let r = 0; r < n; r++) {
            const v = rows[n - 1 - r][c];
            const spelled = Number(formatRrdFloat(v)); // near ±1.8e308 rounding to 5 digits overflows: a gap too
            const expected = Number.isFinite(spelled) ? spelled : NaN;
            expect(d.values[c][r]).toBe(expected);
          }
        }
      }),
      { numRuns: 120 },
    );
  });

  it('garbage gives an RrdParseError, never another exception', () => {
    const good = updatesToXml(sample());
    const goodJson = updatesToJson(sample());
    fc.assert(
      fc.property(fc.string(), fc.nat(good.length), fc.nat(goodJson.length), (junk, cut, cutJ) => {
        for (const input of [junk, good.slice(0, cut) + junk, goodJson.slice(0, cutJ) + junk, `<${junk}`, `{${junk}`]) {
          try {
            parseRrdUpdates(input);
          } catch (err) {
            expect(err).toBeInstanceOf(RrdParseError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('errors', () => {
  it('says what is wrong', () => {
    expect(() => parseRrdUpdates('')).toThrow(RrdParseError);
    expect(() => parseRrdXml('<xport><meta><start>1</start></meta><data></data></xport>')).toThrow(/no <step>/);
    expect(() => parseRrdUpdates('{"meta":{"start":1,"step":5,"end":6,"legend":["a"]},"data":[{"t":5,"values":[]}]}')).toThrow(/0 values for 1 columns/);
  });
});
