/**
 * Connection failures in plain words for the UI, keeping XAPI's (or the client's) code and parameters
 * so the user can still search for the code and support can tell exactly what happened.
 */
import type { BridgeErrorShape } from '../../../shared/bridge';
import { ClientErrorCode, XapiError } from '../../../shared/api-client/xapi-error';

export function describeConnectionError(raw: unknown, address: string): BridgeErrorShape {
  const err = raw instanceof XapiError ? raw : new XapiError('INTERNAL_ERROR', [String((raw as Error)?.message ?? raw)]);
  const shape = (message: string): BridgeErrorShape => ({ code: err.code, params: err.params, method: err.method, message });
  switch (err.code) {
    case 'SESSION_AUTHENTICATION_FAILED':
      return shape(`Wrong user name or password for ${address}. Check them and try again.`);
    case 'SESSION_AUTHORIZATION_FAILED':
    case 'RBAC_PERMISSION_DENIED':
      return shape(`The user may not log in to ${address} (no role that allows it). Ask the pool administrator.`);
    case ClientErrorCode.CONNECTION_FAILED:
      return shape(unreachableWords(address, err.params[1] ?? ''));
    case ClientErrorCode.TIMEOUT:
      return shape(`${address} did not answer in time. Check the address, the network and that the server is running.`);
    case ClientErrorCode.HTTP_ERROR:
    case ClientErrorCode.UNSUPPORTED_TRANSPORT:
      return shape(`${address} answered, but not as a XAPI host (XCP-ng, XenServer, Citrix Hypervisor). Check the address and port.`);
    case ClientErrorCode.MALFORMED_REPLY:
      return shape(`${address} sent a reply XenDeck cannot read${err.method ? ` to ${err.method}` : ''} (${err.params[1] ?? 'malformed'}). If this is a XAPI host, it may be broken or something on the way alters its replies; XenDeck keeps trying.`);
    case ClientErrorCode.REPLY_TOO_LARGE:
      return shape(
        `${address} sent a reply${err.method ? ` to ${err.method}` : ''} larger than the ${Math.round(Number(err.params[1]) / 1048576)} MB limit, so XenDeck refused it. ` +
          'If the pool is really that big, raise "connections.maxReplyMegabytes" in settings.json (up to 512) and restart XenDeck.',
      );
    case ClientErrorCode.CERTIFICATE_UNKNOWN:
      return shape(`The certificate of ${err.params[0] ?? address} is not trusted yet (SHA-256 ${err.params[1] ?? '?'}). Check the fingerprint and trust it to connect.`);
    case ClientErrorCode.CERTIFICATE_CHANGED:
      return shape(
        `The certificate of ${err.params[0] ?? address} changed since you trusted it: it was ${err.params[2] ?? 'another one'}, it is now ${err.params[1] ?? '?'}. ` +
          'This happens when the host was reinstalled or got a new certificate, but it can also mean someone is intercepting the connection. XenDeck will not connect unless you trust the new certificate.',
      );
    case 'CERTIFICATE_REJECTED':
      return shape(`You did not trust the certificate of ${err.params[0] ?? address}, so XenDeck did not connect.`);
    case ClientErrorCode.NO_MASTER_FOUND:
      return shape(`No member of the pool at ${address} answers as the pool master. XenDeck keeps trying.`);
    case 'HOST_IS_SLAVE':
      return shape(`${address} is a pool member and the pool master ${err.params[0] ?? ''} could not be reached.`);
    case 'HOST_STILL_BOOTING':
      return shape(`${address} is still starting up. XenDeck keeps trying.`);
    case 'PASSWORD_NEEDED':
      return shape(`The password for ${address} was not saved. Add the server again with its password.`);
    default:
      return shape(`${address}: ${err.message}`);
  }
}

function unreachableWords(address: string, detail: string): string {
  if (/ECONNREFUSED/.test(detail)) return `Nothing answers at ${address} (connection refused). Check the address and port, and that the server is running.`;
  if (/ENOTFOUND|EAI_AGAIN/.test(detail)) return `The name in ${address} cannot be resolved. Check the spelling and your DNS.`;
  if (/EHOSTUNREACH|ENETUNREACH/.test(detail)) return `${address} cannot be reached from this computer (no route). Check the network.`;
  if (/EPROTO|SSL|TLS|wrong version/i.test(detail)) return `${address} does not speak HTTPS as a XAPI host does. Check the address and port.`;
  return `Cannot reach ${address} (${detail || 'connection failed'}). Check the address, the network and that the server is running.`;
}
