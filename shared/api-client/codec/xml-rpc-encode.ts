/**
 * XML-RPC encoder, both directions (calls for the client, responses for tests and fakes).
 *
 * XAPI conventions (PROTOCOL.md "Types"): int64 travels as a decimal *string*; float as <double>;
 * bool as <boolean>1</boolean>; sets as <array>; maps and records as <struct>. A JS number does not
 * say whether it is an int64 or a float, so integral numbers go out as strings unless the datamodel
 * says the parameter is a float (`floatPositions`, from XAPI_FLOAT_PARAMS): `event.from(…, 30)`
 * must send <double>30</double>, which xen-api can only get right by sending 60.1.
 */

export function encodeXmlRpcCall(method: string, params: readonly unknown[], floatPositions: readonly number[] = []): string {
  let out = `<?xml version="1.0"?><methodCall><methodName>${escapeText(method)}</methodName><params>`;
  for (let i = 0; i < params.length; i++) out += `<param>${encodeValue(params[i], floatPositions.includes(i))}</param>`;
  return out + '</params></methodCall>';
}

/** A XAPI reply envelope: {Status: "Success", Value} or {Status: "Failure", ErrorDescription}. */
export function encodeXapiXmlRpcResponse(outcome: { result: unknown } | { error: { code: string; params: string[] } }): string {
  const envelope = 'result' in outcome
    ? { Status: 'Success', Value: outcome.result }
    : { Status: 'Failure', ErrorDescription: [outcome.error.code, ...outcome.error.params] };
  return `<?xml version="1.0"?><methodResponse><params><param>${encodeValue(envelope, false)}</param></params></methodResponse>`;
}

export function encodeValue(value: unknown, asDouble = false): string {
  return `<value>${encodeInner(value, asDouble)}</value>`;
}

function encodeInner(value: unknown, asDouble: boolean): string {
  switch (typeof value) {
    case 'string': return escapeText(value);
    case 'number':
      if (asDouble || !Number.isInteger(value)) return `<double>${formatDouble(value)}</double>`;
      return String(value); // int64 as a string, as XAPI expects
    case 'bigint': return String(value);
    case 'boolean': return `<boolean>${value ? 1 : 0}</boolean>`;
    case 'undefined': return '';
    case 'object': {
      if (value === null) return '';
      if (value instanceof Date) return `<dateTime.iso8601>${formatDateTime(value)}</dateTime.iso8601>`;
      if (Array.isArray(value)) {
        let out = '<array><data>';
        for (const item of value) out += encodeValue(item, asDouble);
        return out + '</data></array>';
      }
      let out = '<struct>';
      for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
        out += `<member><name>${escapeText(key)}</name>${encodeValue(member, asDouble)}</member>`;
      }
      return out + '</struct>';
    }
    default: throw new TypeError(`cannot encode a ${typeof value} in XML-RPC`);
  }
}

function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** XAPI's datetime form: 20240102T03:04:05Z. */
function formatDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/-/g, '');
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
/** Escapes markup; \r as a character reference because XML parsers fold a literal \r\n into \n. */
export function escapeText(s: string): string {
  return /[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => escapes[c]) : s;
}
