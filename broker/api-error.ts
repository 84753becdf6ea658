/**
 * The broker's error answers: `{ error, message }` with a status, per the HTTP contract. Routes
 * throw ApiError; the app's error handler (app.ts) turns it, and Fastify's own errors, into JSON.
 */

export type ApiErrorCode =
  | 'invalid_request'
  | 'return_to_not_allowed'
  | 'invalid_handoff'
  | 'invalid_pairing'
  | 'unknown_device'
  | 'grant_disconnected'
  | 'grant_rejected'
  | 'jobber_unavailable'
  | 'rate_limited'
  | 'invalid_signature'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'storage_unavailable'
  | 'internal_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function unknownDevice(): ApiError {
  return new ApiError(401, 'unknown_device', 'This device credential is unknown or was revoked; connect again.');
}

/** Seconds for a Retry-After header (at least 1). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
