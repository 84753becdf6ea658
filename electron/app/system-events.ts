/**
 * Feeds system events to the session: power resume, and the network coming back. Network state is
 * polled in main with `net.isOnline()` (no renderer involvement, works with the window closed);
 * only an offline → online transition calls `networkOnline`.
 */
import type { Clock, TimerHandle } from '../core/clock';

export interface SystemEventTarget {
  systemResumed(): void;
  networkOnline(): void;
}

export interface PowerMonitorLike {
  on(event: 'resume', listener: () => void): unknown;
  removeListener(event: 'resume', listener: () => void): unknown;
}

export const NETWORK_POLL_MS = 5_000;

/** Starts listening; returns a function that stops it. `target()` is read at each event. */
export function wireSystemEvents(options: {
  powerMonitor: PowerMonitorLike;
  isOnline: () => boolean;
  clock: Clock;
  target: () => SystemEventTarget | null;
  pollMs?: number;
}): () => void {
  const pollMs = options.pollMs ?? NETWORK_POLL_MS;
  const onResume = () => options.target()?.systemResumed();
  options.powerMonitor.on('resume', onResume);

  let online = options.isOnline();
  let timer: TimerHandle | null = null;
  let stopped = false;
  const poll = () => {
    if (stopped) return;
    const now = options.isOnline();
    if (now && !online) options.target()?.networkOnline();
    online = now;
    timer = options.clock.setTimer(pollMs, poll);
  };
  timer = options.clock.setTimer(pollMs, poll);

  return () => {
    stopped = true;
    if (timer !== null) options.clock.clearTimer(timer);
    options.powerMonitor.removeListener('resume', onResume);
  };
}
