/**
 * The `app://jobber-connect/` protocol that serves the built renderer in production. The scheme is
 * registered as privileged before `ready`; the handler maps URLs to files under dist/renderer and
 * refuses anything that would escape that folder. Every response carries the strict CSP.
 */
import path from 'node:path';
import type { Protocol } from 'electron';
import { contentSecurityPolicy } from './content-security-policy';
import { parseUrl } from '../core/url';

export const APP_SCHEME = 'app';
export const APP_HOST = 'jobber-connect';
/** The renderer's origin in production; the IPC sender check compares against it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Privileges for `protocol.registerSchemesAsPrivileged` (must run before `ready`). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Maps an `app://jobber-connect/...` URL to a file inside `rootDir`, or null when the URL is for
 * another host or would resolve outside the folder (`..`, encoded separators).
 */
export function resolveRendererFile(url: string, rootDir: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null) return null;
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(rootDir);
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

/** Content type by extension; unknown files are served as opaque bytes. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Installs the handler on the given protocol object (the app session's). `readFile` is injected so
 * tests need no real files.
 */
export function serveRenderer(
  protocol: Pick<Protocol, 'handle'>,
  rootDir: string,
  readFile: (file: string) => Promise<Uint8Array>,
): void {
  const csp = contentSecurityPolicy({ kind: 'production' });
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveRendererFile(request.url, rootDir);
    if (file === null) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(new Blob([body as Uint8Array<ArrayBuffer>]), {
        status: 200,
        headers: {
          'Content-Type': contentTypeFor(file),
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
