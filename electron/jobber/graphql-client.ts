/**
 * The authenticated Jobber GraphQL client every feature calls. Every request is paced: its cost
 * is estimated from the query by Jobber's rules (or given by the caller), and it waits in the
 * client's one PacingGate until the modelled cost bucket can pay for it and the request budget
 * (2,500 / 300 s) has room. THROTTLED answers are resent when the bucket has restored; a 429
 * (the request limit, shared with every install on the account) holds all callers until the
 * fixed window rolls. Tokens come from a TokenProvider (the session); a 401 is retried once with
 * a renewed token. It never sees a refresh token and never logs an access token.
 */
import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import type { AccountSummary } from '../ipc/connection-state';
import type { JobberConfig } from '../auth/config-types';
import { AuthError, isAuthError } from '../core/errors';
import { type Clock, type RandomSource, systemClock } from '../core/clock';
import { type Logger, silentLogger } from '../core/logger';
import { createRedactingLogger } from '../core/redact';
import { ApiStatusTracker } from './api-status';
import type { QueryCost } from '../ipc/query-cost';
import { FALLBACK_THROTTLE_WAIT_MS, PacingGate } from './cost';
import { estimateQueryCost } from './estimate-cost';
import { ACCOUNT_QUERY, DEFAULT_API_TIMEOUT_MS, accountDataSchema, classifyTransportError, postGraphql, type GraphqlBody } from './graphql-post';
import type { ApiVersioning, GraphqlExchange } from './graphql-response';
import { JOBBER_REQUEST_LIMIT, RequestBudget, nextWindowStart, type RequestLimit } from './request-budget';


/**
 * How long a query keeps being resent after THROTTLED answers. Jobber's bucket always refills, so a
 * query that fits the bucket will go through: a count of resends would fail it merely because
 * another install on the account kept winning the race. A time budget bounds the caller's wait.
 */
export const DEFAULT_MAX_THROTTLED_MS = 60_000;
/** How many request-limit windows a call waits through before giving up (3 × 300 s). */
export const DEFAULT_MAX_RATE_LIMIT_WAITS = 3;
/** Spread of the wait after a window rolls, so installs sharing an account do not all return at once. */
export const WINDOW_ROLL_JITTER_MS = 5_000;

/** Where the client gets its access token; the session implements it. */
export interface TokenProvider {
  getAccessToken(): Promise<string>;
  reportUnauthorized(tokenUsed: string): Promise<string>;
  reportDisconnectedInJobber(): void;
}

export interface GraphqlResult<T> {
  data: T;
  cost: QueryCost | null;
  versioning: ApiVersioning | null;
}

export interface JobberGraphqlClientOptions {
  config: JobberConfig;
  tokens: TokenProvider;
  clock?: Clock;
  http?: AxiosInstance;
  timeoutMs?: number;
  logger?: Logger;
  /** How long THROTTLED answers may hold one query before it fails with AuthError('throttled'). */
  maxThrottledMs?: number;
  maxRateLimitWaits?: number;
  random?: RandomSource;
  /** Receives every answer's account and version news (default: a private tracker). */
  apiStatus?: ApiStatusTracker;
  /** Default Jobber's 2,500 requests / 300 s. */
  requestLimit?: RequestLimit;
}

export interface GraphqlRequestOptions<T> {
  /** Expected query cost; default: estimated from the query by Jobber's rules. */
  expectedCost?: number;
  /** Validates `data` (recommended: everything from Jobber is untrusted). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

/** Jobber's GraphQL API with the session's tokens. */
export class JobberGraphqlClient {
  readonly apiStatus: ApiStatusTracker;
  private readonly config: JobberConfig;
  private readonly tokens: TokenProvider;
  private readonly clock: Clock;
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly maxThrottledMs: number;
  private readonly maxRateLimitWaits: number;
  private readonly random: RandomSource;
  private readonly requestLimit: RequestLimit;
  private readonly gate: PacingGate;

  constructor(options: JobberGraphqlClientOptions) {
    this.config = options.config;
    this.tokens = options.tokens;
    this.clock = options.clock ?? systemClock;
    this.http = options.http ?? axios.create();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
    this.logger = createRedactingLogger(options.logger ?? silentLogger);
    this.maxThrottledMs = options.maxThrottledMs ?? DEFAULT_MAX_THROTTLED_MS;
    this.maxRateLimitWaits = options.maxRateLimitWaits ?? DEFAULT_MAX_RATE_LIMIT_WAITS;
    this.random = options.random ?? Math.random;
    this.apiStatus = options.apiStatus ?? new ApiStatusTracker();
    this.requestLimit = options.requestLimit ?? JOBBER_REQUEST_LIMIT;
    this.gate = new PacingGate(this.clock, new RequestBudget(this.requestLimit));
  }

