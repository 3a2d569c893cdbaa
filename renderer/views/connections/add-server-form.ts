/**
 * The "Add server" form's rules, checked before anything is sent: an address the client can parse
 * (host, host:port, [v6]:port, bare IPv6 or an http(s) URL; shared/api-client/address.ts), a port in
 * range, a user name. The password may be empty (a lab host can have none), so it is not checked.
 * An http:// address other than this computer's own sends the password in clear: the dialog asks first.
 */
import { parseAddress } from '../../../shared/api-client/address';

export interface AddServerForm {
  address: string;
  user: string;
  password: string;
  remember: boolean;
}

export type AddServerErrors = Partial<Record<'address' | 'user', string>>;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/;

export function addressProblem(input: string): string | undefined {
  const text = input.trim();
  if (!text) return 'Type the address of the pool master: a host name, an IP address, host:port or a URL.';
  if (/\s/.test(text)) return 'An address has no spaces.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/^https?:\/\//i.test(text)) return 'Only http:// and https:// addresses are supported.';
  let parsed;
  try {
    parsed = parseAddress(text);
  } catch {
    return 'This is not an address XenDeck understands. Examples: xcp-01.example.com, 10.0.0.5:443, [fd00::5]:443, https://xcp-01.example.com.';
  }
  if (parsed.port !== undefined && (!Number.isInteger(parsed.port) || parsed.port < 1 || parsed.port > 65535)) return 'The port must be a number from 1 to 65535.';
  const host = parsed.hostname;
  if (!host) return 'The address has no host name.';
  const isV6 = host.includes(':');
  if (isV6 ? !IPV6.test(host) : !HOSTNAME.test(host)) return `“${host}” is not a valid host name or IP address.`;
  return undefined;
}

export function validateAddServer(form: AddServerForm): AddServerErrors {
  const errors: AddServerErrors = {};
  const address = addressProblem(form.address);
  if (address) errors.address = address;
  if (!form.user.trim()) errors.user = 'Type the user name (usually root).';
  return errors;
}

/** What goes to `connections.add`: trimmed address and user, the password as typed. */
export function addServerArgs(form: AddServerForm) {
  return { address: form.address.trim(), user: form.user.trim(), password: form.password, remember: form.remember };
}

/** Names and addresses of this computer: plain HTTP to them never leaves the machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127(\.\d{1,3}){3}$/.test(host)) return true;
  return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The host the password would reach unencrypted: set for an http:// address that is not this computer
 * (127.0.0.0/8, ::1, localhost), undefined otherwise (https, the default, or loopback).
 */
export function cleartextHost(address: string): string | undefined {
  try {
    const parsed = parseAddress(address.trim());
    if (parsed.scheme !== 'http' || isLoopback(parsed.hostname)) return undefined;
    return parsed.hostname;
  } catch {
    return undefined;
  }
}

/** The same address over https (an explicit port is kept: the user may have typed 80 by habit). */
export function httpsVariant(address: string): string {
  return address.trim().replace(/^http:\/\//i, 'https://');
}
