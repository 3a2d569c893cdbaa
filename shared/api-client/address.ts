/**
 * Server addresses as users type them and as XAPI reports them (host.address, HOST_IS_SLAVE's
 * parameter): `host`, `host:port`, `[v6]`, `[v6]:port`, a bare IPv6 (`fe80::1`), or a URL.
 * Everything becomes a base URL `scheme://host[:port]`; IPv6 gets its brackets (CLIENT-NOTES §7.7).
 */
export interface ParsedAddress {
  hostname: string;
  port?: number;
  scheme?: 'http' | 'https';
}

export function parseAddress(input: string): ParsedAddress {
  const text = input.trim();
  if (text === '') throw new TypeError('empty server address');
  const urlMatch = /^(https?):\/\//i.exec(text);
  if (urlMatch) {
    const url = new URL(text);
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return { hostname, port: url.port ? Number(url.port) : undefined, scheme: urlMatch[1].toLowerCase() as 'http' | 'https' };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?\/?$/.exec(text);
  if (bracketed) return { hostname: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const colons = text.split(':').length - 1;
  if (colons >= 2) return { hostname: text }; // bare IPv6, no port possible without brackets
  const [hostname, port] = text.replace(/\/$/, '').split(':');
  if (port !== undefined && !/^\d+$/.test(port)) throw new TypeError(`bad port in ${input}`);
  return { hostname, port: port ? Number(port) : undefined };
}

const bracket = (hostname: string): string => (hostname.includes(':') ? `[${hostname}]` : hostname);

export function formatBaseUrl(scheme: string, hostname: string, port?: number): string {
  const defaultPort = scheme === 'https' ? 443 : 80;
  return `${scheme}://${bracket(hostname)}${port && port !== defaultPort ? `:${port}` : ''}`;
}

/** A user-typed address to a base URL; https unless the URL says otherwise. */
export function baseUrlOf(input: string, defaultScheme: 'http' | 'https' = 'https'): string {
  const a = parseAddress(input);
  return formatBaseUrl(a.scheme ?? defaultScheme, a.hostname, a.port);
}

/**
 * Where to go when told about another pool member (HOST_IS_SLAVE [master], host.address):
 * keep the current scheme, and the current port unless the address carries its own.
 */
export function siblingUrl(currentBaseUrl: string, address: string): string {
  const current = new URL(currentBaseUrl);
  const target = parseAddress(address);
  const scheme = target.scheme ?? (current.protocol === 'http:' ? 'http' : 'https');
  const port = target.port ?? (current.port ? Number(current.port) : undefined);
  return formatBaseUrl(scheme, target.hostname, port);
}

/** host[:port] of a base URL, the key certificates are pinned by. */
export function hostKey(baseUrl: string): string {
  return new URL(baseUrl).host;
}
