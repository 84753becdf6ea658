/** What the renderer may see of any failure: an AuthError's own (redacted) message, else a generic one. */
import { isAuthError } from '../core/errors';
import { redact } from '../core/redact';
import type { UserFacingError } from '../ipc/contract';

/** Maps any failure to what the renderer may see: the AuthError's own (redacted) message, else a generic one. */
export function toUserFacingError(error: unknown): UserFacingError {
  if (isAuthError(error)) return { kind: error.kind, message: redact(error.message) };
  return { kind: 'internal', message: 'Something went wrong inside the app. Details are in the log.' };
}
