/**
 * The GraphQL endpoint: bearer JWT checked by the sandbox clock and the grant's status, the
 * version header required, the per-grant request window (429) and query-cost bucket (THROTTLED),
 * and the two operations the app needs: `account { id name }` and `appDisconnect`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { SANDBOX_APP_NAME, type SandboxContext } from './context';
import { applyFault } from './faults';
import type { Grant } from './grants';
import { parseOperation, project, QueryParseError, rootType, validateSelections, type FieldSelection, type ResolvedValue } from './graphql-query';
import { readBody, sendJson } from './http-util';
import { verifyJwt } from './jwt';
import type { ThrottleStatus } from './limits';

/** Jobber's message when the person disconnected the app from Jobber's side. */
export const DISCONNECTED_MESSAGE = 'User has disconnected this app from their account. Please delete this token';

const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Query cost of each root field. */
const FIELD_COST: Record<string, number> = { account: 1, appDisconnect: 10, __typename: 0 };

const requestSchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

function extensions(version: string, requested: number, actual: number, throttleStatus: ThrottleStatus): Record<string, unknown> {
  return {
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus },
    versioning: { version },
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

/** Resolves the validated root selections; runs appDisconnect's side effect. */
function execute(selections: readonly FieldSelection[], typeName: string, grant: Grant, ctx: SandboxContext): Record<string, ResolvedValue> {
  const root: Record<string, ResolvedValue> = {};
  for (const selection of selections) {
    if (selection.name === 'account') {
      root.account = { id: ctx.account.id, name: ctx.account.name };
    } else if (selection.name === 'appDisconnect') {
      ctx.grants.kill(grant.id, 'app-disconnected');
      ctx.counters.appDisconnects += 1;
      root.appDisconnect = { app: { id: 'sandbox-app', name: SANDBOX_APP_NAME }, userErrors: [] };
    }
  }
  return project(selections, typeName, root);
}

/** POST /api/graphql */
export async function handleGraphql(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
  ctx.counters.graphqlCalls += 1;
  const rawBody = await readBody(req);

  const fault = ctx.faults.take('graphql');
  if (fault) {
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
    if (outcome === 'handled') return;
  }

  const auth = authenticate(req, ctx);
  if (!auth.ok) return sendJson(res, 401, auth.body);
  const { grant } = auth;

  const version = req.headers['x-jobber-graphql-version'];
  if (typeof version !== 'string' || !VERSION_PATTERN.test(version.trim())) {
    return sendJson(res, 400, {
      errors: [
        graphqlError(
          'The X-JOBBER-GRAPHQL-VERSION header is required and must be an API version date such as 2025-04-16',
          'MISSING_OR_INVALID_API_VERSION',
        ),
      ],
    });
  }
  const apiVersion = version.trim();

  const now = ctx.now();
  const retryAfter = ctx.windows.admit(grant.id, now);
  if (retryAfter !== null) {
    return sendJson(
      res,
      429,
      { errors: [graphqlError('Too many requests: the request rate limit was exceeded', 'RATE_LIMITED')] },
      { 'Retry-After': String(retryAfter) },
    );
  }

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

  const peek = () => ctx.costs.spend(grant.id, 0, now).status;
  let operation;
  try {
    operation = parseOperation(request.data.query);
  } catch (error) {
    const message = error instanceof QueryParseError ? error.message : 'Could not parse the query';
    return sendJson(res, 200, { errors: [graphqlError(`Parse error: ${message}`, 'parseError')], extensions: extensions(apiVersion, 0, 0, peek()) });
  }
  const typeName = rootType(operation.operation);
  const invalid = validateSelections(operation.selections, typeName);
  if (invalid.length > 0) {
    return sendJson(res, 200, { errors: invalid.map((message) => graphqlError(message, 'undefinedField')), extensions: extensions(apiVersion, 0, 0, peek()) });
  }

  const cost = operation.selections.reduce((sum, selection) => sum + (FIELD_COST[selection.name] ?? 1), 0);
  const spent = ctx.costs.spend(grant.id, cost, now);
  if (!spent.ok) {
    return sendJson(res, 200, { errors: [graphqlError('Throttled', 'THROTTLED')], extensions: extensions(apiVersion, cost, 0, spent.status) });
  }
  const data = execute(operation.selections, typeName, grant, ctx);
  sendJson(res, 200, { data, extensions: extensions(apiVersion, cost, cost, spent.status) });
}
