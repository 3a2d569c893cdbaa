/**
 * XAPI wraps every XML-RPC result in a struct: {Status: "Success", Value} or
 * {Status: "Failure", ErrorDescription: [code, ...params]} (PROTOCOL.md "Transports"); XML-RPC
 * <fault>s are not used for API errors but old or broken servers may still send one.
 */
import { ClientErrorCode, XapiError, errorFromDescription } from '../xapi-error';
import { decodeXmlRpc, type XmlRpcMessage } from './xml-rpc-decode';

export function unwrapXapiResponse(message: XmlRpcMessage, method: string): unknown {
  if (message.fault) {
    throw new XapiError('XMLRPC_FAULT', [String(message.fault.faultCode), String(message.fault.faultString)], method);
  }
  if (message.params.length !== 1) throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, 'response without exactly one param'], method);
  const envelope = message.params[0];
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, 'response is not a XAPI status struct'], method);
  }
  const { Status, Value, ErrorDescription } = envelope as Record<string, unknown>;
  if (Status === 'Success') return Value === undefined ? '' : Value;
  if (Status === 'Failure') throw errorFromDescription(ErrorDescription, method);
  throw new XapiError(ClientErrorCode.MALFORMED_REPLY, [method, `unknown Status ${JSON.stringify(Status)}`], method);
}

export function decodeXapiXmlRpcResponse(text: string, method: string): unknown {
  return unwrapXapiResponse(decodeXmlRpc(text, method), method);
}

/**
 * Task results (task.result) are XML-RPC <value> fragments, e.g. `<value>OpaqueRef:…</value>`,
 * whatever transport the client uses. Empty string means "no result".
 */
export function decodeTaskResult(result: string, method?: string): unknown {
  const fragment = result.trim();
  if (fragment === '') return undefined;
  if (!fragment.startsWith('<')) return fragment; // some servers store the bare value
  const message = decodeXmlRpc(`<methodResponse><params><param>${fragment}</param></params></methodResponse>`, method);
  return message.params[0];
}
