/**
 * The authenticated Jobber GraphQL client every feature calls, plus the one low-level POST and the
 * one response parser shared with jobber-account-api.ts. The client gets tokens from a
 * TokenProvider (the session), retries once after a 401 with a refreshed token, notices "User has
 * disconnected this app", waits out THROTTLED and 429 answers, and paces requests by query cost.
 * It never sees a refresh token and never logs an access token.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import type { AccountSummary } from '../auth/connection-state';
import type { JobberConfig } from '../auth/config-types';
import { apiUrl } from '../auth/api-url';
import { AuthError, isAuthError } from '../auth/errors';
import { parseRetryAfter } from '../auth/http-retry';
import { type Clock, type Logger, type RandomSource, silentLogger, systemClock } from '../auth/ports';
import { createRedactingLogger, describeError, redact } from '../auth/redact';
import { backoffDelay, resolvePolicy } from '../auth/refresh-policy';
import { FALLBACK_THROTTLE_WAIT_MS, type QueryCost, ThrottlePacer, throttleWaitMs } from './cost';

export type { QueryCost } from './cost';
/** Kept for existing importers; electron/auth/http-retry.ts is its home. */
export { parseRetryAfter } from '../auth/http-retry';

export const DEFAULT_API_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_THROTTLE_RETRIES = 3;
export const DEFAULT_MAX_RATE_LIMIT_RETRIES = 2;

/** What Jobber's API says once the person has disconnected the app from their account. */
const DISCONNECTED_MARKER = /user has disconnected this app/i;
const ACCOUNT_INACTIVE_MARKER = /account is not active/i;

/** Where the client gets its access token; the session implements it. */
export interface TokenProvider {
  getAccessToken(): Promise<string>;
  reportUnauthorized(tokenUsed: string): Promise<string>;
  reportDisconnectedInJobber(): void;
}

export interface GraphqlResult<T> {
  data: T;
  cost: QueryCost | null;
}

/** A successful exchange, or Jobber's THROTTLED answer (nothing executed, safe to resend). */
export type GraphqlExchange =
  | { kind: 'ok'; data: unknown; cost: QueryCost | null }
  | { kind: 'throttled'; cost: QueryCost | null; waitMs: number };

export interface PostGraphqlOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Reads "now" for an HTTP-date Retry-After (default: the system clock). */
  clock?: Pick<Clock, 'now'>;
}

export interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown>;
}

const costSchema = z.object({
  requestedQueryCost: z.number(),
  actualQueryCost: z.number(),
  throttleStatus: z.object({
    maximumAvailable: z.number(),
    currentlyAvailable: z.number(),
    restoreRate: z.number(),
  }),
});

const graphqlErrorSchema = z.looseObject({
  message: z.string().catch(''),
  extensions: z.looseObject({ code: z.unknown().optional() }).optional().catch(undefined),
});

const responseBodySchema = z.looseObject({
  data: z.unknown().optional(),
  errors: z.array(graphqlErrorSchema).optional(),
  extensions: z.looseObject({ cost: z.unknown().optional() }).optional().catch(undefined),
  error: z.union([z.looseObject({ message: z.string() }), z.string()]).optional(),
});

