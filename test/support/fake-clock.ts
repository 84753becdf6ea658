/**
 * The one Clock for tests (engine, main process and soak alike; the port in electron/core/clock.ts):
 * time stands still until the test advances it, and timers run, in due order, only when it does.
 * `advance` lets pending promises settle between timers, so code that awaits between timer callbacks
 * behaves as it would in real time. `suspend` imitates a computer asleep: wall time jumps but
 * timers, which run on a monotonic clock, fire late by the same amount.
 */
import type { Clock, TimerHandle } from '../../electron/core/clock';

interface FakeTimer {
  id: number;
  due: number;
  callback: () => void;
}

/** Lets every already-queued promise continuation run (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  /** Default start: 2025-06-02 09:00:00 UTC. */
  constructor(start: number = Date.UTC(2025, 5, 2, 9, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.time + Math.max(0, Number.isFinite(ms) ? ms : 0), callback });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Number of timers waiting to fire. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** When the earliest timer is due, or null. */
  nextTimerAt(): number | null {
    let earliest: number | null = null;
    for (const timer of this.timers.values()) if (earliest === null || timer.due < earliest) earliest = timer.due;
    return earliest;
  }

  /** Lets pending promises settle without moving time. */
  async flush(): Promise<void> {
    await settle();
  }

  /** Moves time forward by `ms`, running due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.time + ms);
  }

  /** Moves time forward to `target` (never backwards), running due timers in order. */
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.earliestDueBy(target);
      if (!next) break;
      this.timers.delete(next.id);
      this.time = Math.max(this.time, next.due);
      next.callback();
      await settle();
    }
    this.time = Math.max(this.time, target);
    await settle();
  }

  /** Runs timers until none is due within `limitMs` from now (for "run everything pending"). */
  async runAll(limitMs = 24 * 60 * 60 * 1000): Promise<void> {
    await this.advance(limitMs);
  }

  /**
   * The computer sleeps for `ms`: wall time jumps, timers do not fire and their due times move by
   * the same amount (as setTimeout's monotonic clock does). Nothing runs until the test advances.
   */
  suspend(ms: number): void {
    this.time += ms;
    for (const timer of this.timers.values()) timer.due += ms;
  }

  private earliestDueBy(target: number): FakeTimer | null {
    let best: FakeTimer | null = null;
    for (const timer of this.timers.values()) {
      if (timer.due > target) continue;
      if (!best || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) best = timer;
    }
    return best;
  }
}
