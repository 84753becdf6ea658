/**
 * Reading HTTP's Retry-After header, shared by the token client and the GraphQL client so both
 * wait the same way. Pure: the caller passes the current time.
 */

/**
 * Retry-After as milliseconds from `now`, or undefined when the value is absent or unusable.
 * Accepts delay-seconds (digits only, RFC 9110 §10.2.3) or an HTTP date (a past date gives 0).
 * A date must contain letters: Date.parse alone would read "-3" or "1e3" as a year. A delay too
 * large to represent is clamped, not dropped: it still means "wait long" (callers cap the wait).
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, Number.MAX_SAFE_INTEGER);
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The response's Date header as epoch milliseconds (Jobber's clock), or null when absent or unusable. */
export function parseHttpDate(value: unknown): number | null {
  if (typeof value !== 'string' || !/[A-Za-z]/.test(value)) return null;
  const date = Date.parse(value.trim());
  return Number.isNaN(date) ? null : date;
}
