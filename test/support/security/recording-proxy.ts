/**
 * A recording HTTP proxy for the token-leak scan: sits between the app and the sandbox on
 * 127.0.0.1 and collects every secret that crosses the wire (authorization codes and `state`
 * values, access and refresh tokens, the client secret, PKCE verifiers, bearer tokens) so the scan knows exactly
 * what must never show up anywhere else. It forwards bytes unchanged and mirrors upstream failures
 * (a dropped or truncated response stays dropped or truncated).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Field names whose values are secrets, in query strings, form bodies, JSON bodies and redirects. */
export const SECRET_FIELDS = ['code', 'state', 'access_token', 'refresh_token', 'client_secret', 'id_token', 'code_verifier'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number] | 'bearer';

/** One secret value and where the proxy first saw it. */
export interface RecordedSecret {
  field: SecretField;
  value: string;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`: hand this out instead of the sandbox URL. */
  url: string;
  /** Every distinct secret seen so far, in order of first sight. */
  secrets(): RecordedSecret[];
  /** How many times each kind of secret crossed the wire (repeats included: a bearer is an access token again). */
  sightings(): Partial<Record<SecretField, number>>;
  /** Requests forwarded so far. */
  exchanges(): number;
  close(): Promise<void>;
}

function collectFromParams(params: URLSearchParams, add: (field: SecretField, value: string) => void): void {
  for (const field of SECRET_FIELDS) for (const value of params.getAll(field)) add(field, value);
}

function collectFromJson(value: unknown, add: (field: SecretField, value: string) => void, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if ((SECRET_FIELDS as readonly string[]).includes(key) && typeof inner === 'string') add(key as SecretField, inner);
    else collectFromJson(inner, add, depth + 1);
  }
}

function collectFromBody(body: string, contentType: string | undefined, add: (field: SecretField, value: string) => void): void {
  if (body === '') return;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    collectFromParams(new URLSearchParams(body), add);
    return;
  }
  try {
    collectFromJson(JSON.parse(body), add);
  } catch {
    // Not JSON (HTML consent page, a deliberately malformed fault body): nothing structured to read.
  }
}

function collectFromHeaders(headers: IncomingHttpHeaders, add: (field: SecretField, value: string) => void): void {
  const auth = headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined;
  if (bearer !== undefined) add('bearer', bearer);
  const location = headers.location;
  if (typeof location === 'string') {
    try {
      collectFromParams(new URL(location, 'http://127.0.0.1').searchParams, add);
    } catch {
      // An unparsable Location is the sandbox's problem, not a secret.
    }
  }
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Starts a proxy in front of `target` (the sandbox's `url`). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const seen = new Map<string, RecordedSecret>();
  const counts: Partial<Record<SecretField, number>> = {};
  let exchanges = 0;
  const add = (field: SecretField, value: string) => {
    if (value === '') return;
    counts[field] = (counts[field] ?? 0) + 1;
    if (!seen.has(value)) seen.set(value, { field, value });
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    exchanges += 1;
    const fail = () => {
      // Mirror an upstream failure as a failure, never as a tidy error page.
      res.destroy();
      req.socket.destroy();
    };
    void readAll(req).then((requestBody) => {
      const url = new URL(req.url ?? '/', upstream);
      collectFromParams(url.searchParams, add);
      collectFromHeaders(req.headers, add);
      collectFromBody(requestBody.toString('utf8'), req.headers['content-type'], add);

      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          collectFromHeaders(answer.headers, add);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            res.write(chunk);
          });
          answer.on('end', () => {
            collectFromBody(Buffer.concat(chunks).toString('utf8'), answer.headers['content-type'], add);
            if (answer.complete) res.end();
            else fail();
          });
          answer.on('aborted', fail);
          answer.on('error', fail);
        },
      );
      forward.on('error', fail);
      forward.end(requestBody);
    }, fail);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    secrets: () => [...seen.values()],
    sightings: () => ({ ...counts }),
    exchanges: () => exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
