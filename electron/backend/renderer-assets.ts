/**
 * Serving the built renderer (dist/renderer), shared by the Electron `app://` protocol handler and the
 * browser-mode web host: one Content-Security-Policy, one safe path resolver, one MIME table.
 */
import { extname, resolve, sep } from 'node:path';

/**
 * The renderer's CSP, sent as a response header (Electron security checklist item 7). Scripts and styles
 * come only from the bundle; `connect-src` allows the page's own origin (browser mode's bridge WebSocket is
 * same-origin, which `'self'` covers for ws: in CSP 3) and WebSockets to the one console tunnel port of this
 * run (electron/backend/console-tunnel/), nothing else on loopback.
 */
export function contentSecurityPolicy(consoleTunnelPort: number): string {
  if (!Number.isInteger(consoleTunnelPort) || consoleTunnelPort < 1 || consoleTunnelPort > 65535) throw new RangeError(`Not a port: ${consoleTunnelPort}`);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${consoleTunnelPort}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every renderer response carries, in both modes. */
export function rendererSecurityHeaders(consoleTunnelPort: number): Readonly<Record<string, string>> {
  return Object.freeze({
    'Content-Security-Policy': contentSecurityPolicy(consoleTunnelPort),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export function mimeTypeOf(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `rendererDir` that a URL path names, or undefined when the path tries to leave the
 * folder (`..`, encoded slashes or backslashes, NUL). `/` is index.html. Existence is the caller's check.
 */
export function resolveRendererFile(rendererDir: string, urlPathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  const root = resolve(rendererDir);
  const file = resolve(root, ...(segments.length ? segments : ['index.html']));
  return file === root || !file.startsWith(root + sep) ? undefined : file;
}
