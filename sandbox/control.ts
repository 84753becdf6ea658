/**
 * The control surface: the in-process SandboxControl object and the same operations over HTTP
 * under /__sandbox/ (JSON in and out) for another process (a crash-test child, a dev tool).
 * Control requests must not come from a web page: a request with an Origin header is refused and
 * bodies must be application/json, which a cross-site form cannot send without a preflight (and
 * server.ts refuses any Host but the sandbox's own, against DNS rebinding). The live refresh tokens
 * are served only with the test-only option.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { zeroCounters, type AccountRecord, type SandboxContext } from './context';
import { mediaType, readBody, sendJson } from './http-util';
import type { SandboxControl, SandboxCounters } from './types';

/** Path prefix of the HTTP control API. */
export const CONTROL_PREFIX = '/__sandbox';

function knownAccount(ctx: SandboxContext, accountId: string): AccountRecord {
  const account = ctx.accounts.get(accountId);
  if (!account) throw new RangeError(`No sandbox account "${accountId}"`);
  return account;
}

const apiAnswersSchema = z
  .object({
    throttledStatus: z.union([z.literal(200), z.literal(429)]),
    rateLimit: z.enum(['rack-attack', 'json-retry-after']),
    serviceUnavailable: z.boolean(),
  })
  .partial()
  .strict();

/** Builds the in-process control object over the sandbox's state. */
export function createControl(ctx: SandboxContext): SandboxControl {
  return {
    injectFault: (endpoint, fault, count = 1) => ctx.faults.inject(endpoint, fault, count),
    clearFaults: () => ctx.faults.clear(),
    revokeGrant: () => ctx.grants.killAll('revoked'),
    disconnectFromJobber: (accountId) => {
      if (accountId === undefined) ctx.grants.killAll('disconnected-in-jobber');
      else ctx.grants.killAccount(ctx.clientId, knownAccount(ctx, accountId).id, 'disconnected-in-jobber');
    },
    signInAs: (accountId) => {
      ctx.signedInAccountId = knownAccount(ctx, accountId).id;
    },
    setAccountActive: (accountId, active) => {
      knownAccount(ctx, accountId).active = active;
    },
    setApiAnswers: (answers) => {
      ctx.answers = { ...ctx.answers, ...apiAnswersSchema.parse(answers) };
    },
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
    setRefusalShape: (shape) => {
      ctx.refusalShape = refusalShapeSchema.parse(shape);
    },
    setRefreshExtras: (extras) => {
      ctx.refreshExtras = { ...ctx.refreshExtras, ...refreshExtrasSchema.parse(extras) };
    },
    setGuesses: (guesses) => {
      ctx.guesses = { ...ctx.guesses, ...guessesSchema.parse(guesses) };
    },
  };
}

const phase = { phase: z.enum(['before-commit', 'after-commit']).optional() };

const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    body: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    ...phase,
  }),
  z.object({ kind: z.literal('delay'), ms: z.number().int().min(0).max(600_000), ...phase }),
  z.object({ kind: z.literal('drop'), ...phase }),
  z.object({ kind: z.literal('malformed-json'), ...phase }),
  z.object({ kind: z.literal('truncated'), ...phase }),
  z.object({ kind: z.literal('wrong-content-type'), ...phase }),
  z.object({ kind: z.literal('missing-fields'), ...phase }),
]);

const refusalShapeSchema = z.enum(['oauth-json', 'message-json', 'text', 'html']);
const refreshExtrasSchema = z.object({ expiresAt: z.boolean().optional(), warning: z.string().max(500).nullable().optional() }).strict();
const guessesSchema = z.object({ replayRevokesGrant: z.boolean().optional(), checkRedirectUriAtExchange: z.boolean().optional() }).strict();

/** Body of POST /__sandbox/faults. */
export const injectFaultSchema = z.object({
  endpoint: z.enum(['authorize', 'token', 'graphql']),
  fault: faultSchema,
  count: z.number().int().min(1).optional(),
});

const clockSchema = z.object({ shiftMs: z.number().finite() });
const accountIdSchema = z.object({ accountId: z.string().min(1) });
const disconnectSchema = z.object({ accountId: z.string().min(1).optional() });
const accountActiveSchema = z.object({ accountId: z.string().min(1), active: z.boolean() });
const lifetimeSchema = z.object({ seconds: z.number().int().min(1) });

/** One control operation: the parsed JSON body in, the JSON answer out. */
export type ControlRoute = (body: unknown) => unknown;
type Route = ControlRoute;

function routes(ctx: SandboxContext, control: SandboxControl, serveRefreshTokens: boolean): Record<string, Route> {
  const ok = { ok: true };
  const tokenRoute: Record<string, Route> = serveRefreshTokens
    ? { 'GET /refresh-tokens': () => ({ tokens: control.liveRefreshTokens() }) }
    : {};
  return {
    ...tokenRoute,
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
    'POST /disconnect': (body) => (control.disconnectFromJobber(disconnectSchema.parse(body).accountId), ok),
    'POST /sign-in-as': (body) => (control.signInAs(accountIdSchema.parse(body).accountId), ok),
    'POST /account-active': (body) => {
      const input = accountActiveSchema.parse(body);
      control.setAccountActive(input.accountId, input.active);
      return ok;
    },
    'POST /api-answers': (body) => (control.setApiAnswers(apiAnswersSchema.parse(body)), ok),
    'POST /clock': (body) => {
      control.shiftClock(clockSchema.parse(body).shiftMs);
      return { ok: true, offsetMs: ctx.clockOffsetMs, now: ctx.now() };
    },
    'POST /access-token-lifetime': (body) => (control.setAccessTokenLifetime(lifetimeSchema.parse(body).seconds), ok),
    'POST /refusal-shape': (body) => (control.setRefusalShape(z.object({ shape: refusalShapeSchema }).parse(body).shape), ok),
    'POST /refresh-extras': (body) => (control.setRefreshExtras(refreshExtrasSchema.parse(body)), ok),
    'POST /guesses': (body) => (control.setGuesses(guessesSchema.parse(body)), ok),
  };
}

/** Serves one request under /__sandbox/. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
  control: SandboxControl,
  pathname: string,
  serveRefreshTokens: boolean,
  extraRoutes: Readonly<Record<string, Route>> = {},
): Promise<void> {
  if (req.headers.origin !== undefined) {
    return sendJson(res, 403, { error: 'forbidden', message: 'The control API does not serve web pages' });
  }
  const route = { ...routes(ctx, control, serveRefreshTokens), ...extraRoutes }[`${req.method ?? 'GET'} ${pathname.slice(CONTROL_PREFIX.length)}`];
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
