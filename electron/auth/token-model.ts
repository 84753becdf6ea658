/**
 * The token pair as the engine holds it, and the record persisted by a TokenStore.
 * Times are epoch milliseconds.
 */

export type ExpirySource = 'jwt-exp' | 'expires-in' | 'expires-at' | 'default';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** When the access token was obtained (our clock), for the lifetime bar. */
  accessTokenIssuedAt: number;
  accessTokenExpiresAt: number;
  /** Where the expiry came from: the JWT `exp`, `expires_in`, `expires_at`, or our default (warned). */
  expirySource: ExpirySource;
  /**
   * Diagnostics of a fresh token, never persisted: our clock minus Jobber's when the response let
   * us measure it (the JWT `iat`, else the Date header).
   */
  clockSkewMs?: number;
  /** Diagnostics, never persisted: the expiry looked already past by our clock, so the default lifetime was assumed. */
  expiredOnArrival?: boolean;
}

/** The record a TokenStore persists and its endpoint binding: defined by their schema (stored-connection-schema.ts). */
export type { EndpointBinding, StoredConnection } from './stored-connection-schema';
