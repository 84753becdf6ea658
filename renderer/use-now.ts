/**
 * A ticking clock for countdowns: re-renders the caller once a second while `active`.
 * Uses Date.now and setInterval so tests can drive it with fake timers.
 */
import { useEffect, useState } from 'react';

/** Current time in ms, refreshed every `intervalMs` while `active` is true. */
export function useNow(active = true, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [active, intervalMs]);
  return now;
}
