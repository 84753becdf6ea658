/**
 * The HTTP facts every client of ours reads the same way: the Token, GraphQL and broker clients
 * classify a request that never got a whole answer with `classifyTransport`, read `Retry-After` and
 * `Date` here, and back off with `backoffDelay`. Pure: callers pass the current time and the random
 * source, and turn the result into their own worded AuthError.
 */
import { plainCode } from './redact';

/**
 * Why a request got no whole answer:
 * - `cancelled`: our own abort;
 * - `timeout`: no answer in time (the client's timeout or the OS's);
 * - `cut-off`: the status line arrived but the body was cut short or unreadable;
 * - `unreachable`: nothing arrived, for a reason that means the host could not be reached (or none
 *   was given);
 * - `failed`: nothing arrived, with some other error code.
 * `code` is the error's code only when it is a plain identifier, safe to show.
 */
export type TransportFailure = { code: string | undefined } & (
  | { kind: 'cancelled' | 'timeout' | 'unreachable' | 'failed' }
  | { kind: 'cut-off'; status: number | undefined }
);

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** The error's code, or its cause's (undici and Node put the socket's code there). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof causeCode === 'string' ? causeCode : undefined;
}

/** Classifies what an HTTP client (axios or Node) threw instead of answering. Never reads the request. */
export function classifyTransport(error: unknown): TransportFailure {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : '';
  const shown = plainCode(code);
  // axios marks its cancellations with __CANCEL__ (axios.isCancel) as well as the code.
  if (code === 'ERR_CANCELED' || (error as { __CANCEL__?: unknown } | null)?.__CANCEL__ === true) return { kind: 'cancelled', code: shown };
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || /timeout/i.test(message)) return { kind: 'timeout', code: shown };
  const arrived = (error as { response?: unknown } | null)?.response;
  if (code === 'ERR_BAD_RESPONSE' || (typeof arrived === 'object' && arrived !== null)) {
    const status = (arrived as { status?: unknown } | null | undefined)?.status;
    return { kind: 'cut-off', code: shown, status: typeof status === 'number' ? status : undefined };
  }
  const unreachable = code === undefined || UNREACHABLE_CODES.has(code) || /socket hang up/i.test(message);
  return { kind: unreachable ? 'unreachable' : 'failed', code: shown };
}

/** A response header as one string (the first of a repeated header), or undefined. */
export function headerValue(headers: unknown, name: string): string | undefined {
  const value: unknown = (headers as Record<string, unknown> | null | undefined)?.[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** A body as JSON, or undefined when it is not a string of valid JSON. */
export function parseJsonBody(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

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

/** The response's Date header as epoch milliseconds (the server's clock), or null when absent or unusable. */
export function parseHttpDate(value: unknown): number | null {
  if (typeof value !== 'string' || !/[A-Za-z]/.test(value)) return null;
  const date = Date.parse(value.trim());
  return Number.isNaN(date) ? null : date;
}

/** Exponential backoff: the n-th retry's ceiling is min(capMs, baseMs × factor^(n−1)). */
export interface Backoff {
  baseMs: number;
  factor: number;
  capMs: number;
  /**
   * `full`: uniform in [0, ceiling) (AWS's "full jitter": spreads a herd the most);
   * `equal`: uniform in [ceiling/2, ceiling) (never retries almost at once).
   */
  jitter: 'full' | 'equal';
}

/** Shortest full-jitter delay, so a random draw near zero never turns backoff into a busy loop. */
export const MIN_BACKOFF_MS = 250;

/**
 * Delay before retry number `attempt` (1-based). A server-suggested wait (`retryAfterMs`) is a
 * floor, itself bounded by the cap so a bogus Retry-After cannot park a client for hours.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number, retryAfterMs?: number): number {
  // The exponent is bounded so a long outage's attempt count cannot overflow to Infinity.
  const exponent = Math.min(Math.max(0, Math.floor(attempt) - 1), 64);
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * Math.pow(backoff.factor, exponent));
  const draw = unitInterval(random());
  let delay =
    backoff.jitter === 'full'
      ? Math.max(Math.min(MIN_BACKOFF_MS, ceiling), Math.floor(draw * ceiling))
      : Math.round(ceiling * (0.5 + 0.5 * draw));
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
    delay = Math.max(delay, Math.min(Math.ceil(retryAfterMs), backoff.capMs));
  }
  return delay;
}

/** A random draw clamped into [0, 1): an injected source may misbehave. */
export function unitInterval(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 - Number.EPSILON : value;
}
