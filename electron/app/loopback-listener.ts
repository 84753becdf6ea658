/**
 * The system-browser mode's loopback receiver (RFC 8252 §7.3): HTTP on the redirect URI's own
 * loopback host and port, alive only while a Connect is pending. It answers the callback path with
 * a short "return to the app" page when the request carries the pending Connect's state, and with
 * 400 otherwise (any web page can send the browser here), and hands the URL to the session either
 * way: the session notes a foreign one and keeps waiting. Which hosts to bind and
 * whether a redirect URI can be listened on at all are pure functions, so they are testable alone.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchesRedirectUri } from '../auth/callback-parser';
import { parseUrl } from '../core/url';

function loopbackUrl(redirectUri: string): URL | null {
  const url = parseUrl(redirectUri);
  if (url === null || url.protocol !== 'http:') return null;
  return loopbackHosts(redirectUri).length > 0 ? url : null;
}

/**
 * The addresses to bind for a loopback http redirect URI: the URI's own host, and for `localhost`
 * both 127.0.0.1 and ::1 (browsers may resolve it to either). Empty for anything else.
 */
export function loopbackHosts(redirectUri: string): string[] {
  const url = parseUrl(redirectUri);
  if (url === null || url.protocol !== 'http:') return [];
  switch (url.hostname) {
    case '127.0.0.1':
      return ['127.0.0.1'];
    case '[::1]':
      return ['::1'];
    case 'localhost':
      return ['127.0.0.1', '::1'];
    default:
      return [];
  }
}

/** The port to listen on when `redirectUri` is a loopback http URL with an explicit port, else null. */
export function loopbackPort(redirectUri: string): number | null {
  const url = loopbackUrl(redirectUri);
  if (url === null || url.port === '') return null;
  return Number(url.port);
}

const FOREIGN_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Jobber Connect</title></head>
<body style="font-family:system-ui,sans-serif;margin:3rem"><h1>Not a sign-in Jobber Connect is waiting for</h1>
<p>If you chose Deny in Jobber, return to Jobber Connect and press Cancel.</p></body></html>`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Jobber Connect</title></head>
<body style="font-family:system-ui,sans-serif;margin:3rem"><h1>You can close this tab</h1>
<p>Return to Jobber Connect to see the result.</p></body></html>`;

export interface LoopbackListener {
  readonly port: number;
  /** The addresses actually bound (for localhost, ::1 is skipped where IPv6 is unavailable). */
  readonly hosts: readonly string[];
  close(): Promise<void>;
}

/** Errors that mean "this address family does not exist here", not "someone else has the port". */
const ADDRESS_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}

/**
 * Starts listening on every host of `loopbackHosts(redirectUri)` at `port`. Resolves once bound;
 * rejects if the port is taken on any of them (another program there could receive the code), or
 * if no host could be bound at all.
 */
export async function startLoopbackListener(options: {
  redirectUri: string;
  port: number;
  onCallback: (callbackUrl: string) => void;
  /** True when the callback URL carries the pending Connect's state. */
  expects: (callbackUrl: string) => boolean;
}): Promise<LoopbackListener> {
  const redirect = new URL(options.redirectUri);
  const handler: http.RequestListener = (req, res) => {
    // Rebuild the URL with the redirect URI's own host spelling so `localhost` redirects match.
    const url = `${redirect.protocol}//${redirect.host}${req.url ?? '/'}`;
    if (req.method !== 'GET' || !matchesRedirectUri(url, options.redirectUri)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    const expected = options.expects(url);
    res
      .writeHead(expected ? 200 : 400, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      })
      .end(expected ? PAGE : FOREIGN_PAGE);
    options.onCallback(url);
  };

  const hosts = loopbackHosts(options.redirectUri);
  const servers: http.Server[] = [];
  const bound: string[] = [];
  let port = options.port;
  try {
    for (const host of hosts) {
      const server = http.createServer(handler);
      try {
        await listen(server, port, host);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        // localhost: one missing address family is fine; a taken port never is.
        if (hosts.length > 1 && ADDRESS_UNAVAILABLE.has(code)) continue;
        throw error;
      }
      servers.push(server);
      bound.push(host);
      port = (server.address() as AddressInfo).port;
    }
    if (servers.length === 0) throw new Error(`No loopback address could be bound for ${redirect.host}`);
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
  return {
    port,
    hosts: bound,
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}
