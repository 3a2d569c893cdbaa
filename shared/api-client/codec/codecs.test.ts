import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeXapiXmlRpcResponse, decodeTaskResult } from './xapi-envelope';
import { encodeXapiXmlRpcResponse, encodeXmlRpcCall, encodeValue } from './xml-rpc-encode';
import { XmlRpcDecoder, decodeXmlRpc } from './xml-rpc-decode';
import { decodeJsonRpcResponse, encodeJsonRpcResponse, encodeJsonRpcRequest, decodeJsonRpcRequest } from './json-rpc';
import { restoreNumbers } from './restore-numbers';
import { XapiError } from '../xapi-error';

// Characters XML 1.0 can carry (no C0 controls but tab/newline/CR, no lone surrogates, no U+FFFE/F).
// eslint-disable-next-line no-control-regex -- the control characters are exactly what this filter removes
const xmlString = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s));
const nonIntegralDouble = fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n));
// Values as XAPI sends them over XML-RPC (ints are strings on this wire, so they are not separate here).
const xapiValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, xmlString, fc.boolean(), nonIntegralDouble, tie('array'), tie('struct')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  struct: fc.dictionary(xmlString, tie('value'), { maxKeys: 5 }).map((d) => ({ ...d })),
})).value;
const errorCode = fc.stringMatching(/^[A-Z][A-Z_]{0,30}$/);

describe('XML-RPC codec', () => {
  it('gives back any XAPI value it encoded, whatever it contains', () => {
    fc.assert(fc.property(xapiValue, (value) => {
      expect(decodeXapiXmlRpcResponse(encodeXapiXmlRpcResponse({ result: value }), 'm')).toEqual(value);
    }));
  });

  it('decodes the same value whichever way the bytes are cut into chunks', () => {
    fc.assert(fc.property(xapiValue, fc.array(fc.nat(), { maxLength: 8 }), (value, cuts) => {
      const text = encodeXapiXmlRpcResponse({ result: value });
      const decoder = new XmlRpcDecoder('m');
      let last = 0;
      for (const cut of [...cuts.map((c) => c % (text.length + 1))].sort((a, b) => a - b)) {
        decoder.write(text.slice(last, cut));
        last = cut;
      }
      decoder.write(text.slice(last));
      expect(decoder.end().params[0]).toEqual({ Status: 'Success', Value: value });
    }));
  });

  it('turns a XAPI failure into an XapiError with its code and parameters', () => {
    fc.assert(fc.property(errorCode, fc.array(xmlString, { maxLength: 4 }), (code, params) => {
      const body = encodeXapiXmlRpcResponse({ error: { code, params } });
      const err = catchError(() => decodeXapiXmlRpcResponse(body, 'VM.start'));
      expect(err).toBeInstanceOf(XapiError);
      expect(err).toMatchObject({ code, params, method: 'VM.start' });
    }));
  });

  it('answers garbage with a typed error, never a crash', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (garbage) => {
      const err = catchError(() => decodeXapiXmlRpcResponse(garbage, 'm'));
      if (err) expect(err).toBeInstanceOf(XapiError);
    }));
  });

  it('answers a truncated reply with MALFORMED_REPLY', () => {
    fc.assert(fc.property(xapiValue, fc.nat(), (value, at) => {
      const text = encodeXapiXmlRpcResponse({ result: value });
      const cut = at % text.length; // strictly shorter than the document
      const err = catchError(() => decodeXapiXmlRpcResponse(text.slice(0, cut), 'm'));
      expect(err).toBeInstanceOf(XapiError);
      expect((err as XapiError).code).toBe('MALFORMED_REPLY');
    }));
  });

  it('sends int64 as strings and floats as doubles, following the datamodel for integral floats', () => {
    const body = encodeXmlRpcCall('event.from', ['OpaqueRef:s', ['vm'], '', 30], [3]);
    expect(body).toContain('<param><value><double>30</double></value></param>');
    expect(encodeValue(4294967296)).toBe('<value>4294967296</value>');
    expect(encodeValue(0.5)).toBe('<value><double>0.5</double></value>');
    expect(encodeValue(true)).toBe('<value><boolean>1</boolean></value>');
  });

  it('reads what real servers send: typed scalars, bare strings, entities, comments, CDATA, self-closing values', () => {
    const doc = `<?xml version="1.0"?>
      <methodResponse><params><param><value><struct>
        <member><name>Status</name><value>Success</value></member>
        <member><name>Value</name><value><struct>
          <member><name>a</name><value><i4>-7</i4></value></member>
          <member><name>b</name><value><boolean>0</boolean></value></member>
          <member><name>c</name><value><double>nan</double></value></member>
          <member><name>d</name><value>x &lt;&amp;&gt; &#233;&#x263A;</value></member>
          <member><name>e</name><value/></member>
          <member><name>f</name><value><array><data/></array></value></member>
          <member><name>g</name><value><string><![CDATA[<raw>]]></string></value></member>
          <!-- a comment > with a bracket -->
          <member><name>h</name><value><dateTime.iso8601>20240102T03:04:05Z</dateTime.iso8601></value></member>
        </struct></value></member>
      </struct></value></param></params></methodResponse>`;
    expect(decodeXapiXmlRpcResponse(doc, 'm')).toEqual({ a: -7, b: false, c: NaN, d: 'x <&> é☺', e: '', f: [], g: '<raw>', h: '20240102T03:04:05Z' });
  });

  it('decodes calls too (both directions)', () => {
    const message = decodeXmlRpc(encodeXmlRpcCall('VM.start', ['OpaqueRef:s', 'OpaqueRef:v', false, true]));
    expect(message).toEqual({ methodName: 'VM.start', params: ['OpaqueRef:s', 'OpaqueRef:v', false, true] });
  });

  it('decodes task results, which are XML-RPC value fragments', () => {
    expect(decodeTaskResult('<value>OpaqueRef:abc</value>')).toBe('OpaqueRef:abc');
    expect(decodeTaskResult('')).toBeUndefined();
  });

  it('restores numbers of XML-RPC records from the datamodel', () => {
    const record: Record<string, unknown> = { memory_static_max: '4294967296', VCPUs_max: '2', name_label: '42' };
    restoreNumbers('VM', record);
    expect(record).toEqual({ memory_static_max: 4294967296, VCPUs_max: 2, name_label: '42' });
  });
});