  /**
   * Runs one GraphQL operation, paced. Throws AuthError: 'unauthorized' after a second 401,
   * 'disconnected-in-jobber', 'account-inactive', 'throttled' / 'rate-limited' when waits run out,
   * 'graphql', 'invalid-response', or a transport kind. Network failures are not retried here (a
   * mutation may have run); the caller decides.
   */
  async request<T>(query: string, variables?: Record<string, unknown>, options: GraphqlRequestOptions<T> = {}): Promise<GraphqlResult<T>> {
    const body: GraphqlBody = variables === undefined ? { query } : { query, variables };
    let cost = options.expectedCost ?? estimateQueryCost(query, variables) ?? 1;
    const attempts = { unauthorized: 0, throttled: 0, rateLimited: 0 };
    let firstThrottledAt: number | null = null;
    let resend = false;
    for (;;) {
      const pass = await this.gate.acquire(cost, { first: resend, ...(options.signal ? { signal: options.signal } : {}) });
      resend = true;
      let exchange: GraphqlExchange;
      let accessToken = '';
      try {
        accessToken = await this.tokens.getAccessToken();
        exchange = await postGraphql(this.http, this.config, accessToken, body, {
          timeoutMs: this.timeoutMs,
          clock: this.clock,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        this.gate.settle(pass, null);
        await this.recover(classifyTransportError(error), accessToken, attempts);
        continue;
      }
      this.gate.settle(pass, exchange.cost);
      this.apiStatus.answered(exchange.versioning);
      if (exchange.kind === 'throttled') {
        const now = this.clock.now();
        firstThrottledAt ??= now;
        // Resent until the time budget is spent, unless the query can never fit the bucket.
        const neverFits = exchange.cost !== null && exchange.cost.requestedQueryCost > exchange.cost.maximumAvailable;
        if (neverFits || now + exchange.waitMs - firstThrottledAt > this.maxThrottledMs) {
          throw new AuthError('throttled', 'Jobber is throttling queries; try again shortly.', { retryAfterMs: exchange.waitMs });
        }
        attempts.throttled += 1;
        // Jobber's figure wins over our estimate; the gate waits (needed − available) / restoreRate.
        cost = Math.max(cost, exchange.cost?.requestedQueryCost ?? 0);
        if (!exchange.cost) this.gate.pauseUntil(this.clock.now() + FALLBACK_THROTTLE_WAIT_MS);
        this.logger.warn('Jobber throttled the query; resending once the cost budget has restored.', { waitMs: exchange.waitMs, attempt: attempts.throttled });
        continue;
      }
      if (!options.schema) return { data: exchange.data as T, cost: exchange.cost, versioning: exchange.versioning };
      const parsed = options.schema.safeParse(exchange.data);
      if (!parsed.success) throw new AuthError('invalid-response', "Jobber's API sent data in an unexpected shape.");
      return { data: parsed.data, cost: exchange.cost, versioning: exchange.versioning };
    }
  }

  /** `account { id name }`: which Jobber account this connection belongs to. */
  async account(): Promise<GraphqlResult<AccountSummary>> {
    const result = await this.request(ACCOUNT_QUERY, undefined, { schema: accountDataSchema });
    return { ...result, data: result.data.account };
  }

  /** Returns to let the caller resend, or throws `failure` (reporting it where it matters). */
  private async recover(failure: AuthError, tokenUsed: string, attempts: { unauthorized: number; rateLimited: number }): Promise<void> {
    if (failure.kind === 'unauthorized' && tokenUsed !== '') {
      if (attempts.unauthorized > 0) throw new AuthError('unauthorized', 'Jobber rejected the access token again right after it was renewed.');
      attempts.unauthorized += 1;
      this.logger.info('Jobber answered 401; renewing the access token once and retrying.');
      await this.tokens.reportUnauthorized(tokenUsed);
      return;
    }
    if (failure.kind === 'disconnected-in-jobber') this.tokens.reportDisconnectedInJobber();
    if (failure.kind === 'account-inactive') this.apiStatus.accountInactive();
    if (failure.kind === 'rate-limited' && attempts.rateLimited < this.maxRateLimitWaits) {
      attempts.rateLimited += 1;
      const now = this.clock.now();
      // No Retry-After (Rack::Attack's default): wait for the fixed window to roll, jittered.
      const until = failure.retryAfterMs !== undefined ? now + failure.retryAfterMs : nextWindowStart(now, this.requestLimit.windowMs) + Math.floor(this.random() * WINDOW_ROLL_JITTER_MS);
      this.logger.warn('Jobber refused the request: the account hit its request limit (429); holding every request until it resets.', { waitMs: until - now, attempt: attempts.rateLimited });
      this.gate.pauseUntil(until);
      return;
    }
    throw isAuthError(failure) ? failure : new AuthError('network', 'The request to Jobber failed.');
  }
}
