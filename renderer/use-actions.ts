/**
 * Runs the card's bridge calls: tracks which are in flight so buttons can disable, and turns a
 * rejected IPC promise into a UserFacingError-shaped value instead of an unhandled rejection.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export type ActionName = 'connect' | 'cancel' | 'refresh' | 'disconnect' | 'forget' | 'test-api';

type Running = Readonly<Partial<Record<ActionName, boolean>>>;

export interface ActionRunner {
  running: Running;
  /** True when the named action's button must be disabled right now. */
  isDisabled(action: ActionName): boolean;
  /** Runs `call` as `action`; a rejected call (IPC failure) resolves as `{ ok: false, message }`. */
  run<T>(action: ActionName, call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }>;
}

/** Action bookkeeping for one card. */
export function useActions(): ActionRunner {
  const [running, setRunning] = useState<Running>({});
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback<ActionRunner['run']>(async (action, call) => {
    setRunning((prev) => ({ ...prev, [action]: true }));
    try {
      return { ok: true, value: await call() };
    } catch (error: unknown) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    } finally {
      if (mounted.current) setRunning((prev) => ({ ...prev, [action]: false }));
    }
  }, []);

  const isDisabled = useCallback(
    (action: ActionName): boolean => {
      if (running[action]) return true;
      // A pending connect lasts as long as the sign-in window is open: Cancel must stay usable then.
      const others = (Object.keys(running) as ActionName[]).filter(
        (name) => running[name] && name !== action && !(action === 'cancel' && name === 'connect'),
      );
      return others.length > 0;
    },
    [running],
  );

  return { running, isDisabled, run };
}
