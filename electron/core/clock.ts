/**
 * Time and randomness as injectable ports: the engine never reads the wall clock or Math.random
 * directly, so tests drive time with a fake clock and make jitter reproducible.
 */
export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimer(ms: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, callback) => {
    const handle = setTimeout(callback, ms);
    // A pending refresh timer must never keep a quitting process alive.
    handle.unref?.();
    return handle;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Uniform random number in [0, 1): injectable so jitter is reproducible in tests. */
export type RandomSource = () => number;

/** Waits until `promise` settles, but at most `ms` on `clock`. Never rejects. */
export async function waitAtMost(clock: Clock, ms: number, promise: Promise<unknown>): Promise<void> {
  let handle: TimerHandle | null = null;
  const bound = new Promise<void>((resolve) => {
    handle = clock.setTimer(ms, resolve);
  });
  await Promise.race([promise.then(() => undefined, () => undefined), bound]);
  if (handle !== null) clock.clearTimer(handle);
}
