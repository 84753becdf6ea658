/**
 * When the working grant's next renewal runs, and whether any renewal or save-retry timer may be
 * armed at all: not once the Session stops, nor while a Disconnect runs.
 */
import type { Clock, RandomSource } from '../core/clock';
import { DeadlineTimer } from './deadline-timer';
import { type RefreshPolicy, nextRefreshAt } from './refresh-policy';
import type { StoredConnection } from './token-model';

export class RefreshSchedule {
  private stopped = false;
  private disconnecting = false;
  private readonly timer: DeadlineTimer;

  constructor(
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly policy: RefreshPolicy,
  ) {
    this.timer = new DeadlineTimer(clock, policy.maxTimerMs);
  }

  /** True once stop() was called or while a Disconnect runs: no timer is armed then. */
  get halted(): boolean {
    return this.stopped || this.disconnecting;
  }

  /** The planned renewal, or null when none is. */
  get dueAt(): number | null {
    return this.timer.dueAt;
  }

  /**
   * When `live` should be renewed next: ahead of its expiry, with jitter, and never sooner than
   * the policy's floor after its last successful renewal (whatever the token or the clock says).
   */
  nextFor(live: StoredConnection): number {
    const lastSuccessAt = live.lastRefresh?.result === 'ok' ? live.lastRefresh.at : undefined;
    return nextRefreshAt(live.tokens, this.policy, this.random, this.clock.now(), lastSuccessAt);
  }

  /** Calls `renew` at `at` (replacing what was planned), unless halted. */
  plan(at: number, renew: () => void): void {
    if (!this.halted) this.timer.arm(at, renew);
  }

  clear(): void {
    this.timer.clear();
  }

  /** After sleep: renews now if the time has come, else re-arms against the current time. */
  check(): void {
    this.timer.check();
  }

  /** For good (shutdown). */
  stop(): void {
    this.stopped = true;
    this.timer.clear();
  }

  /** While a Disconnect runs (`running`), nothing is planned. */
  holdForDisconnect(running: boolean): void {
    this.disconnecting = running;
    if (running) this.timer.clear();
  }
}
