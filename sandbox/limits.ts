/**
 * Jobber's two API limits, per grant and driven by the sandbox clock: the query-cost leaky bucket
 * (THROTTLED) and the request-rate window (HTTP 429).
 */

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

/** Query-cost leaky bucket, one per grant. */
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

  /** Spends `cost` if available; reports whether it did and the status after. */
  spend(key: string, cost: number, now: number): { ok: boolean; status: ThrottleStatus } {
    const bucket = this.refill(key, now);
    const ok = bucket.available >= cost;
    if (ok) bucket.available -= cost;
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

/** Sliding-window request limit, one window per grant. */
export class RequestWindows {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly settings: RateLimitSettings) {}

  /** Records a request; returns null if allowed, else the seconds to wait (Retry-After). */
  admit(key: string, now: number): number | null {
    const windowMs = this.settings.windowSec * 1000;
    const times = (this.windows.get(key) ?? []).filter((t) => t > now - windowMs && t <= now);
    this.windows.set(key, times);
    if (times.length >= this.settings.requests) {
      const oldest = times[0] ?? now;
      return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    }
    times.push(now);
    return null;
  }
}
