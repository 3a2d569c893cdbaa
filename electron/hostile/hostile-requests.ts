/**
 * Generators (fast-check) of hostile HTTP requests for the hostile-input suite and the `hostile` bench: request
 * lines with every kind of target (authority-form `//host:99999/`, absolute-form, `*`, bad percent-encoding, dot
 * segments, control characters, non-ASCII, 20 KiB paths), odd methods and versions, broken or huge headers,
 * upgrade and CONNECT attempts and bodies framed in valid and invalid ways. Each request is complete (a
 * listener never has to wait for more bytes), so a listener that does not answer is a listener that hangs.
 */
import fc from 'fast-check';

export interface HostileRequest {
  bytes: string;
  /** The reply has no body (HEAD). */
  head: boolean;
  /** The target is one no listener serves: the reply must be a 400 (or 431 when the head is too large). */
  oddTarget: boolean;
  /**
   * The body is framed wrongly (bad chunk sizes, conflicting lengths): the listener may answer the request and
   * then find the body broken and close, so the next request goes on a new connection.
   */
  brokenBody: boolean;
  /** For the failure message. */
  label: string;
}

export interface ListenerShape {
  /** host:port the listener expects in Host. */
  authority: string;
  /** Paths it serves, to build plausible targets around. */
  paths: string[];
  /** Extra headers a real client sends (Origin, Authorization…), sometimes included. */
  realHeaders?: Record<string, string>;
}

const printable = (s: string) => s.replace(/[\r\n]/g, '');

/** Characters that break request targets in every way but CR/LF (which would end the request line early). */
const targetChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019-._~'.split('')) },
  { weight: 4, arbitrary: fc.constantFrom(...'/?#%:@*\\[]|^{}`"<>!$&\'()+,;= \t'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom('%zz', '%2f', '%2F', '%5c', '%2e', '%2e%2e', '%C3%28', '%ED%A0%80', '%00', '%0a', '%', '%4', '..', '.', '//', '%25', '%u00e9') },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\u0001', '\u007f', 'é', '\u2028', '\uFFFD', '😀', '\u0085') },
);
const targetText = (maxLength: number) => fc.array(targetChar, { maxLength }).map((a) => a.join(''));

function oddTarget(shape: ListenerShape): fc.Arbitrary<string> {
  const [, port] = shape.authority.split(':');
  return fc.oneof(
    targetText(12).map((t) => `//127.0.0.1:99999/${t}`),
    fc.constantFrom(`//${shape.authority}/`, '//host:99999/', '//', '///etc/passwd', '//[::1]/', `//127.0.0.1:${port}`),
    targetText(12).map((t) => `http://${shape.authority}/${t}`),
    fc.constantFrom('*', 'https://example.com/', 'ws://x/bridge', 'HTTP://X/', 'javascript:alert(1)', `127.0.0.1:${port}`, 'host:99999'),
    fc.tuple(fc.constantFrom(...shape.paths), fc.constantFrom('%', '%z', '%zz', '%C3%28', '%ED%A0%80', '%FF', '%2f..', '/../', '/./', '/%2e%2e/', '%5c', '%00')).map(([p, bad]) => `${p}${bad}`),
  );
}

function plausibleTarget(shape: ListenerShape): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...shape.paths),
    fc.tuple(fc.constantFrom(...shape.paths), targetText(24)).map(([p, q]) => `${p}?${q}`),
    fc.tuple(fc.constantFrom(...shape.paths), targetText(16)).map(([p, t]) => `${p}${t}`),
    targetText(30),
    fc.string({ unit: 'binary', maxLength: 30 }).map(printable),
    // Long enough to go past the 16 KiB head limit, or just under it.
    fc.integer({ min: 2_000, max: 20_000 }).map((n) => `/${'a'.repeat(n)}`),
  );
}

const method = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'CONNECT', 'PATCH', 'TRACE') },
  { weight: 1, arbitrary: fc.constantFrom('get', 'PROPFIND', 'G\u0000T', 'GET /', 'BREW', '', 'GETGETGETGETGETGETGETGET', 'ÄÖÜ') },
);

const version = fc.oneof(
  { weight: 12, arbitrary: fc.constant('HTTP/1.1') },
  { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/0.9', 'HTTP/2', 'HTTP/2.0', 'HTTP/1.1 extra', 'XTTP/1.1', 'http/1.1', 'HTTP/1.10', '') },
);

const headerName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/).filter((n) => !/^(expect|content-length|transfer-encoding|host|upgrade|connection)$/i.test(n)) },
  { weight: 1, arbitrary: fc.constantFrom('Bad Name', 'Bad:Name', 'Bä', '', '\u0000', '(x)', ' Leading') },
);
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }).map(printable) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(printable) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\u007f', 'a\u0000b', '\t', ' ') },
);

