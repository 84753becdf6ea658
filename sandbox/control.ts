/**
 * The control surface: the in-process SandboxControl object and the same operations over HTTP
 * under /__sandbox/ (JSON in and out) for another process (a crash-test child, a dev tool).
 * Control requests must not come from a web page: a request with an Origin header is refused and
 * bodies must be application/json, which a cross-site form cannot send without a preflight.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { zeroCounters, type SandboxContext } from './context';
import { mediaType, readBody, sendJson } from './http-util';
import type { SandboxControl, SandboxCounters } from './types';

/** Path prefix of the HTTP control API. */
export const CONTROL_PREFIX = '/__sandbox';

/** Builds the in-process control object over the sandbox's state. */
export function createControl(ctx: SandboxContext): SandboxControl {
  return {
    injectFault: (endpoint, fault, count = 1) => ctx.faults.inject(endpoint, fault, count),
    clearFaults: () => ctx.faults.clear(),
    revokeGrant: () => ctx.grants.killAll('revoked'),
    disconnectFromJobber: () => ctx.grants.killAll('disconnected-in-jobber'),
    shiftClock: (ms) => {
      if (!Number.isFinite(ms)) throw new RangeError('Clock shift must be a finite number of milliseconds');
      ctx.clockOffsetMs += ms;
    },
    counters: (): SandboxCounters => ({
      tokenRequests: { ...ctx.counters.tokenRequests },
      liveRefreshTokens: ctx.grants.liveRefreshTokens().length,
      graphqlCalls: ctx.counters.graphqlCalls,
      appDisconnects: ctx.counters.appDisconnects,
      authorizeRequests: ctx.counters.authorizeRequests,
    }),
    resetCounters: () => {
      ctx.counters = zeroCounters();
    },
    liveRefreshTokens: () => ctx.grants.liveRefreshTokens(),
    setAccessTokenLifetime: (sec) => {
      if (!Number.isInteger(sec) || sec < 1) throw new RangeError('Access token lifetime must be a positive whole number of seconds');
      ctx.accessTokenLifetimeSec = sec;
    },
  };
}

const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    body: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ kind: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
  z.object({ kind: z.literal('drop') }),
  z.object({ kind: z.literal('malformed-json') }),
  z.object({ kind: z.literal('truncated') }),
  z.object({ kind: z.literal('wrong-content-type') }),
  z.object({ kind: z.literal('missing-fields') }),
]);

/** Body of POST /__sandbox/faults. */
export const injectFaultSchema = z.object({
  endpoint: z.enum(['authorize', 'token', 'graphql']),
  fault: faultSchema,
  count: z.number().int().min(1).optional(),
});

const clockSchema = z.object({ shiftMs: z.number().finite() });
const lifetimeSchema = z.object({ seconds: z.number().int().min(1) });

/** One control operation: the parsed JSON body in, the JSON answer out. */
export type ControlRoute = (body: unknown) => unknown;
type Route = ControlRoute;

function routes(ctx: SandboxContext, control: SandboxControl): Record<string, Route> {
  const ok = { ok: true };
  return {
    'GET /health': () => ({ ok: true, now: ctx.now() }),
    'GET /counters': () => control.counters(),
    'POST /counters/reset': () => (control.resetCounters(), ok),
    'POST /faults': (body) => {
      const input = injectFaultSchema.parse(body);
      control.injectFault(input.endpoint, input.fault, input.count);
      return ok;
    },
    'DELETE /faults': () => (control.clearFaults(), ok),
    'POST /faults/clear': () => (control.clearFaults(), ok),
    'POST /revoke': () => (control.revokeGrant(), ok),
    'POST /disconnect': () => (control.disconnectFromJobber(), ok),
    'POST /clock': (body) => {
      control.shiftClock(clockSchema.parse(body).shiftMs);
      return { ok: true, offsetMs: ctx.clockOffsetMs, now: ctx.now() };
    },
    'POST /access-token-lifetime': (body) => (control.setAccessTokenLifetime(lifetimeSchema.parse(body).seconds), ok),
    'GET /refresh-tokens': () => ({ tokens: control.liveRefreshTokens() }),
  };
}

/** Serves one request under /__sandbox/. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
  control: SandboxControl,
  pathname: string,
  extraRoutes: Readonly<Record<string, Route>> = {},
): Promise<void> {
  if (req.headers.origin !== undefined) {
    return sendJson(res, 403, { error: 'forbidden', message: 'The control API does not serve web pages' });
  }
  const route = { ...routes(ctx, control), ...extraRoutes }[`${req.method ?? 'GET'} ${pathname.slice(CONTROL_PREFIX.length)}`];
  if (!route) return sendJson(res, 404, { error: 'not_found', message: 'Unknown control operation' });
  const raw = await readBody(req);
  let body: unknown = {};
  if (raw.trim() !== '') {
    if (mediaType(req) !== 'application/json') {
      return sendJson(res, 415, { error: 'unsupported_media_type', message: 'Control bodies must be application/json' });
    }
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { error: 'invalid_json', message: 'The body is not valid JSON' });
    }
  }
  try {
    sendJson(res, 200, route(body));
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : 'Invalid request';
    sendJson(res, 400, { error: 'invalid_request', message });
  }
}
