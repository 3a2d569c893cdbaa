import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RawRecord, recordValue, stringifyWithRawRecords } from './raw-record';
import { ObjectCache } from './object-cache';
import { emptyChangeSet } from './change-set';

const record = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).map((d) => ({ ...d }));

describe('stringifyWithRawRecords', () => {
  it('writes the same JSON as the decoded records would give, with each text spliced in as it is', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(record, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 6 }), fc.boolean(), (values, raw) => {
      const asRaw = (v: unknown) => (raw && typeof v === 'object' && v !== null && !Array.isArray(v) ? new RawRecord(JSON.stringify(v, null, 1)) : v);
      const batch = { connectionId: 'c', added: { VM: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, asRaw(v)])) } };
      const text = stringifyWithRawRecords(batch);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify({ connectionId: 'c', added: { VM: values } })));
      for (const v of Object.values(batch.added.VM)) if (v instanceof RawRecord) expect(text).toContain(v.json);
    }));
  });

  it('is not fooled by strings that look like its placeholders', () => {
    const lookalike = '\u0001raw0:0';
    const value = { a: new RawRecord('{"x":1}'), b: lookalike, c: { [lookalike]: lookalike } };
    expect(JSON.parse(stringifyWithRawRecords(value))).toEqual({ a: { x: 1 }, b: lookalike, c: { [lookalike]: lookalike } });
  });

  it('leaves plain JSON.stringify decoding a RawRecord (never its wrapper)', () => {
    expect(JSON.stringify({ r: new RawRecord('{"name_label":"web-01"}') })).toBe('{"r":{"name_label":"web-01"}}');
    expect(recordValue(new RawRecord('{"a":[1]}'))).toEqual({ a: [1] });
  });
});

describe('the mirror with records kept as text', () => {
  const vm = (name: string, memory = 1) => new RawRecord(JSON.stringify({ name_label: name, memory_target: memory }));

  it('reads a record decoded, and the same object every time after', () => {
    const cache = new ObjectCache();
    cache.replaceClass('VM', { 'OpaqueRef:1': vm('web-01') }, emptyChangeSet());
    const first = cache.get('VM', 'OpaqueRef:1');
    expect(first).toEqual({ name_label: 'web-01', memory_target: 1 });
    expect(cache.get('VM', 'OpaqueRef:1')).toBe(first);
    expect([...cache.records('VM').values()]).toEqual([first]);
  });

  it('tells a resync exactly what changed, whether the records it holds were read or not', () => {
    const cache = new ObjectCache();
    cache.replaceClass('VM', { a: vm('a'), b: vm('b'), c: vm('c'), d: vm('d') }, emptyChangeSet());
    cache.get('VM', 'b'); // decoded since
    const changes = emptyChangeSet();
    // a: same text; b: same value as the decoded record; c: new memory; d: gone; e: new. Key order differs in b.
    cache.replaceClass('VM', {
      a: vm('a'),
      b: new RawRecord('{"memory_target":1,"name_label":"b"}'),
      c: vm('c', 2),
      e: vm('e'),
    }, changes);
    expect(Object.keys(changes.added.VM)).toEqual(['e']);
    expect(Object.keys(changes.modified.VM)).toEqual(['c']);
    expect(changes.removed.VM).toEqual(['d']);
    expect(cache.get('VM', 'c')).toEqual({ name_label: 'c', memory_target: 2 });
  });
});
