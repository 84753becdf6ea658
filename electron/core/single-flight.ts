/**
 * At most one run of a task at a time, shared: while one runs, every caller gets that same run
 * instead of starting another (the refresh token may only be spent once). Unlike a Sequencer, a
 * caller never waits for a second run.
 */
export class SingleFlight<T> {
  private current: Promise<T> | null = null;

  /** The run in progress, if any. */
  get inFlight(): Promise<T> | null {
    return this.current;
  }

  /**
   * The run in progress, or a new run of `task`. The task starts on a microtask, so the run is in
   * flight before any of its work (whatever its first step triggers joins it, never starts another).
   * A caller that does not await (a timer, an event) may drop the run: its failure is never unhandled.
   */
  run(task: () => Promise<T>): Promise<T> {
    if (this.current) return this.current;
    const run = Promise.resolve()
      .then(task)
      .finally(() => {
        if (this.current === run) this.current = null;
      });
    this.current = run;
    // Callers that do not await (timers, events) must not produce unhandled rejections.
    run.catch(() => undefined);
    return run;
  }
}
