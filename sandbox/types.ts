/**
 * Public types of the sandbox: its options, fault kinds, counters and control surface.
 * Everything here is re-exported from server.ts, which is what other code imports.
 */
import type { JobberSide } from './jobber-side';

/** The endpoints a fault can be injected into. */
export type SandboxEndpoint = 'authorize' | 'token' | 'graphql';

/**
 * When a token-endpoint fault strikes: 'before-commit' (the default: nothing changed at the
 * sandbox) or 'after-commit' (the code was redeemed or the pair rotated, then the answer was lost).
 * Other endpoints always play their faults before their work.
 */
export type FaultPhase = 'before-commit' | 'after-commit';

/** One misbehaviour, applied to the next request(s) of an endpoint. */
export type Fault = (
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Wait, then answer normally (after commit: the answer is sent only after the wait). */
  | { kind: 'delay'; ms: number }
  /** Destroy the socket without a response. */
  | { kind: 'drop' }
  /** 200, application/json, body not JSON. */
  | { kind: 'malformed-json' }
  /** 200 with valid headers, body cut mid-way (Content-Length larger than sent, then socket end). */
  | { kind: 'truncated' }
  /** 200 with a text/html page. */
  | { kind: 'wrong-content-type' }
  /** 200 JSON without the expected fields (token: no refresh_token; graphql: no data). */
  | { kind: 'missing-fields' }
) & { phase?: FaultPhase };

/**
 * How the token endpoint words a refusal. Jobber documents only the sentence of a rotated-away
 * refresh token, not its status or body, so each plausible shape is offered (all guesses):
 * - oauth-json: 400 (401 for a client failure) `{"error":"invalid_grant","error_description":…}`
 * - message-json: 401 `{"message":…}`
 * - text: 400 text/plain `Error: …`
 * - html: 401 HTML page carrying the sentence
 */
export type RefusalShape = 'oauth-json' | 'message-json' | 'text' | 'html';

/** Optional extras on a refresh answer: Jobber has been seen sending `expires_at` and a `warning`. */
export interface RefreshExtras {
  expiresAt: boolean;
  warning: string | null;
}

/** Behaviours Jobber does not document, each switchable (all guesses; the client must not depend on them). */
export interface SandboxGuesses {
  /** A replayed authorization code revokes the grant it created (OAuth 2.1 advice). */
  replayRevokesGrant: boolean;
  /** The code exchange must repeat the authorization request's redirect_uri. */
  checkRedirectUriAtExchange: boolean;
}

export interface SandboxCounters {
  tokenRequests: { authorization_code: number; refresh_token: number; rejected: number };
  /** Refresh tokens currently accepted. */
  liveRefreshTokens: number;
  graphqlCalls: number;
  appDisconnects: number;
  authorizeRequests: number;
}

export interface SandboxControl {
  /** Applies `fault` to the next `count` (default 1) requests of `endpoint`, in injection order. */
  injectFault(endpoint: SandboxEndpoint, fault: Fault, count?: number): void;
  clearFaults(): void;
  /** Kills every grant: refresh → invalid_grant, API → 401 Unauthorized. */
  revokeGrant(): void;
  /**
   * As if the person clicked Disconnect in Jobber: API answers the "User has disconnected" error.
   * With an account id, only that account's grants (every install on it); without, all.
   */
  disconnectFromJobber(accountId?: string): void;
  /** Which account the consent page grants from now on (it must exist). */
  signInAs(accountId: string): void;
  /** An inactive account answers `{"error":{"message":"This account is not active"}}`. */
  setAccountActive(accountId: string, active: boolean): void;
  /** Changes the undocumented answer styles (see ApiAnswers). */
  setApiAnswers(answers: Partial<ApiAnswers>): void;
  /** Adds `ms` to the sandbox's notion of now (cumulative, may be negative). */
  shiftClock(ms: number): void;
  counters(): SandboxCounters;
  resetCounters(): void;
  /** Test-only insight for the crash-safety harness. */
  liveRefreshTokens(): string[];
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenLifetime(sec: number): void;
  /** The shape of token-endpoint refusals from now on (default 'oauth-json'). */
  setRefusalShape(shape: RefusalShape): void;
  /** Which optional extras refresh answers carry (default: expires_at, no warning). */
  setRefreshExtras(extras: Partial<RefreshExtras>): void;
  /** Switches undocumented behaviours on or off (default: all on). */
  setGuesses(guesses: Partial<SandboxGuesses>): void;
}

export interface SandboxAccount {
  id: string;
  name: string;
  /** How many clients the account holds (the `clients` connection); default 250. */
  clients?: number;
}

/**
 * How the GraphQL endpoint answers where Jobber does not document it (guesses, see README):
 * the HTTP status of THROTTLED, the 429 style, and "Service temporarily unavailable".
 */
export interface ApiAnswers {
  /** Default 200. */
  throttledStatus: 200 | 429;
  /** 'rack-attack' (default): text/plain, no Retry-After. 'json-retry-after': a JSON error with Retry-After. */
  rateLimit: 'rack-attack' | 'json-retry-after';
  /** When true every GraphQL call answers 503 "Service temporarily unavailable". */
  serviceUnavailable: boolean;
}

export interface SandboxOptions {
  /** Default 0 = random; always binds 127.0.0.1. */
  port?: number;
  /** Registered callback URLs; default ['com.jobberconnect.app:/oauth/callback']. */
  redirectUris?: string[];
  /** Default 3600. */
  accessTokenLifetimeSec?: number;
  /** Default 60. */
  codeLifetimeSec?: number;
  /** Default { id: 'sandbox-account-1', name: 'Sandbox Landscaping Co.' }. */
  account?: SandboxAccount;
  /** Further accounts (signInAs picks which one the consent page grants); `account` comes first. */
  moreAccounts?: SandboxAccount[];
  /** API versions, oldest first; default DEFAULT_API_VERSIONS. */
  apiVersions?: { version: string; supportedUntil: string; removedAfter: string }[];
  /** Default 10000 / 500 per second. */
  throttle?: { maximumAvailable: number; restoreRate: number };
  /** Default 2500 requests / 300 s. */
  rateLimit?: { requests: number; windowSec: number };
  /**
   * If set, grants, live refresh tokens and the JWT signing key are persisted to this JSON file
   * (atomic write) and reloaded on start, so an app restart keeps its sandbox connection.
   */
  statePath?: string;
  /** Epoch ms; default Date.now (plus the control clock offset). */
  clock?: () => number;
  /** Serve the HTTP control API under /__sandbox/ (default true; the app's embedded sandbox: false). */
  controlRoutes?: boolean;
  /**
   * Test-only: let GET /__sandbox/refresh-tokens answer with the live refresh tokens. Off by
   * default, so no sandbox outside a test serves tokens over HTTP.
   */
  testOnlyServeRefreshTokens?: boolean;
  /** Where APP_DISCONNECT webhooks go when the person disconnects in Jobber (jobber-side.ts). */
  webhookUrl?: string;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:54321 (no trailing slash): the apiBaseUrl. */
  url: string;
  port: number;
  control: SandboxControl;
  /** Jobber's server-side behaviour: webhooks and the Marketplace connect (jobber-side.ts). */
  jobberSide: JobberSide;
  /** Closes the server and destroys every socket, keep-alive ones included. */
  close(): Promise<void>;
}
