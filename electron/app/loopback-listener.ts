/**
 * The system-browser mode's loopback receiver (RFC 8252 §7.3): an HTTP server on 127.0.0.1 at the
 * redirect URI's port, alive only while a Connect is pending. It answers the callback path once
 * with a short "return to the app" page and hands the full URL to the session.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchesRedirectUri } from '../auth/callback-parser';

/** The port to listen on when `redirectUri` is a loopback http URL with an explicit port, else null. */
export function loopbackPort(redirectUri: string): number | null {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:') return null;
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && url.hostname !== '[::1]') return null;
  if (url.port === '') return null;
  return Number(url.port);
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Jobber Connect</title></head>
<body style="font-family:system-ui,sans-serif;margin:3rem"><h1>You can close this tab</h1>
<p>Return to Jobber Connect to see the result.</p></body></html>`;

export interface LoopbackListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts listening on 127.0.0.1:`port`. Resolves once bound; rejects if the port is taken. */
export function startLoopbackListener(options: {
  redirectUri: string;
  port: number;
  onCallback: (callbackUrl: string) => void;
}): Promise<LoopbackListener> {
  const server = http.createServer((req, res) => {
    const redirect = new URL(options.redirectUri);
    // Rebuild the URL with the redirect URI's own host spelling so `localhost` redirects match.
    const url = `${redirect.protocol}//${redirect.host}${req.url ?? '/'}`;
    if (req.method !== 'GET' || !matchesRedirectUri(url, options.redirectUri)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    res
      .writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      })
      .end(PAGE);
    options.onCallback(url);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
