/**
 * Jobber's two API limits, per app and account (every grant of one app on one account shares
 * them) and driven by the sandbox clock: the query-cost leaky bucket (THROTTLED) and the request
 * limit (HTTP 429), counted as Rack::Attack counts: fixed windows starting at whole multiples of
 * the period since the epoch.
 */

/** The key both limits are kept under: one app on one Jobber account. */
export function limitKey(clientId: string, accountId: string): string {
  return `${clientId}\u0000${accountId}`;
}

export interface ThrottleSettings {
  maximumAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket {
  available: number;
  at: number;
}

/** Query-cost leaky bucket, one per app and account. */
export class CostBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly settings: ThrottleSettings) {}

  private refill(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { available: this.settings.maximumAvailable, at: now };
    const elapsedSec = Math.max(0, now - bucket.at) / 1000;
    bucket.available = Math.min(this.settings.maximumAvailable, bucket.available + elapsedSec * this.settings.restoreRate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  /**
   * Admits a query if `requested` points are available, then charges `charged` (Jobber charges
   * the actual cost, which may be lower). Reports whether it did and the status after.
   */
  spend(key: string, requested: number, now: number, charged: number = requested): { ok: boolean; status: ThrottleStatus } {
    const bucket = this.refill(key, now);
    const ok = bucket.available >= requested;
    if (ok) bucket.available -= Math.min(charged, requested);
    return {
      ok,
      status: {
        maximumAvailable: this.settings.maximumAvailable,
        currentlyAvailable: Math.floor(bucket.available),
        restoreRate: this.settings.restoreRate,
      },
    };
  }
}

export interface RateLimitSettings {
  requests: number;
  windowSec: number;
}

/** Fixed-window request counter (Rack::Attack), one per app and account. */
export class RequestWindows {
  private readonly counts = new Map<string, { window: number; count: number }>();

  constructor(private readonly settings: RateLimitSettings) {}

  /** Counts a request; returns null if allowed, else the whole seconds until the window ends. */
  admit(key: string, now: number): number | null {
    const windowMs = this.settings.windowSec * 1000;
    const window = Math.floor(now / windowMs);
    const entry = this.counts.get(key);
    const current = entry && entry.window === window ? entry : { window, count: 0 };
    this.counts.set(key, current);
    if (current.count >= this.settings.requests) return Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    current.count += 1;
    return null;
  }
}
