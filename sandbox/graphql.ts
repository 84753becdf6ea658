/**
 * The GraphQL endpoint: bearer JWT checked by the sandbox clock and the grant's status, the
 * version header required and answered as Jobber's versioning rules say, the request limit (429,
 * Rack::Attack style) and the query-cost bucket (THROTTLED), both per app and account, and the
 * operations the app and the benchmarks need: `account`, `clients` (a connection) and
 * `appDisconnect`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { answerVersion, type VersionAnswer } from './api-versions';
import type { AccountRecord, SandboxContext } from './context';
import { applyFault } from './faults';
import type { Grant } from './grants';
import { selectionCost } from './graphql-cost';
import { parseOperation, project, QueryParseError, rootType, validateSelections, type FieldSelection } from './graphql-query';
import { resolveRoot } from './graphql-resolvers';
import { readBody, sendJson } from './http-util';
import { verifyJwt } from './jwt';
import { limitKey, type ThrottleStatus } from './limits';

/** Jobber's message when the person disconnected the app from Jobber's side. */
export const DISCONNECTED_MESSAGE = 'User has disconnected this app from their account. Please delete this token';
/** Jobber's answer for an account that is not active (docs: handling_api_errors). */
export const ACCOUNT_INACTIVE_BODY = { error: { message: 'This account is not active' } };
export const SERVICE_UNAVAILABLE_TEXT = 'Service temporarily unavailable';
/** Rack::Attack's default throttled response body. */
export const RACK_ATTACK_BODY = 'Retry later\n';

const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const requestSchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

function extensions(version: VersionAnswer | string, requested: number, actual: number, throttleStatus: ThrottleStatus): Record<string, unknown> {
  return {
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus },
    versioning: typeof version === 'string' ? { version } : version,
  };
}

type Authentication = { ok: true; grant: Grant } | { ok: false; body: unknown };

const UNAUTHORIZED = { message: 'Unauthorized' };

function authenticate(req: IncomingMessage, ctx: SandboxContext): Authentication {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return { ok: false, body: UNAUTHORIZED };
  const claims = verifyJwt(match[1], ctx.signingKey);
  if (!claims || claims.exp * 1000 <= ctx.now()) return { ok: false, body: UNAUTHORIZED };
  const grant = ctx.grants.grantForAccessToken(match[1]);
  if (!grant || grant.accountId !== claims.account_id) return { ok: false, body: UNAUTHORIZED };
  if (grant.status === 'disconnected-in-jobber') return { ok: false, body: { errors: [{ message: DISCONNECTED_MESSAGE }] } };
  if (grant.status !== 'live') return { ok: false, body: UNAUTHORIZED };
  return { ok: true, grant };
}

function graphqlError(message: string, code?: string): Record<string, unknown> {
  return code ? { message, extensions: { code } } : { message };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store' });
  res.end(text);
}

/** Resolves the validated root selections one by one (each may carry its own arguments). */
function execute(selections: readonly FieldSelection[], typeName: string, grant: Grant, account: AccountRecord, ctx: SandboxContext): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const selection of selections) {
    const value = resolveRoot(selection, grant, account, ctx);
    Object.assign(data, project([selection], typeName, { [selection.name]: value }));
  }
  return data;
}

/** 429 beyond the request limit: Rack::Attack's default, or the JSON + Retry-After variant (a guess). */
function sendRateLimited(res: ServerResponse, ctx: SandboxContext, retryAfterSec: number): void {
  if (ctx.answers.rateLimit === 'rack-attack') return sendText(res, 429, RACK_ATTACK_BODY);
  sendJson(res, 429, { errors: [graphqlError('Too many requests: the request rate limit was exceeded', 'RATE_LIMITED')] }, { 'Retry-After': String(retryAfterSec) });
}

async function answerFault(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<boolean> {
  const fault = ctx.faults.take('graphql');
  if (!fault) return false;
  const status = { maximumAvailable: 0, currentlyAvailable: 0, restoreRate: 0 };
  const ext = extensions(String(req.headers['x-jobber-graphql-version'] ?? ''), 1, 1, status);
  const outcome = await applyFault(
    fault,
    res,
    {
      success: () => ({
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ data: { account: { id: ctx.account.id, name: ctx.account.name } }, extensions: ext }),
      }),
      missingFields: () => ({ contentType: 'application/json; charset=utf-8', body: JSON.stringify({ extensions: ext }) }),
    },
    ctx.sleep,
  );
  return outcome === 'handled';
}

/** POST /api/graphql */
export async function handleGraphql(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
  ctx.counters.graphqlCalls += 1;
  const rawBody = await readBody(req);
  if (await answerFault(req, res, ctx)) return;
  if (ctx.answers.serviceUnavailable) return sendText(res, 503, SERVICE_UNAVAILABLE_TEXT);

  const auth = authenticate(req, ctx);
  if (!auth.ok) return sendJson(res, 401, auth.body);
  const { grant } = auth;

  const requestedVersion = req.headers['x-jobber-graphql-version'];
  if (typeof requestedVersion !== 'string' || !VERSION_PATTERN.test(requestedVersion.trim())) {
    return sendJson(res, 400, {
      errors: [
        graphqlError(
          'The X-JOBBER-GRAPHQL-VERSION header is required and must be an API version date such as 2025-04-16',
          'MISSING_OR_INVALID_API_VERSION',
        ),
      ],
    });
  }
  const now = ctx.now();
  const version = answerVersion(requestedVersion.trim(), ctx.versions, now);

  const key = limitKey(grant.clientId, grant.accountId);
  const retryAfter = ctx.windows.admit(key, now);
  if (retryAfter !== null) return sendRateLimited(res, ctx, retryAfter);

  const account = ctx.accounts.get(grant.accountId);
  if (!account?.active) return sendJson(res, 403, ACCOUNT_INACTIVE_BODY);

  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return sendJson(res, 400, { errors: [graphqlError('The request body must be JSON: {"query": "...", "variables": {...}}')] });
  }
  const request = requestSchema.safeParse(json);
  if (!request.success) {
    return sendJson(res, 400, { errors: [graphqlError('The request body must have a non-empty "query" string')] });
  }

  const peek = () => ctx.costs.spend(key, 0, now).status;
  let operation;
  try {
    operation = parseOperation(request.data.query, request.data.variables ?? {}, request.data.operationName);
  } catch (error) {
    const message = error instanceof QueryParseError ? error.message : 'Could not parse the query';
    return sendJson(res, 200, { errors: [graphqlError(`Parse error: ${message}`, 'parseError')], extensions: extensions(version, 0, 0, peek()) });
  }
  const typeName = rootType(operation.operation);
  const invalid = validateSelections(operation.selections, typeName);
  if (invalid.length > 0) {
    return sendJson(res, 200, { errors: invalid.map((message) => graphqlError(message, 'undefinedField')), extensions: extensions(version, 0, 0, peek()) });
  }

  const requested = selectionCost(operation.selections, typeName, (_type, size) => size);
  const actual = selectionCost(operation.selections, typeName, (_type, size) => Math.min(size, account.clients));
  const spent = ctx.costs.spend(key, requested, now, actual);
  if (!spent.ok) {
    return sendJson(res, ctx.answers.throttledStatus, {
      errors: [graphqlError('Throttled', 'THROTTLED')],
      extensions: extensions(version, requested, 0, spent.status),
    });
  }
  const data = execute(operation.selections, typeName, grant, account, ctx);
  sendJson(res, 200, { data, extensions: extensions(version, requested, actual, spent.status) });
}
