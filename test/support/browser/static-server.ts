/**
 * A tiny static file server for the built renderer (dist/renderer) on 127.0.0.1, port 0.
 * Sends the app's Content-Security-Policy as a header on every response, refuses paths that
 * leave the root, and serves nothing but files.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentSecurityPolicy } from '../../../electron/windows/content-security-policy';

/** The renderer's CSP; renderer/index.html carries the same policy in a meta tag. */
/** The same header main sends for app:// in production. */
export const RENDERER_CSP = contentSecurityPolicy({ kind: 'production' });

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `root` until closed. */
export async function startStaticServer(root: string): Promise<StaticServer> {
  const base = path.resolve(root);
  const server = createServer((request, response) => {
    void (async () => {
      const headers = {
        'content-security-policy': RENDERER_CSP,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      };
      try {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        let relative = decodeURIComponent(url.pathname);
        if (relative.endsWith('/')) relative += 'index.html';
        const file = path.resolve(base, `.${relative}`);
        if (file !== base && !file.startsWith(base + path.sep)) {
          response.writeHead(403, headers).end();
          return;
        }
        if (!(await stat(file)).isFile()) throw new Error('not a file');
        const body = await readFile(file);
        response
          .writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
          .end(body);
      } catch {
        response.writeHead(404, headers).end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
