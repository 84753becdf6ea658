/**
 * Small node:http helpers shared by the sandbox handlers: bounded body reading, JSON/HTML replies,
 * HTML escaping. No routing or Jobber behaviour lives here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown when a request body is larger than the sandbox accepts. */
export class BodyTooLargeError extends Error {
  constructor() {
    super('Request body too large');
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole request body as UTF-8, refusing more than 1 MiB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The media type of a request, lower-cased, without parameters ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  const header = req.headers['content-type'] ?? '';
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Sends `body` as JSON with no-store caching. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...NO_STORE,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Sends an HTML page with no-store caching and the given extra headers (CSP etc.). */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...NO_STORE,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(html)),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(html);
}

/** Sends a 302 to `location` (never followed by the sandbox itself). */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...NO_STORE, Location: location, 'Content-Length': '0', 'Referrer-Policy': 'no-referrer' });
  res.end();
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
