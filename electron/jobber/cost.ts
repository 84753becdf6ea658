/**
 * Query-cost pacing for Jobber's leaky bucket. Remembers the last throttle status Jobber reported
 * (and when), estimates what has been restored since, and says how long to wait before a query of
 * a given expected cost. Pure arithmetic over an injected clock; no timers here.
 */
import type { Clock } from '../auth/ports';

import type { QueryCost } from './query-cost';

export type { QueryCost };

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/** Used when Jobber throttles us without a usable cost block. */
export const FALLBACK_THROTTLE_WAIT_MS = 1_000;

/**
 * How long until `needed` points are available: (needed − currentlyAvailable) / restoreRate
 * seconds, in whole milliseconds, 0 when already available. `needed` is capped at the bucket size
 * (a query bigger than the bucket can never wait its way in; Jobber rejects it on its own terms).
 */
export function throttleWaitMs(needed: number, status: ThrottleStatus): number {
  if (!(status.restoreRate > 0)) return FALLBACK_THROTTLE_WAIT_MS;
  const target = Math.min(needed, status.maximumAvailable);
  const missing = target - status.currentlyAvailable;
  return missing > 0 ? Math.ceil((missing / status.restoreRate) * 1000) : 0;
}

/** Remembers the latest throttle status and paces requests against it. */
export class ThrottlePacer {
  private last: { status: ThrottleStatus; seenAt: number } | null = null;

  constructor(private readonly clock: Clock) {}

  /** Records the throttle status from a response (null: nothing learnt, the old estimate stays). */
  observe(cost: QueryCost | null): void {
    if (!cost) return;
    this.last = {
      status: {
        maximumAvailable: cost.maximumAvailable,
        currentlyAvailable: cost.currentlyAvailable,
        restoreRate: cost.restoreRate,
      },
      seenAt: this.clock.now(),
    };
  }

  /** Points estimated available now (last seen + restored since, up to the maximum); null before any response. */
  estimatedAvailable(): number | null {
    if (!this.last) return null;
    const { status, seenAt } = this.last;
    const elapsedSeconds = Math.max(0, this.clock.now() - seenAt) / 1000;
    return Math.min(status.maximumAvailable, status.currentlyAvailable + status.restoreRate * elapsedSeconds);
  }

  /** How long to wait before sending a query expected to cost `expectedCost` (0 if unknown or affordable). */
  waitBeforeMs(expectedCost: number | undefined): number {
    if (expectedCost === undefined || !this.last) return 0;
    const available = this.estimatedAvailable() ?? 0;
    return throttleWaitMs(expectedCost, { ...this.last.status, currentlyAvailable: available });
  }
}
