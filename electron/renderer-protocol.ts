/**
 * Serves dist/renderer on `app://xendeck/` with the CSP as a response header (Electron checklist
 * items 7 and 18). `registerAppScheme` must run before `app` is ready; `serveRenderer` after.
 */
import { protocol, type Session } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { mimeTypeOf, resolveRendererFile } from './backend/renderer-assets';

export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: real origin and relative URLs; secure: a secure context like https; no bypassCSP, no CORS for others.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Answers one `app://` request: a file of the renderer, or 404, each with `headers` (rendererSecurityHeaders). Exposed for tests. */
export async function rendererResponse(rendererDir: string, requestUrl: string, headers: Readonly<Record<string, string>>): Promise<Response> {
  const url = new URL(requestUrl);
  const file = url.host === APP_HOST ? resolveRendererFile(rendererDir, url.pathname) : undefined;
  if (!file) return new Response('Not found', { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': mimeTypeOf(file) } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

export function serveRenderer(session: Session, rendererDir: string, headers: Readonly<Record<string, string>>): void {
  session.protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request.url, headers));
}
