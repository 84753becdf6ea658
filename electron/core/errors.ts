/**
 * Errors as values with a kind. Every failure the engine can meet is classified once, here, and the
 * session maps the kind to a connection state; nothing else matches on message text.
 */

export type AuthErrorKind =
  // transport / server: transient, tokens are kept and the call is retried with backoff
  | 'network'
  | 'timeout'
  | 'server-error'
  | 'rate-limited'
  | 'invalid-response'
  /** A 4xx from the token endpoint that does not say the grant is gone (retried, but not forever). */
  | 'refused'
  // the grant is gone: needs reconnect
  | 'rejected-grant'
  | 'disconnected-in-jobber'
  // our configuration is wrong (bad client id/secret, redirect URI mismatch)
  | 'misconfigured'
  // callback parsing
  | 'denied'
  | 'state-mismatch'
  | 'unknown-state'
  | 'expired-state'
  | 'missing-code'
  | 'stateless-callback'
  | 'malformed-callback'
  // flow control
  | 'cancelled'
  | 'not-connected'
  /** Connect was asked for while a working grant exists: disconnect first. */
  | 'already-connected'
  // API
  | 'unauthorized'
  | 'throttled'
  | 'graphql'
  | 'account-inactive'
  // storage
  | 'storage';

const TRANSIENT_KINDS: ReadonlySet<AuthErrorKind> = new Set([
  'network',
  'timeout',
  'server-error',
  'rate-limited',
  'invalid-response',
  'refused',
  'throttled',
]);

/** True for failures that say nothing about the grant: keep tokens, retry later. */
export function isTransient(kind: AuthErrorKind): boolean {
  return TRANSIENT_KINDS.has(kind);
}

export class AuthError extends Error {
  readonly kind: AuthErrorKind;
  /** Server-suggested wait (Retry-After, throttle restore time), if any. */
  readonly retryAfterMs: number | undefined;
  /** The HTTP status Jobber answered with, when the failure was an answer (not a lost request). */
  readonly httpStatus: number | undefined;

  /** `message` must already be free of secrets: build it from redacted parts only. */
  constructor(kind: AuthErrorKind, message: string, options: { retryAfterMs?: number; httpStatus?: number } = {}) {
    super(message);
    this.name = 'AuthError';
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.httpStatus = options.httpStatus;
  }

  get transient(): boolean {
    return isTransient(this.kind);
  }
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}