function parseCost(raw: unknown): QueryCost | null {
  const parsed = costSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { requestedQueryCost, actualQueryCost, throttleStatus } = parsed.data;
  return { requestedQueryCost, actualQueryCost, ...throttleStatus };
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
 * The texts in which Jobber reports an error: `errors[].message`, `error` / `error.message`, and,
 * for a non-2xx answer, a top-level `message` or the whole body when it is not JSON. Never `data`:
 * business data (a client's note, a job title) is typed by people and must not steer the client.
 */
function errorTexts(status: number, text: string, json: unknown): string[] {
  const ok = status >= 200 && status < 300;
  if (json === undefined) return ok ? [] : [text];
  if (!isRecord(json)) return [];
  const texts: string[] = [];
  if (Array.isArray(json.errors)) {
    for (const error of json.errors) {
      if (isRecord(error) && typeof error.message === 'string') texts.push(error.message);
    }
  }
  if (typeof json.error === 'string') texts.push(json.error);
  else if (isRecord(json.error) && typeof json.error.message === 'string') texts.push(json.error.message);
  if (!ok && typeof json.message === 'string') texts.push(json.message);
  return texts;
}

function summarizeMessages(messages: string[]): string {
  const joined = messages.filter((message) => message !== '').join('; ') || 'no message';
  const text = redact(joined);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/**
 * The one place that turns Jobber's HTTP answer into a result or a typed AuthError. `text` is the
 * raw body (never logged). Throws: 'disconnected-in-jobber', 'unauthorized' (401),
 * 'rate-limited' (429), 'server-error' (5xx), 'invalid-response' (malformed), 'account-inactive',
 * 'graphql' (other errors, messages redacted).
 */
export function interpretGraphqlResponse(status: number, text: string, retryAfterHeader?: unknown, now: number = Date.now()): GraphqlExchange {
  const json = parseJsonText(text);
  if (errorTexts(status, text, json).some((message) => DISCONNECTED_MARKER.test(message))) {
    throw new AuthError('disconnected-in-jobber', 'The Jobber account owner has disconnected this app in Jobber.');
  }
  if (status === 401) throw new AuthError('unauthorized', 'Jobber did not accept the access token (HTTP 401).');
  const retryAfterMs = parseRetryAfter(retryAfterHeader, now);
  if (status === 429) {
    throw new AuthError('rate-limited', 'Jobber is rate limiting requests (HTTP 429).', retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  if (status >= 500) {
    throw new AuthError('server-error', `Jobber's API answered HTTP ${status}.`, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  if (json === undefined) {
    if (ACCOUNT_INACTIVE_MARKER.test(text)) throw new AuthError('account-inactive', 'This Jobber account is not active.');
    if (status >= 200 && status < 300) throw new AuthError('invalid-response', "Jobber's API sent a response that is not JSON.");
    throw new AuthError('graphql', `Jobber's API answered HTTP ${status}.`);
  }
  const parsed = responseBodySchema.safeParse(json);
  if (!parsed.success) throw new AuthError('invalid-response', "Jobber's API sent a response in an unexpected shape.");
  const body = parsed.data;
  const cost = parseCost(body.extensions?.cost);

  if (body.error !== undefined) {
    const message = typeof body.error === 'string' ? body.error : body.error.message;
    if (ACCOUNT_INACTIVE_MARKER.test(message)) throw new AuthError('account-inactive', 'This Jobber account is not active.');
    throw new AuthError('graphql', `Jobber's API returned an error: ${summarizeMessages([message])}`);
  }
  const errors = body.errors ?? [];
  if (errors.some((error) => error.extensions?.code === 'THROTTLED')) {
    const waitMs = cost ? throttleWaitMs(cost.requestedQueryCost, cost) : FALLBACK_THROTTLE_WAIT_MS;
    return { kind: 'throttled', cost, waitMs: Math.max(waitMs, 1) };
  }
  if (errors.some((error) => ACCOUNT_INACTIVE_MARKER.test(error.message))) {
    throw new AuthError('account-inactive', 'This Jobber account is not active.');
  }
  if (errors.length > 0) {
    throw new AuthError('graphql', `Jobber's API returned errors: ${summarizeMessages(errors.map((error) => error.message))}`);
  }
  if (status < 200 || status >= 300) throw new AuthError('graphql', `Jobber's API answered HTTP ${status}.`);
  if (body.data === undefined || body.data === null) {
    throw new AuthError('invalid-response', "Jobber's API sent a response without data.");
  }
  return { kind: 'ok', data: body.data, cost };
}

/**
 * Maps a failed request to a transient AuthError: 'cancelled', 'timeout', 'invalid-response' when
 * the status line arrived but the body was cut short or could not be read (as the token client
 * says), and 'network' only when no answer arrived at all.
 */
export function classifyTransportError(error: unknown): AuthError {
  if (isAuthError(error)) return error;
  if (axios.isCancel(error)) return new AuthError('cancelled', 'The request to Jobber was cancelled.');
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new AuthError('timeout', `Jobber's API did not answer in time: ${describeError(error)}`);
  }
  const arrived = (error as { response?: unknown } | null)?.response;
  if (code === 'ERR_BAD_RESPONSE' || (typeof arrived === 'object' && arrived !== null)) {
    const status = (arrived as { status?: unknown } | null | undefined)?.status;
    const statusPart = typeof status === 'number' ? ` (HTTP ${status})` : '';
    return new AuthError('invalid-response', `Jobber's API response was cut off before it was complete${statusPart}.`);
  }
  return new AuthError('network', `Could not reach Jobber's API: ${describeError(error)}`);
}

/** The GraphQL endpoint for a configuration. */
export function graphqlUrl(config: JobberConfig): string {
  return apiUrl(config, '/api/graphql');
}

/**
 * One POST to Jobber's GraphQL endpoint with an explicit access token: JSON body, Bearer token,
 * X-JOBBER-GRAPHQL-VERSION. Returns the interpreted exchange or throws an AuthError.
 */
export async function postGraphql(
  http: AxiosInstance,
  config: JobberConfig,
  accessToken: string,
  body: GraphqlBody,
  options: PostGraphqlOptions = {},
): Promise<GraphqlExchange> {
  let response;
  try {
    response = await http.post<string>(graphqlUrl(config), JSON.stringify(body), {
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Bearer ${accessToken}`,
        'X-JOBBER-GRAPHQL-VERSION': config.graphqlVersion,
      },
      timeout: options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS,
      signal: options.signal,
      responseType: 'text',
      // Parse ourselves: axios would silently hand back a string for malformed JSON.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
    });
  } catch (error) {
    throw classifyTransportError(error);
  }
  const text = typeof response.data === 'string' ? response.data : '';
  return interpretGraphqlResponse(response.status, text, response.headers?.['retry-after'], (options.clock ?? systemClock).now());
}

const ACCOUNT_QUERY = 'query JobberConnectAccount { account { id name } }';

export const accountDataSchema = z.object({ account: z.object({ id: z.string(), name: z.string() }) });

export interface JobberGraphqlClientOptions {
  config: JobberConfig;
  tokens: TokenProvider;
  clock?: Clock;
  http?: AxiosInstance;
  timeoutMs?: number;
  logger?: Logger;
  maxThrottleRetries?: number;
  maxRateLimitRetries?: number;
  random?: RandomSource;
}

export interface GraphqlRequestOptions<T> {
  /** Expected query cost: the request waits until the estimated bucket can pay for it. */
  expectedCost?: number;
  /** Validates `data` (recommended: everything from Jobber is untrusted). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

/** Jobber's GraphQL API with the session's tokens. */
export class JobberGraphqlClient {
  private readonly config: JobberConfig;
  private readonly tokens: TokenProvider;
  private readonly clock: Clock;
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly maxThrottleRetries: number;
  private readonly maxRateLimitRetries: number;
  private readonly random: RandomSource;
  private readonly pacer: ThrottlePacer;

  constructor(options: JobberGraphqlClientOptions) {
    this.config = options.config;
    this.tokens = options.tokens;
    this.clock = options.clock ?? systemClock;
    this.http = options.http ?? axios.create();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
    this.logger = createRedactingLogger(options.logger ?? silentLogger);
    this.maxThrottleRetries = options.maxThrottleRetries ?? DEFAULT_MAX_THROTTLE_RETRIES;
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? DEFAULT_MAX_RATE_LIMIT_RETRIES;
    this.random = options.random ?? Math.random;
    this.pacer = new ThrottlePacer(this.clock);
  }

  /**
   * Runs one GraphQL operation. Throws AuthError: 'unauthorized' after a second 401,
   * 'disconnected-in-jobber', 'throttled' / 'rate-limited' when retries run out, 'graphql',
   * 'account-inactive', 'invalid-response', or a transport kind. Network failures are not retried
   * here (a mutation may have run); the caller decides.
   */
  async request<T>(query: string, variables?: Record<string, unknown>, options: GraphqlRequestOptions<T> = {}): Promise<GraphqlResult<T>> {
    const paceMs = this.pacer.waitBeforeMs(options.expectedCost);
    if (paceMs > 0) {
      this.logger.info('Waiting for Jobber query-cost budget before a request.', { waitMs: paceMs });
      await this.sleep(paceMs);
    }
    let retriedUnauthorized = false;
    let throttleRetries = 0;
    let rateLimitRetries = 0;
    const body: GraphqlBody = variables === undefined ? { query } : { query, variables };
    for (;;) {
      const accessToken = await this.tokens.getAccessToken();
      let exchange: GraphqlExchange;
      try {
        exchange = await postGraphql(this.http, this.config, accessToken, body, {
          timeoutMs: this.timeoutMs,
          clock: this.clock,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        const failure = classifyTransportError(error);
        if (failure.kind === 'unauthorized') {
          if (retriedUnauthorized) {
            throw new AuthError('unauthorized', 'Jobber rejected the access token again right after it was renewed.');
          }
          retriedUnauthorized = true;
          this.logger.info('Jobber answered 401; renewing the access token once and retrying.');
          await this.tokens.reportUnauthorized(accessToken);
          continue;
        }
        if (failure.kind === 'disconnected-in-jobber') {
          this.tokens.reportDisconnectedInJobber();
          throw failure;
        }
        if (failure.kind === 'rate-limited' && rateLimitRetries < this.maxRateLimitRetries) {
          rateLimitRetries += 1;
          const waitMs = backoffDelay(rateLimitRetries, resolvePolicy(), this.random, failure.retryAfterMs);
          this.logger.warn('Jobber rate limited the request (429); waiting before retrying.', { waitMs, attempt: rateLimitRetries });
          await this.sleep(waitMs);
          continue;
        }
        throw failure;
      }
      this.pacer.observe(exchange.cost);
      if (exchange.kind === 'throttled') {
        if (throttleRetries >= this.maxThrottleRetries) {
          throw new AuthError('throttled', 'Jobber is throttling queries; try again shortly.', { retryAfterMs: exchange.waitMs });
        }
        throttleRetries += 1;
        this.logger.warn('Jobber throttled the query; waiting for the cost budget to restore.', {
          waitMs: exchange.waitMs,
          attempt: throttleRetries,
        });
        await this.sleep(exchange.waitMs);
        continue;
      }
      if (!options.schema) return { data: exchange.data as T, cost: exchange.cost };
      const parsed = options.schema.safeParse(exchange.data);
      if (!parsed.success) throw new AuthError('invalid-response', "Jobber's API sent data in an unexpected shape.");
      return { data: parsed.data, cost: exchange.cost };
    }
  }

  /** `account { id name }`: which Jobber account this connection belongs to. */
  async account(): Promise<GraphqlResult<AccountSummary>> {
    const result = await this.request(ACCOUNT_QUERY, undefined, { schema: accountDataSchema });
    return { data: result.data.account, cost: result.cost };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.clock.setTimer(ms, resolve);
    });
  }
}

export { ACCOUNT_QUERY };
