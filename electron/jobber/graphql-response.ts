/**
 * The one place that turns Jobber's HTTP answer to a GraphQL POST into a result or a typed
 * AuthError. Jobber documents several answer shapes without their HTTP status, so the body is read
 * first whatever the status: the "User has disconnected" message (top-level or in `errors`), the
 * inactive-account error, "Service temporarily unavailable", and THROTTLED (a 429 carrying a
 * THROTTLED body is a cost throttle, not the request limit).
 */
import { z } from 'zod';
import { AuthError } from '../core/errors';
import { parseRetryAfter } from '../core/http';
import { redact } from '../core/redact';
import type { QueryCost } from '../ipc/query-cost';
import { FALLBACK_THROTTLE_WAIT_MS, throttleWaitMs } from './cost';

/** `extensions.versioning`: the API version Jobber actually answered with, and its warning if any. */
export interface ApiVersioning {
  version: string;
  warning?: string;
}

/** A successful exchange, or Jobber's THROTTLED answer (nothing executed, safe to resend). */
export type GraphqlExchange =
  | { kind: 'ok'; data: unknown; cost: QueryCost | null; versioning: ApiVersioning | null }
  | { kind: 'throttled'; cost: QueryCost | null; waitMs: number; versioning: ApiVersioning | null };

/** What Jobber's API says once the person has disconnected the app from their account. */
const DISCONNECTED_MARKER = /user has disconnected this app/i;
const ACCOUNT_INACTIVE_MARKER = /account is not active/i;
const SERVICE_UNAVAILABLE_MARKER = /service temporarily unavailable/i;

const costSchema = z.object({
  requestedQueryCost: z.number(),
  actualQueryCost: z.number(),
  throttleStatus: z.object({
    maximumAvailable: z.number(),
    currentlyAvailable: z.number(),
    restoreRate: z.number(),
  }),
});

const versioningSchema = z.object({ version: z.string().min(1).max(40), warning: z.string().max(2_000).nullish() });

const graphqlErrorSchema = z.looseObject({
  message: z.string().catch(''),
  extensions: z.looseObject({ code: z.unknown().optional() }).optional().catch(undefined),
});

const responseBodySchema = z.looseObject({
  data: z.unknown().optional(),
  errors: z.array(graphqlErrorSchema).optional(),
  extensions: z.looseObject({ cost: z.unknown().optional(), versioning: z.unknown().optional() }).optional().catch(undefined),
});

function parseCost(raw: unknown): QueryCost | null {
  const parsed = costSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { requestedQueryCost, actualQueryCost, throttleStatus } = parsed.data;
  return { requestedQueryCost, actualQueryCost, ...throttleStatus };
}

function parseVersioning(raw: unknown): ApiVersioning | null {
  const parsed = versioningSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { version, warning } = parsed.data;
  return warning ? { version, warning: redact(warning) } : { version };
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The texts in which Jobber reports an error: `errors[].message`, `error` / `error.message`, a
 * top-level `message` (the disconnect notice, documented without a status), and the whole body
 * of a non-2xx answer that is not JSON. Never `data`: business data (a client's note, a job
 * title) is typed by people and must not steer the client.
 */
function errorTexts(status: number, text: string, json: unknown): string[] {
  if (json === undefined) return status >= 200 && status < 300 ? [] : [text];
  if (!isRecord(json)) return [];
  const texts: string[] = [];
  if (Array.isArray(json.errors)) {
    for (const error of json.errors) {
      if (isRecord(error) && typeof error.message === 'string') texts.push(error.message);
    }
  }
  if (typeof json.error === 'string') texts.push(json.error);
  else if (isRecord(json.error) && typeof json.error.message === 'string') texts.push(json.error.message);
  if (typeof json.message === 'string') texts.push(json.message);
  return texts;
}

function summarizeMessages(messages: string[]): string {
  const joined = messages.filter((message) => message !== '').join('; ') || 'no message';
  const text = redact(joined);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function retryAfterOption(retryAfterMs: number | undefined): { retryAfterMs?: number } {
  return retryAfterMs === undefined ? {} : { retryAfterMs };
}

/** Answers recognised by their words, whatever the status and shape. */
function throwForKnownMessages(texts: string[], retryAfterMs: number | undefined): void {
  if (texts.some((message) => DISCONNECTED_MARKER.test(message))) {
    throw new AuthError('disconnected-in-jobber', 'The Jobber account owner has disconnected this app in Jobber.');
  }
  if (texts.some((message) => ACCOUNT_INACTIVE_MARKER.test(message))) {
    throw new AuthError('account-inactive', 'Jobber says this account is not active.');
  }
  if (texts.some((message) => SERVICE_UNAVAILABLE_MARKER.test(message))) {
    throw new AuthError('server-error', 'Jobber says its service is temporarily unavailable.', retryAfterOption(retryAfterMs));
  }
}

/**
 * Interprets one answer. `text` is the raw body (never logged). Throws AuthError:
 * 'disconnected-in-jobber', 'account-inactive', 'unauthorized' (401), 'rate-limited' (429 that is
 * not THROTTLED), 'server-error' (5xx, service unavailable), 'invalid-response' (malformed),
 * 'graphql' (other errors, messages redacted).
 */
export function interpretGraphqlResponse(status: number, text: string, retryAfterHeader?: unknown, now: number = Date.now()): GraphqlExchange {
  const json = parseJsonText(text);
  const retryAfterMs = parseRetryAfter(retryAfterHeader, now);
  throwForKnownMessages(errorTexts(status, text, json), retryAfterMs);

  const parsed = json === undefined ? undefined : responseBodySchema.safeParse(json);
  const body = parsed?.success ? parsed.data : undefined;
  const cost = parseCost(body?.extensions?.cost);
  const versioning = parseVersioning(body?.extensions?.versioning);
  const errors = body?.errors ?? [];
  if (errors.some((error) => error.extensions?.code === 'THROTTLED')) {
    const waitMs = cost ? throttleWaitMs(cost.requestedQueryCost, cost) : FALLBACK_THROTTLE_WAIT_MS;
    return { kind: 'throttled', cost, waitMs: Math.max(waitMs, 1), versioning };
  }

  if (status === 401) throw new AuthError('unauthorized', 'Jobber did not accept the access token (HTTP 401).');
  if (status === 429) throw new AuthError('rate-limited', 'Jobber is rate limiting requests (HTTP 429).', retryAfterOption(retryAfterMs));
  if (status >= 500) throw new AuthError('server-error', `Jobber's API answered HTTP ${status}.`, retryAfterOption(retryAfterMs));
  const ok = status >= 200 && status < 300;
  if (json === undefined) {
    if (ok) throw new AuthError('invalid-response', "Jobber's API sent a response that is not JSON.");
    throw new AuthError('graphql', `Jobber's API answered HTTP ${status}.`);
  }
  if (!body) throw new AuthError('invalid-response', "Jobber's API sent a response in an unexpected shape.");
  const topLevelError = errorTexts(200, text, { error: (json as Record<string, unknown>).error });
  if (topLevelError.length > 0) throw new AuthError('graphql', `Jobber's API returned an error: ${summarizeMessages(topLevelError)}`);
  if (errors.length > 0) {
    throw new AuthError('graphql', `Jobber's API returned errors: ${summarizeMessages(errors.map((error) => error.message))}`);
  }
  if (!ok) throw new AuthError('graphql', `Jobber's API answered HTTP ${status}.`);
  if (body.data === undefined || body.data === null) {
    throw new AuthError('invalid-response', "Jobber's API sent a response without data.");
  }
  return { kind: 'ok', data: body.data, cost, versioning };
}