describe('JSON-RPC codec', () => {
  const jsonValue = fc.jsonValue();
  it('gives back any result it encoded', () => {
    fc.assert(fc.property(jsonValue, fc.integer(), (value, id) => {
      expect(decodeJsonRpcResponse(encodeJsonRpcResponse(id, { result: value }), 'm')).toEqual(JSON.parse(JSON.stringify(value)));
    }));
  });

  it('turns a XAPI failure into an XapiError (2.0 error object and 1.0 description list)', () => {
    fc.assert(fc.property(errorCode, fc.array(fc.string(), { maxLength: 4 }), (code, params) => {
      expect(catchError(() => decodeJsonRpcResponse(encodeJsonRpcResponse(1, { error: { code, params } }), 'm'))).toMatchObject({ code, params });
      expect(catchError(() => decodeJsonRpcResponse(JSON.stringify({ result: null, error: [code, ...params], id: 1 }), 'm'))).toMatchObject({ code, params });
    }));
  });

  it('round-trips requests', () => {
    fc.assert(fc.property(fc.array(jsonValue, { maxLength: 4 }), (params) => {
      expect(decodeJsonRpcRequest(encodeJsonRpcRequest('VM.get_all', params, 3))).toEqual({ method: 'VM.get_all', params: JSON.parse(JSON.stringify(params)), id: 3 });
    }));
  });

  it('answers garbage with MALFORMED_REPLY', () => {
    fc.assert(fc.property(fc.string(), (garbage) => {
      const err = catchError(() => decodeJsonRpcResponse(garbage, 'm'));
      if (err) expect(err).toBeInstanceOf(XapiError);
    }));
    expect(catchError(() => decodeJsonRpcResponse('{"jsonrpc":"2.0","res', 'm'))).toMatchObject({ code: 'MALFORMED_REPLY' });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}
