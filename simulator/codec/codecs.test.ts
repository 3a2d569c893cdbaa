/**
 * Property tests for the server codecs: every type the datamodel uses round-trips through XML-RPC and
 * JSON-RPC (server encoder → wire → server decoder → datamodel typing), and garbage never crashes the
 * decoders: it is a ProtocolError, nothing else.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { XapiType } from '../../shared/xapi/type-tree';
import { classes, enums } from '../model';
import { xapiDateTime } from '../datetime';
import { coerceArgument } from '../rpc/argument-types';
import { xmlValue } from './xmlrpc-encode';
import { decodeXmlRpcCall } from './xmlrpc-decode';
import { decodeJsonRpcCall, jsonValue } from './jsonrpc';
import { ProtocolError } from './protocol-error';

/** Every distinct type written in the datamodel (fields, parameters, results), keyed by its spelling. */
function allModelTypes(): Map<string, XapiType> {
  const out = new Map<string, XapiType>();
  const add = (t: XapiType) => {
    // Event snapshots are typed by the event's class at run time ('<class>'); the contract tests cover them.
    if (t.k === 'void' || /"cls":"event"\}/.test(JSON.stringify(t)) || (t.k === 'record' && !classes.has(t.cls))) return;
    out.set(JSON.stringify(t), t);
  };
  for (const c of classes.values()) {
    c.fields.forEach((f) => add(f.type));
    for (const m of c.messages.values()) {
      m.params.forEach((p) => add(p.type));
      add(m.result);
    }
  }
  return out;
}

// Text XML 1.0 can carry (XAPI strings travel in XML-RPC too); no lone surrogates.
// eslint-disable-next-line no-control-regex
const xmlText = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
const uuid = fc.uuid();

function valueOf(t: XapiType, depth = 0): fc.Arbitrary<unknown> {
  switch (t.k) {
    case 'string': return xmlText;
    case 'ref': return fc.oneof(uuid.map((u) => `OpaqueRef:${u}`), fc.constant('OpaqueRef:NULL'));
    case 'enum': return fc.constantFrom(...(enums[t.name] ?? ['x']));
    case 'int': return fc.maxSafeInteger();
    case 'float': return fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0));
    case 'bool': return fc.boolean();
    case 'datetime': return fc.integer({ min: 0, max: 4102444800000 }).map((ms) => xapiDateTime(Math.floor(ms / 1000) * 1000));
    case 'void': return fc.constant(undefined);
    case 'option': return valueOf(t.of, depth);
    case 'set': return fc.array(valueOf(t.of, depth + 1), { maxLength: depth > 1 ? 1 : 3 });
    case 'map': {
      const key = t.key.k === 'int' ? fc.nat().map(String) : t.key.k === 'enum' || t.key.k === 'ref' ? valueOf(t.key).map(String) : xmlText;
      return fc.dictionary(key, valueOf(t.value, depth + 1), { maxKeys: depth > 1 ? 1 : 3 });
    }
    case 'record': {
      const info = classes.get(t.cls)!;
      // Records nest rarely (event snapshots); a few fields keep runs fast while covering their types.
      const fields = depth > 1 ? info.fields.slice(0, 3) : info.fields;
      return fc.record(Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, depth + 1)])));
    }
  }
}

function viaXml(v: unknown, t: XapiType): unknown {
  const body = `<?xml version="1.0"?><methodCall><methodName>x.y</methodName><params><param>${xmlValue(v, t)}</param></params></methodCall>`;
  return coerceArgument(decodeXmlRpcCall(body).params[0], t, 'value');
}

function viaJson(v: unknown, t: XapiType): unknown {
  const body = `{"jsonrpc":"2.0","method":"x.y","params":[${jsonValue(v, t)}],"id":1}`;
  return coerceArgument(decodeJsonRpcCall(body).params[0], t, 'value');
}

describe('server codecs', () => {
  const types = allModelTypes();

  it('covers the datamodel: every scalar kind and collections of them', () => {
    const kinds = new Set([...types.values()].map((t) => t.k));
    for (const k of ['string', 'int', 'float', 'bool', 'datetime', 'ref', 'enum', 'set', 'map', 'record']) expect(kinds).toContain(k);
  });

  for (const [name, t] of types) {
    it(`round-trips ${name.length > 80 ? name.slice(0, 80) + '…' : name} through XML-RPC and JSON-RPC`, () => {
      fc.assert(
        fc.property(valueOf(t), (v) => {
          expect(viaXml(v, t)).toEqual(v);
          expect(viaJson(v, t)).toEqual(v);
        }),
        { numRuns: t.k === 'record' ? 5 : 25 },
      );
    });
  }

  it('sends int64 as a string of digits in XML-RPC and accepts strings back', () => {
    expect(xmlValue(8589934592, { k: 'int' })).toBe('<value>8589934592</value>');
    expect(coerceArgument('8589934592', { k: 'int' }, 'x')).toBe(8589934592);
  });

  it('answers any garbage with a ProtocolError from the XML-RPC decoder, never another exception', () => {
    const valid = '<?xml version="1.0"?><methodCall><methodName>VM.get_all</methodName><params><param><value>OpaqueRef:1</value></param></params></methodCall>';
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 30 }), fc.string({ maxLength: 10 })).map(([at, cut, ins]) => valid.slice(0, at) + ins + valid.slice(at + cut)),
      fc.nat({ max: 200 }).map((n) => '<methodCall>' + '<value><array><data>'.repeat(n)),
    );
    fc.assert(
      fc.property(garbage, (body) => {
        try {
          const call = decodeXmlRpcCall(body);
          expect(typeof call.method).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('answers any garbage with a ProtocolError from the JSON-RPC decoder, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json()), (body) => {
        try {
          const call = decodeJsonRpcCall(body);
          expect(Array.isArray(call.params)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
