/**
 * The Fastify application: logging with secrets redacted, the per-IP limit, error answers in the
 * contract's `{ error, message }` shape, health checks, and the route groups. No listening here
 * (broker.ts does that), so tests can build it around their own dependencies.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import { redact } from '../electron/core/redact';
import { ApiError, retryAfterSeconds, type ApiErrorCode } from './api-error';
import type { BrokerDeps } from './broker-deps';
import { drainConnectionsOnClose } from './connection-drain';
import { CipherError } from './crypto/token-cipher';
import { registerConnectRoutes } from './routes/connect-routes';
import { registerDeviceRoutes, type OpenStreams } from './routes/device-routes';
import { registerWebhookRoutes } from './routes/webhook-routes';

export interface AppOptions {
  /** pino level; 'silent' in tests. */
  logLevel?: string;
  /** Trust X-Forwarded-For from the TLS-terminating proxy in front (Fastify's trustProxy). */
  trustProxy?: boolean | string;
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
}

/** Paths outside the per-IP limit: probes, and Jobber's signed webhooks. */
const UNLIMITED = new Set(['/healthz', '/readyz', '/webhooks/jobber']);

/** pino settings: headers that carry secrets are censored, URLs pass through the engine's redact(). */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers["x-jobber-hmac-sha256"]', 'req.headers.cookie', 'res.headers.location'], censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: redact(req.url ?? ''), ip: req.ip }),
      err: (err: Error) => ({ type: err.name, message: redact(err.message), stack: '' }),
    },
  };
}

const FASTIFY_ERRORS: Record<string, [number, ApiErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is larger than this endpoint accepts.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'This endpoint accepts application/json bodies only.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_request', 'The JSON body is empty.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_request', 'The body is not valid JSON.'],
};

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `Invalid request: ${where}${issue?.message ?? 'malformed body'}.`;
}

export async function buildApp(deps: BrokerDeps, options: AppOptions = {}): Promise<{ app: FastifyInstance; streams: OpenStreams }> {
  const app = Fastify({ logger: loggerOptions(options.logLevel ?? 'info', options.logStream), trustProxy: options.trustProxy ?? false, bodyLimit: 16 * 1024 });
  const streams: OpenStreams = new Set();
  drainConnectionsOnClose(app);

  app.addHook('onRequest', async (request) => {
    if (UNLIMITED.has(request.url.split('?')[0] ?? '')) return;
    const waitMs = deps.ipLimit.take(request.ip, deps.clock.now());
    if (waitMs !== null) throw new ApiError(429, 'rate_limited', 'Too many requests from this address; wait and try again.', waitMs);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status = 500;
    let code: ApiErrorCode = 'internal_error';
    let message = 'The broker failed to handle the request.';
    if (error instanceof ApiError) {
      [status, code, message] = [error.status, error.code, error.message];
      if (error.retryAfterMs !== undefined) reply.header('Retry-After', retryAfterSeconds(error.retryAfterMs));
    } else if (error instanceof z.ZodError) {
      [status, code, message] = [400, 'invalid_request', firstIssue(error)];
    } else if (error.code && FASTIFY_ERRORS[error.code]) {
      [status, code, message] = FASTIFY_ERRORS[error.code]!;
    } else if (error instanceof CipherError) {
      [status, code, message] = [500, 'storage_unavailable', `The broker cannot read this connection's stored tokens: ${error.message}.`];
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      [status, code, message] = [error.statusCode, 'invalid_request', 'The request is not valid.'];
    }
    if (status >= 500) request.log.error({ err: error }, 'Request failed');
    return reply.code(status).send({ error: code, message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'No such endpoint.' }));

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.storage.ping();
      return { ready: true };
    } catch {
      return reply.code(503).send({ error: 'storage_unavailable', message: 'The broker cannot reach its storage.' });
    }
  });

  registerConnectRoutes(app, deps);
  registerDeviceRoutes(app, deps, streams);
  await registerWebhookRoutes(app, deps);

  // Event streams never end by themselves: close their connections so shutdown can finish the
  // in-flight requests (an event-stream client reconnects).
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.socket?.destroy();
  });
  return { app, streams };
}
