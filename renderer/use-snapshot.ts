/**
 * Keeps the dashboard's AppSnapshot current: subscribes to state-changed on mount (and
 * unsubscribes on unmount), then asks for the state once. An event that arrives before the
 * initial getState() answer wins, because it is at least as new.
 */
import { useEffect, useState } from 'react';
import type { AppSnapshot, JobberConnectApi } from '../electron/ipc/contract';

export type SnapshotResult =
  | { phase: 'loading' }
  | { phase: 'ready'; snapshot: AppSnapshot }
  | { phase: 'failed'; message: string };

/** The latest snapshot from main, or the loading / failed phase before one arrives. */
export function useSnapshot(bridge: JobberConnectApi): SnapshotResult {
  const [result, setResult] = useState<SnapshotResult>({ phase: 'loading' });

  useEffect(() => {
    let live = true;
    let gotEvent = false;
    const unsubscribe = bridge.onStateChanged((snapshot) => {
      if (!live) return;
      gotEvent = true;
      setResult({ phase: 'ready', snapshot });
    });
    bridge.getState().then(
      (snapshot) => {
        if (live && !gotEvent) setResult({ phase: 'ready', snapshot });
      },
      (error: unknown) => {
        if (live && !gotEvent) {
          setResult({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
        }
      },
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, [bridge]);

  return result;
}
