/**
 * A timer for a wall-clock deadline, used by the session for the refresh schedule, the Connect
 * timeout and save retries. Each underlying timer is at most `maxTimerMs`, then the deadline is
 * re-checked against clock.now(): timers drift while the computer sleeps, and setTimeout
 * overflows past 2^31 ms. Pure: time reaches it through the Clock port.
 */
import type { Clock, TimerHandle } from '../core/clock';

/** One re-armable deadline; arming again replaces the previous one. */
export class DeadlineTimer {
  private handle: TimerHandle | null = null;
  private callback: (() => void) | null = null;
  private due = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxTimerMs: number,
  ) {}

  /** The armed deadline, or null when nothing is armed. */
  get dueAt(): number | null {
    return this.callback ? this.due : null;
  }

  /** Calls `callback` once the wall clock reaches `dueAt` (at once if it already has, on the next timer turn). */
  arm(dueAt: number, callback: () => void): void {
    this.clear();
    this.due = dueAt;
    this.callback = callback;
    this.schedule();
  }

  clear(): void {
    if (this.handle !== null) this.clock.clearTimer(this.handle);
    this.handle = null;
    this.callback = null;
  }

  /** Fires now if the deadline has passed, otherwise re-arms against the current time. */
  check(): void {
    if (!this.callback) return;
    if (this.clock.now() >= this.due) {
      const callback = this.callback;
      this.clear();
      callback();
      return;
    }
    if (this.handle !== null) this.clock.clearTimer(this.handle);
    this.schedule();
  }

  private schedule(): void {
    const delay = Math.min(Math.max(0, this.due - this.clock.now()), this.maxTimerMs);
    this.handle = this.clock.setTimer(delay, () => {
      this.handle = null;
      this.check();
    });
  }
}
