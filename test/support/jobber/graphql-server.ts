/**
 * A tiny scripted GraphQL endpoint on 127.0.0.1 (port 0) for the client tests: each request takes
 * the next scripted answer and is recorded with its headers and parsed body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, vi } from 'vitest';
import type { JobberConfig } from '../../../electron/auth/config-types';
import type { FakeClock } from '../fake-clock';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface ScriptedAnswer {
  status?: number;
  body: string | object;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering (a dropped connection). */
  drop?: boolean;
  /** Send the headers and half the body, then destroy the socket (a body cut short). */
  truncate?: boolean;
}

export interface GraphqlTestServer {
  baseUrl: string;
  requests: RecordedRequest[];
  answer(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startGraphqlServer(): Promise<GraphqlTestServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const next = queue.shift() ?? { status: 500, body: 'no scripted answer' };
      if (next.drop) {
        req.socket.destroy();
        return;
      }
      const payload = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
      const length = next.truncate ? { 'Content-Length': String(Buffer.byteLength(payload)) } : {};
      res.writeHead(next.status ?? 200, { 'Content-Type': 'application/json', ...length, ...next.headers });
      if (next.truncate) {
        // Content-Length promises the whole payload; only half of it ever arrives.
        res.write(payload.slice(0, Math.floor(payload.length / 2)), () => req.socket.destroy());
        return;
      }
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function costExtension(currentlyAvailable: number, requested = 10, restoreRate = 500, maximumAvailable = 10_000) {
  return {
    cost: {
      requestedQueryCost: requested,
      actualQueryCost: requested,
      throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate },
    },
  };
}

/** A sandbox-mode configuration pointing at a test server. */
export function testClientConfig(apiBaseUrl: string): JobberConfig {
  return {
    environment: 'sandbox',
    clientId: 'id',
    clientSecret: 'secret-value-123',
    redirectUri: 'http://127.0.0.1:1/cb',
    apiBaseUrl,
    graphqlVersion: '2025-04-16',
    authMode: 'app-window',
  };
}

/** Waits (in real time, polling) until the code under test parks on a fake-clock timer. */
export async function untilTimerPending(clock: FakeClock): Promise<void> {
  await vi.waitFor(() => expect(clock.pendingTimers()).toBeGreaterThan(0));
}
