/**
 * The request target of an HTTP request line, read defensively, for every listener XenDeck runs (the
 * browser-mode web host, the console tunnel, the embedded simulator). Only origin-form (`/path?query`)
 * is served: absolute-form (`http://host/`) is for proxies, authority-form (`host:port`, and a path
 * starting with `//`, which URL parsers take for an authority) for proxy CONNECT, asterisk-form (`*`)
 * for server-wide OPTIONS; none of our clients sends them. What is accepted parses with `new URL` without
 * throwing and names the same resource after decoding: no dot segments, no encoded slash, backslash or
 * control character in the path, valid percent-escapes of valid UTF-8, no byte outside printable ASCII
 * (browsers percent-encode those). Everything else is a 400, answered by listener-guard.ts.
 *
 * Pure code: strings in, a URL or a reason out.
 */

export type RequestTarget =
  | { ok: true; url: URL; pathname: string; searchParams: URLSearchParams }
  | { ok: false; reason: string };

/** The base the path is resolved against; never shown (only pathname and query are read). */
const BASE = 'http://request-target.invalid';

// Printable ASCII a client may send unencoded: RFC 3986 pchar, plus what browsers leave as is in the path
// (`[ ] | ^`) and, in the query, `{ } \``. Space, `"`, `#`, `<`, `>` and `\` are always encoded by browsers.
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/[\]|^]*$/;
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?[\]|^{}`]*$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
// After decoding: a path segment that is `.` or `..`, an encoded `/` or `\`, or a control character.
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;
// eslint-disable-next-line no-control-regex
const DECODED_PATH_FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

const refuse = (reason: string): RequestTarget => ({ ok: false, reason });

function decodes(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function parseRequestTarget(target: string | undefined): RequestTarget {
  if (!target) return refuse('empty request target');
  if (target === '*') return refuse('asterisk-form request target (OPTIONS *) is not served');
  if (target[0] !== '/') return refuse(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target) ? 'absolute-form request target (a proxy request) is not served' : 'request target is not a path');
  if (target[1] === '/') return refuse('request target starts with // (an authority, not a path)');
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  if (!PATH_CHARS.test(path)) return refuse('path has characters that must be percent-encoded');
  if (!QUERY_CHARS.test(query)) return refuse('query has characters that must be percent-encoded');
  if (BAD_ESCAPE.test(path) || BAD_ESCAPE.test(query)) return refuse('bad percent-encoding');
  const decodedPath = decodes(path);
  if (decodedPath === undefined) return refuse('percent-encoding of the path is not UTF-8');
  if (DECODED_PATH_FORBIDDEN.test(decodedPath) || /%2f/i.test(path)) return refuse('path has an encoded slash, backslash or control character');
  if (DOT_SEGMENT.test(decodedPath)) return refuse('path has a . or .. segment');
  for (const part of query.split(/[&=]/)) {
    if (decodes(part.replace(/\+/g, ' ')) === undefined) return refuse('percent-encoding of the query is not UTF-8');
  }
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    // Not reachable with the checks above; kept so a parser change can never throw out of a listener.
    return refuse('request target does not parse');
  }
  if (url.origin !== BASE) return refuse('request target names another host');
  return { ok: true, url, pathname: url.pathname, searchParams: url.searchParams };
}
