/**
 * Why a connection failed, in words a sysadmin can act on, for the Add server dialog and the
 * connection's General tab. The code and its parameters stay visible beside the sentence.
 */
import type { BridgeErrorShape } from '../../../shared/bridge';

export interface ConnectionErrorText {
  /** What happened. */
  summary: string;
  /** What to do about it. */
  advice: string;
}

export function connectionErrorText(error: Pick<BridgeErrorShape, 'code' | 'params'> & { message?: string }, address: string): ConnectionErrorText {
  const p = error.params ?? [];
  switch (error.code) {
    case 'SESSION_AUTHENTICATION_FAILED':
      return { summary: `The user name or password was not accepted by ${address}.`, advice: 'Check both (user names are case-sensitive) and try again.' };
    case 'SESSION_AUTHORIZATION_FAILED':
    case 'RBAC_PERMISSION_DENIED':
      return { summary: `This user may not log in to ${address}.`, advice: 'Use an account with a role on the pool (for example root or a pool admin).' };
    case 'CONNECTION_FAILED':
      return {
        summary: `XenDeck could not reach ${p[0] || address}${p[1] ? ` (${p[1]})` : ''}.`,
        advice: 'Check the address and port, that the host is switched on, and that this computer can reach it (firewall, VPN).',
      };
    case 'TIMEOUT':
      return { summary: `${p[0] || address} did not answer in time.`, advice: 'The host may be starting or overloaded, or a firewall drops the traffic. Try again in a minute.' };
    case 'HTTP_ERROR':
    case 'MALFORMED_REPLY':
    case 'UNSUPPORTED_TRANSPORT':
      return {
        summary: `${address} answered, but not as a XAPI server (XCP-ng, XenServer or Citrix Hypervisor).`,
        advice: 'Check the address and the port: XAPI listens on 443 (https) or 80 (http).',
      };
    case 'REPLY_TOO_LARGE':
      return {
        summary: `${address} sent a reply larger than the ${Math.round(Number(p[1]) / 1048576) || '?'} MB limit on replies.`,
        advice: 'If the pool is really that big, raise connections.maxReplyMegabytes in settings.json (up to 512) and restart XenDeck.',
      };
    case 'HOST_IS_SLAVE':
      return { summary: `${address} is a pool member, not the pool master${p[0] ? ` (the master is ${p[0]})` : ''}.`, advice: 'Connect to the master’s address instead.' };
    case 'NO_MASTER_FOUND':
      return { summary: 'No host of the pool answered as its master.', advice: 'The master may be down: check the hosts, or designate a new master from a member’s console (xe pool-emergency-transition-to-master).' };
    case 'HOST_STILL_BOOTING':
      return { summary: `${address} is still starting.`, advice: 'Wait a minute and connect again.' };
    case 'CERTIFICATE_UNKNOWN':
      return { summary: `The certificate of ${p[0] || address} was not trusted, so XenDeck did not connect.`, advice: 'Connect again and choose Trust if the fingerprint matches the host’s.' };
    case 'CERTIFICATE_CHANGED':
      return {
        summary: `The certificate of ${p[0] || address} is not the one you trusted before.`,
        advice: 'If the host’s certificate was replaced on purpose, check its new fingerprint on the host (xe host-param-get param-name=certificate… or the host console) before trusting it. Otherwise someone may be intercepting the connection.',
      };
    case 'CERTIFICATE_REJECTED':
      return { summary: `You did not trust the certificate of ${p[0] || address}, so XenDeck did not connect.`, advice: 'Add the server again and choose Trust if the fingerprint matches the host’s.' };
    case 'BRIDGE_INVALID_ARGUMENTS':
      return { summary: 'XenDeck refused the values of the form.', advice: 'Check the address and user name.' };
    default:
      return { summary: error.message && error.message !== error.code ? error.message : `Connecting to ${address} failed.`, advice: 'Check the address and credentials and try again.' };
  }
}
