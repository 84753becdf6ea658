/**
 * A fixed-window request counter per key (device or IP), in process memory. With several broker
 * instances each counts on its own, so the effective limit is per instance.
 */

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly settings: RateLimit) {}

  /** Counts one request; returns the wait in ms when over the limit, else null. */
  take(key: string, now: number): number | null {
    const { limit, windowMs } = this.settings;
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > limit ? window.start + windowMs - now : null;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.settings.windowMs) this.windows.delete(key);
  }
}