/** Framing of the body: none, valid, or broken in the ways request smuggling tries. */
const body: fc.Arbitrary<{ headers: readonly string[]; bytes: string; broken?: boolean }> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ headers: [], bytes: '' }) },
  { weight: 3, arbitrary: fc.string({ maxLength: 64 }).map((b) => ({ headers: [`Content-Length: ${Buffer.byteLength(b)}`], bytes: b })) },
  { weight: 1, arbitrary: fc.constant({ headers: ['Transfer-Encoding: chunked'], bytes: '0\r\n\r\n' }) },
  { weight: 1, arbitrary: fc.constant({ headers: ['Transfer-Encoding: chunked'], bytes: '3\r\nabc\r\n0\r\n\r\n' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<{ headers: readonly string[]; bytes: string; broken?: boolean }>(
      { headers: ['Content-Length: abc'], bytes: '' },
      { headers: ['Content-Length: -1'], bytes: '' },
      { headers: ['Content-Length: 1, 2'], bytes: 'ab' },
      { headers: ['Content-Length: 3', 'Content-Length: 4'], bytes: 'abcd' },
      { headers: ['Content-Length: 99999999999999999999999'], bytes: '' },
      { headers: ['Transfer-Encoding: chunked', 'Content-Length: 5'], bytes: '0\r\n\r\n' },
      { headers: ['Transfer-Encoding: gzip'], bytes: '' },
      { headers: ['Transfer-Encoding: chunked'], bytes: 'zz\r\n\r\n' },
      { headers: ['Transfer-Encoding: chunked'], bytes: '0x1\r\na\r\n0\r\n\r\n' },
    ).map((b) => ({ ...b, broken: true })),
  },
);

function upgradeHeaders(shape: ListenerShape): fc.Arbitrary<string[]> {
  return fc.record({
    upgrade: fc.constantFrom('websocket', 'WebSocket', 'h2c', 'websocket, h2c', ''),
    connection: fc.constantFrom('Upgrade', 'upgrade', 'keep-alive, Upgrade', 'close'),
    key: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64')), fc.constantFrom('', 'short', '!!!!!!!!!!!!!!!!!!!!!!==')),
    wsVersion: fc.constantFrom('13', '8', '', '13, 8', 'x'),
    protocol: fc.constantFrom(undefined, 'binary', 'binary, base64', '', '\u0001'),
  }).map((u) => [
    `Upgrade: ${u.upgrade}`,
    `Connection: ${u.connection}`,
    `Sec-WebSocket-Key: ${u.key}`,
    `Sec-WebSocket-Version: ${u.wsVersion}`,
    ...(u.protocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${u.protocol}`]),
    ...Object.entries(shape.realHeaders ?? {}).map(([k, v]) => `${k}: ${v}`),
  ]);
}

export function hostileRequest(shape: ListenerShape): fc.Arbitrary<HostileRequest> {
  return fc
    .record({
      method,
      odd: fc.boolean(),
      oddTarget: oddTarget(shape),
      target: plausibleTarget(shape),
      version,
      host: fc.oneof({ weight: 8, arbitrary: fc.constant([`Host: ${shape.authority}`]) }, { weight: 1, arbitrary: fc.constantFrom([], ['Host: evil.example'], ['Host: '], [`Host: ${shape.authority}`, 'Host: other'], ['Host: \u0000']) }),
      upgrade: fc.oneof({ weight: 4, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: upgradeHeaders(shape) }),
      real: fc.boolean(),
      extra: fc.array(fc.tuple(headerName, headerValue).map(([n, v]) => `${n}: ${v}`), { maxLength: 5 }),
      huge: fc.oneof({ weight: 12, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.integer({ min: 8_000, max: 40_000 }).map((n) => [`X-Huge: ${'x'.repeat(n)}`]) }),
      fold: fc.oneof({ weight: 12, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.constant(['X-Folded: a', ' continued']) }),
      body,
    })
    .map((r) => {
      const target = r.odd ? r.oddTarget : r.target;
      const real = r.real && !r.upgrade.length ? Object.entries(shape.realHeaders ?? {}).map(([k, v]) => `${k}: ${v}`) : [];
      const headers = [...r.host, ...r.upgrade, ...real, ...r.extra, ...r.huge, ...r.fold, ...r.body.headers];
      const line = `${r.method} ${target} ${r.version}`.replace(/ $/, '');
      const label = `${line.slice(0, 120)} [${headers.map((h) => h.slice(0, 40)).join(' | ')}]${r.body.bytes ? ` ${JSON.stringify(r.body.bytes.slice(0, 40))}` : ''}`;
      return {
        bytes: `${line}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${r.body.bytes}`,
        head: r.method === 'HEAD',
        oddTarget: r.odd,
        brokenBody: r.body.broken ?? false,
        label,
        // fast-check prints counterexamples with this: the label, not 40 KiB of header.
        [fc.toStringMethod]: () => JSON.stringify(label),
      };
    });
}

/** The statuses a request with an odd target may get: refused by the guard (400) or by the HTTP parser first (400, 431). */
export const REFUSED_STATUSES = [400, 431];
