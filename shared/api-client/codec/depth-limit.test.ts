/**
 * Values nested deeper than any XAPI server sends are refused by the codecs with MALFORMED_REPLY naming
 * the limit (never a stack overflow later), and the walks that serialise, compare or measure values
 * do not recurse, so even a deep value that got past would not throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeJsonRpcRecordMapResponse, decodeJsonRpcResponse } from './json-rpc';
import { decodeXapiXmlRpcResponse, decodeTaskResult } from './xapi-envelope';
import { MAX_VALUE_DEPTH } from './depth-limit';
import { RawRecord, stringifyIteratively, stringifyWithRawRecords } from '../raw-record';
import { sameValue } from '../object-cache';

const HOSTILE_DEPTH = 100_000;
const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepXml = (depth: number) => '<value><array><data>'.repeat(depth) + '</data></array></value>'.repeat(depth);
const xmlReply = (value: string) => `<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>${value}</member></struct></value></param></params></methodResponse>`;
/** A decoded value nested `depth` arrays deep, built without recursion. */
const deepValue = (depth: number) => {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
};

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
};

describe('values nested too deep', () => {
  it('are refused in a JSON-RPC reply, naming the limit', () => {
    const err = refusal(() => decodeJsonRpcResponse(`{"jsonrpc":"2.0","result":${deepJson(HOSTILE_DEPTH)},"id":1}`, 'event.from'));
    expect(err).toMatchObject({ code: 'MALFORMED_REPLY', params: ['event.from', `values nested deeper than ${MAX_VALUE_DEPTH} levels`], method: 'event.from' });
  });

  it('are refused in a record map kept as text', () => {
    const err = refusal(() => decodeJsonRpcRecordMapResponse(`{"jsonrpc":"2.0","result":{"OpaqueRef:1":{"tags":${deepJson(HOSTILE_DEPTH)}}},"id":1}`, 'VM.get_all_records'));
    expect(err).toMatchObject({ code: 'MALFORMED_REPLY', params: ['VM.get_all_records', `values nested deeper than ${MAX_VALUE_DEPTH} levels`] });
  });

  it('are refused in an XML-RPC reply and in a task result', () => {
    expect(refusal(() => decodeXapiXmlRpcResponse(xmlReply(deepXml(HOSTILE_DEPTH)), 'VM.get_record'))).toMatchObject({ code: 'MALFORMED_REPLY', params: ['VM.get_record', `values nested deeper than ${MAX_VALUE_DEPTH} levels`] });
    expect(refusal(() => decodeTaskResult(deepXml(HOSTILE_DEPTH), 'VM.import'))).toMatchObject({ code: 'MALFORMED_REPLY' });
  });

  it('pass up to the limit, over both protocols', () => {
    // The XML-RPC envelope struct and the JSON-RPC envelope object are one level each.
    expect(decodeJsonRpcResponse(`{"result":${deepJson(MAX_VALUE_DEPTH - 1)}}`, 'm')).toEqual(deepValue(MAX_VALUE_DEPTH - 1));
    expect(decodeXapiXmlRpcResponse(xmlReply(deepXml(MAX_VALUE_DEPTH - 1)), 'm')).toEqual(deepValue(MAX_VALUE_DEPTH - 1));
    expect(() => decodeJsonRpcResponse(`{"result":${deepJson(MAX_VALUE_DEPTH)}}`, 'm')).toThrow(/nested deeper/);
    expect(() => decodeXapiXmlRpcResponse(xmlReply(deepXml(MAX_VALUE_DEPTH)), 'm')).toThrow(/nested deeper/);
  });
});

describe('walks of server values', () => {
  const deep = { batch: [new RawRecord('{"a":1}'), deepValue(HOSTILE_DEPTH)] };

  it('serialise a value of any depth (the same text JSON.stringify gives where it can)', () => {
    const text = stringifyWithRawRecords(deep);
    expect(text.startsWith('{"batch":[{"a":1},[[[')).toBe(true);
    expect(text.length).toBe('{"batch":[{"a":1},'.length + 2 * HOSTILE_DEPTH + 2);
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom(undefined, () => 1, new Date(0), NaN), (value, odd) => {
      const mixed = { value, odd, list: [odd, value] };
      expect(stringifyIteratively(mixed)).toBe(JSON.stringify(mixed));
    }));
  });

  it('compare a value of any depth', () => {
    expect(sameValue(deepValue(HOSTILE_DEPTH), deepValue(HOSTILE_DEPTH))).toBe(true);
    expect(sameValue(deepValue(HOSTILE_DEPTH), deepValue(HOSTILE_DEPTH - 1))).toBe(false);
  });
});
