/**
 * Public types of the sandbox: its options, fault kinds, counters and control surface.
 * Everything here is re-exported from server.ts, which is what other code imports.
 */
import type { JobberSide } from './jobber-side';

/** The endpoints a fault can be injected into. */
export type SandboxEndpoint = 'authorize' | 'token' | 'graphql';

/** One misbehaviour, applied to the next request(s) of an endpoint before normal handling. */
export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Wait, then answer normally. */
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
  | { kind: 'missing-fields' };

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
  /** As if the person clicked Disconnect in Jobber: API answers the "User has disconnected" error. */
  disconnectFromJobber(): void;
  /** Adds `ms` to the sandbox's notion of now (cumulative, may be negative). */
  shiftClock(ms: number): void;
  counters(): SandboxCounters;
  resetCounters(): void;
  /** Test-only insight for the crash-safety harness. */
  liveRefreshTokens(): string[];
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenLifetime(sec: number): void;
}

export interface SandboxAccount {
  id: string;
  name: string;
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
