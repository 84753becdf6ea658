/**
 * The engine's ports: token persistence, the token endpoint, the revoker and the account API.
 * Electron, disk, the broker and the network are plugged in at the composition root; tests pass fakes.
 */
import type { AccountSummary } from '../ipc/connection-state';
import type { StoredConnection, TokenSet } from './token-model';

export type StoreUnreadableReason =
  | 'decrypt-failed'
  | 'backend-changed'
  | 'corrupt'
  | 'unavailable'
  | 'basic-text';

export type StoreLoadResult =
  | { kind: 'empty' }
  | { kind: 'loaded'; connection: StoredConnection }
  | { kind: 'unreadable'; reason: StoreUnreadableReason; message: string };

/**
 * Persistence of the one connection record. `save` must be atomic (all or nothing) and durable
 * before it resolves: the engine relies on that to never use a refresh token it has not stored.
 * `load` never throws for bad data; it reports it as `unreadable` and leaves the data in place.
 */
export interface TokenStore {
  load(): Promise<StoreLoadResult>;
  save(connection: StoredConnection): Promise<void>;
  clear(): Promise<void>;
}

/**
 * The OAuth token endpoint (token-client.ts implements it with axios; broker mode:
 * electron/broker/broker-token-endpoint.ts, where the "code" is the broker's hand-off and the "refresh
 * token" the device credential). Throws AuthError.
 */
export interface TokenEndpoint {
  /**
   * Exchanges an authorization code, proving the request with its PKCE verifier (RFC 7636). The
   * Session always passes one; it is optional only so tests can drive the form without a request.
   */
  exchangeCode(code: string, codeVerifier?: string): Promise<TokenSet>;
  refresh(refreshToken: string): Promise<TokenSet>;
}

/**
 * Broker mode: Disconnect (and a sign-in given up after approval) tells the broker, which tells
 * Jobber and forgets the grant. Bounded by `timeoutMs`; never throws.
 */
export interface GrantRevoker {
  revoke(credential: string, timeoutMs: number): Promise<{ notified: boolean; problem: string }>;
}

/**
 * The two Jobber API calls the session itself needs, made with an explicit access token
 * (electron/jobber implements it). Throws AuthError.
 */
export interface JobberAccountApi {
  fetchAccount(accessToken: string): Promise<AccountSummary>;
  /** Calls the appDisconnect mutation; `signal` bounds the wait. */
  appDisconnect(accessToken: string, signal: AbortSignal): Promise<void>;
}
