/**
 * The one model of Jobber's query-cost bucket that every caller of a client shares. Callers queue
 * for a pass; the gate lets them out one by one, in order, only when the estimated bucket can pay
 * for the next query and the request budget has room, so a refilling bucket never releases a herd.
 * Each released query's cost is deducted at once; each answer's throttleStatus corrects the model
 * (Jobber's figure minus what is still in flight). Pure scheduling over an injected clock.
 */
import type { Clock, TimerHandle } from '../core/clock';
import { RequestBudget } from './request-budget';


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

/** A released request: hand it back with settle() when its answer (or failure) arrives. */
export interface Pass {
  readonly cost: number;
}

interface Waiter {
  cost: number;
  resolve: (pass: Pass) => void;
  reject: (reason: unknown) => void;
}

interface BucketModel extends ThrottleStatus {
  /** When currentlyAvailable was true (it may be negative: points owed by queries in flight). */
  at: number;
}

export class PacingGate {
  private readonly queue: Waiter[] = [];
  private readonly inFlight = new Set<Pass>();
  private model: BucketModel | null = null;
  private pausedUntil = 0;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly budget: RequestBudget = new RequestBudget(),
  ) {}

  /**
   * Waits for a turn to send a query expected to cost `cost` points. `first` puts the caller at
   * the head of the queue (a THROTTLED query being resent keeps its place).
   */
  acquire(cost: number, options: { signal?: AbortSignal; first?: boolean } = {}): Promise<Pass> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Pass>((resolve, reject) => {
      const waiter: Waiter = { cost: Math.max(0, cost), resolve, reject };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal?.reason);
        this.pump();
      };
      waiter.resolve = (pass) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(pass);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.first) this.queue.unshift(waiter);
      else this.queue.push(waiter);
      this.pump();
    });
  }

  /** The answer to `pass` arrived; its throttleStatus (if any) corrects the model. */
  settle(pass: Pass, status: ThrottleStatus | null): void {
    this.inFlight.delete(pass);
    if (status) {
      let owed = 0;
      for (const other of this.inFlight) owed += other.cost;
      this.model = { ...status, currentlyAvailable: status.currentlyAvailable - owed, at: this.clock.now() };
    }
    this.pump();
  }

  /** Holds every caller until `until` (epoch ms): the account's request limit was hit. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.pump();
  }

  /** Points estimated available now, null before Jobber has reported any. */
  estimatedAvailable(): number | null {
    const model = this.model;
    if (!model) return null;
    const elapsedSeconds = Math.max(0, this.clock.now() - model.at) / 1000;
    return Math.min(model.maximumAvailable, model.currentlyAvailable + model.restoreRate * elapsedSeconds);
  }

  /** Callers waiting for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  private costWaitMs(cost: number): number {
    const model = this.model;
    // Nothing known yet: one query at a time until Jobber reports its bucket.
    if (!model) return this.inFlight.size > 0 ? Number.POSITIVE_INFINITY : 0;
    return throttleWaitMs(cost, { ...model, currentlyAvailable: this.estimatedAvailable() ?? 0 });
  }

  private release(waiter: Waiter, now: number): void {
    const pass: Pass = { cost: waiter.cost };
    const available = this.estimatedAvailable();
    if (this.model && available !== null) this.model = { ...this.model, currentlyAvailable: available - waiter.cost, at: now };
    this.budget.record(now);
    this.inFlight.add(pass);
    waiter.resolve(pass);
  }

  private pump(): void {
    if (this.timer !== null) {
      this.clock.clearTimer(this.timer);
      this.timer = null;
    }
    for (;;) {
      const head = this.queue[0];
      if (!head) return;
      const now = this.clock.now();
      const waitMs = Math.max(this.pausedUntil - now, this.budget.waitMs(now), this.costWaitMs(head.cost));
      if (waitMs === Number.POSITIVE_INFINITY) return; // settle() pumps again
      if (waitMs > 0) {
        this.timer = this.clock.setTimer(waitMs, () => {
          this.timer = null;
          this.pump();
        });
        return;
      }
      this.queue.shift();
      this.release(head, now);
    }
  }
}
