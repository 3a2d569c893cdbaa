import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkJson, JsonSyntaxError, readRecordMapReply } from './raw-json';
import { decodeJsonRpcRecordMapResponse } from './json-rpc';
import { RawRecord } from '../raw-record';
import { XapiError } from '../xapi-error';

const outcome = (run: () => unknown): 'ok' | 'error' => {
  try {
    run();
    return 'ok';
  } catch {
    return 'error';
  }
};

// Any string, lone surrogates and control characters included (JSON.stringify escapes what it must).
const anyString = fc.string({ unit: 'binary', maxLength: 20 });
const json = fc.jsonValue({ maxDepth: 4 });
// Records as xapi writes them and deeper or odder ones the fast path leaves to the token loop.
const record = fc.dictionary(anyString, json, { maxKeys: 6 }).map((d) => ({ ...d }));
const recordMap = fc.dictionary(anyString, record, { maxKeys: 5 }).map((d) => ({ ...d }));
const layout = fc.constantFrom<(v: unknown) => string>((v) => JSON.stringify(v), (v) => JSON.stringify(v, null, 2), (v) => ` ${JSON.stringify(v, null, '\t')}\r\n`);

// Edits of valid text into (mostly) invalid text, made of the characters that decide JSON syntax.
const edit = fc.record({
  at: fc.nat(),
  drop: fc.nat({ max: 3 }),
  insert: fc.array(fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'u', '0', '-', '.', 'e', 't', 'n', ' ', '\n', '\u0001', '\u001f', 'x'), { maxLength: 3 }).map((cs) => cs.join('')),
});
const applyEdit = (text: string, e: { at: number; drop: number; insert: string }) => {
  const at = e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(at + e.drop);
};

describe('raw JSON scanner', () => {
  it('accepts every JSON document, however it is laid out', () => {
    fc.assert(fc.property(json, layout, (value, write) => {
      expect(() => checkJson(write(value))).not.toThrow();
    }));
  });

  it('rejects exactly what JSON.parse rejects', () => {
    fc.assert(fc.property(json, layout, edit, (value, write, e) => {
      const text = applyEdit(write(value), e);
      expect(outcome(() => checkJson(text))).toBe(outcome(() => JSON.parse(text)));
    }), { numRuns: 2000 });
  });

  it('names the position of a syntax error', () => {
    expect(() => checkJson('{"a":tru}')).toThrow(new JsonSyntaxError('expected a value at position 5'));
    expect(() => checkJson('{"a":"b\u0001"}')).toThrow(JsonSyntaxError);
    expect(() => checkJson('{"a":"\\x"}')).toThrow(/bad escape at position 6/);
    expect(() => checkJson('{"a":1')).toThrow(/at the end/);
  });
});

describe('record map replies', () => {
  it('keeps each record as text that parses to what JSON.parse reads from the reply', () => {
    fc.assert(fc.property(recordMap, layout, (map, write) => {
      const text = write({ jsonrpc: '2.0', result: map, id: 7 });
      const reply = readRecordMapReply(text);
      const expected = JSON.parse(text) as { result: Record<string, unknown> };
      expect(reply.id).toBe(7);
      const records = reply.result as Record<string, RawRecord>;
      expect(Object.keys(records)).toEqual(Object.keys(expected.result));
      for (const ref of Object.keys(records)) {
        expect(records[ref]).toBeInstanceOf(RawRecord);
        expect(JSON.parse(records[ref].json)).toEqual(expected.result[ref]);
      }
    }));
  });

  it('fails on exactly the replies JSON.parse fails on', () => {
    fc.assert(fc.property(recordMap, layout, edit, (map, write, e) => {
      const text = applyEdit(write({ jsonrpc: '2.0', result: map, id: 1 }), e);
      expect(outcome(() => readRecordMapReply(text))).toBe(outcome(() => JSON.parse(text)));
    }), { numRuns: 2000 });
  });

  it('decodes a result that is not a map of records as usual', () => {
    expect(readRecordMapReply('{"result":{"a":{"x":1},"b":2},"id":1}').result).toEqual({ a: { x: 1 }, b: 2 });
    expect(readRecordMapReply('{"result":[1,2],"id":1}').result).toEqual([1, 2]);
    expect(readRecordMapReply('{"result":{},"id":1}').result).toEqual({});
  });

  it('keeps a "__proto__" ref as a member, as JSON.parse does', () => {
    const records = readRecordMapReply('{"result":{"__proto__":{"a":1}}}').result as Record<string, RawRecord>;
    expect(Object.keys(records)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(records)).toBe(Object.prototype);
  });

  it("gives XAPI's error, or MALFORMED_REPLY, as the JSON-RPC codec does", () => {
    const failure = '{"jsonrpc":"2.0","error":{"code":1,"message":"SESSION_INVALID","data":["OpaqueRef:s"]},"id":3}';
    expect(() => decodeJsonRpcRecordMapResponse(failure, 'VM.get_all_records')).toThrow(expect.objectContaining({ code: 'SESSION_INVALID', params: ['OpaqueRef:s'] }));
    const truncated = '{"jsonrpc":"2.0","result":{"OpaqueRef:1":{"name_label":"web';
    const err = (() => {
      try {
        decodeJsonRpcRecordMapResponse(truncated, 'VM.get_all_records');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(XapiError);
    expect(err).toMatchObject({ code: 'MALFORMED_REPLY', method: 'VM.get_all_records' });
  });
});
