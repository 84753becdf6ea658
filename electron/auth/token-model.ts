/**
 * The token pair as the engine holds it, and the record persisted by a TokenStore.
 * Times are epoch milliseconds.
 */
import type { AccountSummary, RefreshOutcome } from './connection-state';

export type ExpirySource = 'jwt-exp' | 'expires-at' | 'default';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** When the access token was obtained (our clock), for the lifetime bar. */
  accessTokenIssuedAt: number;
  accessTokenExpiresAt: number;
  /** Where the expiry came from: the JWT `exp`, the `expires_at` field, or our default (warned). */
  expirySource: ExpirySource;
  /**
   * Diagnostics of a fresh token, never persisted: our clock minus Jobber's when the response let
   * us measure it (the JWT `iat`, else the Date header).
   */
  clockSkewMs?: number;
  /** Diagnostics, never persisted: the expiry looked already past by our clock, so the default lifetime was assumed. */
  expiredOnArrival?: boolean;
}

/** Marker written before a refresh request is sent, cleared when its result is persisted. */
export interface RefreshInFlight {
  startedAt: number;
  /** Non-reversible fingerprint of the refresh token being spent (see redact.ts). */
  refreshTokenFingerprint: string;
}

/**
 * The token endpoint a record's refresh credential may be sent to (endpoint-binding.ts). 'jobber':
 * straight to Jobber's token endpoint at `origin` as the app `clientId`; 'broker': through the
 * broker at `origin`, which holds the client secret (not produced yet).
 */
export type EndpointBinding = { via: 'jobber'; origin: string; clientId: string } | { via: 'broker'; origin: string };

export interface StoredConnection {
  version: 1;
  tokens: TokenSet;
  account: AccountSummary | null;
  connectedAt: number;
  lastRefresh: RefreshOutcome | null;
  refreshInFlight: RefreshInFlight | null;
  /**
   * Absent only in records written before endpoints were recorded: such a record is accepted and
   * bound to the session's endpoint at its next save.
   */
  endpoint?: EndpointBinding;
}
