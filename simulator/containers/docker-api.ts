/**
 * The Docker Engine API as xscontainer reaches it: an HTTP/1.0 request written to /var/run/docker.sock
 * (through `ncat -U` over SSH) and the raw response read back. Only the routes xscontainer uses exist; errors
 * are Docker's status codes with its JSON body (`{"message":"No such container: x"}`), 304 with no body.
 */
import { DockerError, type DockerDaemon } from './docker-daemon';
import { infoJson, inspectJson, psEntry, topJson, versionJson } from './docker-json';

const REASONS: Record<number, string> = { 200: 'OK', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error' };

export interface DockerResponse { status: number; body: string }

/** The bytes dockerd answers: status line, a few headers, blank line, body. */
export function responseText(r: DockerResponse): string {
  const type = r.body.startsWith('{') || r.body.startsWith('[') ? 'application/json' : 'text/plain; charset=utf-8';
  const headers = [`HTTP/1.0 ${r.status} ${REASONS[r.status] ?? 'Unknown'}`, 'Api-Version: 1.43', `Content-Type: ${type}`, 'Docker-Experimental: false', 'Ostype: linux', 'Server: Docker/24.0.7 (linux)'];
  return `${headers.join('\r\n')}\r\n\r\n${r.body}`;
}

const ACTIONS = new Set(['start', 'stop', 'restart', 'pause', 'unpause']);

/** Serves one request line (`GET /info`, `POST /containers/x/stop`) against the engine. */
export async function dockerRequest(d: DockerDaemon, method: string, path: string): Promise<DockerResponse> {
  // A request line with a stray line break is not HTTP: Go's server answers 400 in plain text.
  if (/[\r\n ]/.test(path)) return { status: 400, body: '400 Bad Request' };
  const now = () => d.clock.now();
  const json = (v: unknown) => ({ status: 200, body: `${JSON.stringify(v)}\n` });
  try {
    const [pathname] = path.split('?');
    if (method === 'GET' && pathname === '/containers/json') return json([...d.containers.values()].sort((a, b) => b.created - a.created).map((c) => psEntry(d, c, now())));
    if (method === 'GET' && pathname === '/info') return json(infoJson(d, now()));
    if (method === 'GET' && pathname === '/version') return json(versionJson(d));
    const m = /^\/containers\/([^/]+)\/([a-z]+)$/.exec(pathname);
    if (m && method === 'GET' && m[2] === 'json') return json(inspectJson(d, d.find(m[1])));
    if (m && method === 'GET' && m[2] === 'top') {
      const c = d.find(m[1]);
      d.assertTop(c);
      c.accrue(now(), d.guestRunning);
      return json(topJson(c, now()));
    }
    if (m && method === 'POST' && ACTIONS.has(m[2])) {
      const c = d.find(m[1]);
      await d[m[2] as 'start' | 'stop' | 'restart' | 'pause' | 'unpause'](c);
      return { status: 204, body: '' };
    }
    return { status: 404, body: `${JSON.stringify({ message: 'page not found' })}\n` };
  } catch (err) {
    if (!(err instanceof DockerError)) throw err;
    return { status: err.status, body: err.status === 304 ? '' : `${JSON.stringify({ message: err.message })}\n` };
  }
}
