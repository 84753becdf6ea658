/**
 * Runs tasks one at a time, in the order they were queued (like VS Code's Sequencer). A task that
 * fails does not hold up or fail the ones queued after it: each caller gets its own task's result.
 */
export class Sequencer {
  /** Settles when the last queued task has; never rejects. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Starts `task` once every task queued before it has settled; resolves or rejects as it does. */
  queue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every task queued so far has settled (whatever their results). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
