/**
 * The 2,500 requests / 300 s limit of one app on one Jobber account, kept by the client so that
 * it is respected before Jobber answers 429. Jobber counts with Rack::Attack in fixed windows; a
 * sliding window over our own send times keeps every fixed window under the limit whatever the
 * clock alignment. Requests from another install on the same account are invisible here: their
 * share only shows as a 429, after which the window must roll (see nextWindowStart).
 */

/** Jobber's request limit per app and account (docs: api_rate_limits). */
export const JOBBER_REQUEST_LIMIT = { requests: 2_500, windowMs: 300_000 } as const;

export interface RequestLimit {
  requests: number;
  windowMs: number;
}

export class RequestBudget {
  /** Send times inside the current sliding window, oldest first. */
  private readonly sent: number[] = [];

  constructor(private readonly limit: RequestLimit = JOBBER_REQUEST_LIMIT) {}

  /** Milliseconds until one more request fits in the window (0: now). */
  waitMs(now: number): number {
    this.forget(now);
    if (this.sent.length < this.limit.requests) return 0;
    const oldest = this.sent[this.sent.length - this.limit.requests] ?? now;
    return Math.max(1, oldest + this.limit.windowMs - now);
  }

  record(now: number): void {
    this.sent.push(now);
  }

  private forget(now: number): void {
    let expired = 0;
    while (expired < this.sent.length && (this.sent[expired] ?? now) <= now - this.limit.windowMs) expired += 1;
    if (expired > 0) this.sent.splice(0, expired);
  }
}

/**
 * When the fixed window containing `now` ends. Rack::Attack keys its counters by
 * `floor(epoch seconds / period)`, so windows start at whole multiples of the period.
 */
export function nextWindowStart(now: number, windowMs: number = JOBBER_REQUEST_LIMIT.windowMs): number {
  return (Math.floor(now / windowMs) + 1) * windowMs;
}
