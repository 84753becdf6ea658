/**
 * Probes for leak checks: a forced garbage collection (when V8 lets us have one), the heap in use,
 * the process's live handles by kind, and the number of state listeners a Session holds. Used by
 * the soak test and bench/soak.ts. No vitest imports.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Session } from '../../../electron/auth/session';

let cachedGc: (() => void) | null | undefined;

/** `gc()` if available: --expose-gc, or enabled at run time through V8 flags. Null when refused. */
export function forcedGc(): (() => void) | null {
  if (cachedGc !== undefined) return cachedGc;
  const existing: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') {
    cachedGc = existing as () => void;
    return cachedGc;
  }
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    cachedGc = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    cachedGc = null;
  }
  return cachedGc;
}

/** heapUsed in bytes, after a full GC when one can be forced. */
export function heapUsedAfterGc(): { bytes: number; gcForced: boolean } {
  const gc = forcedGc();
  if (gc) {
    gc();
    gc();
  }
  return { bytes: process.memoryUsage().heapUsed, gcForced: gc !== null };
}

/** Live handles and requests of this process (timers, sockets, …), counted by kind. */
export function activeResources(): { total: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  const kinds = process.getActiveResourcesInfo();
  for (const kind of kinds) byKind[kind] = (byKind[kind] ?? 0) + 1;
  return { total: kinds.length, byKind };
}

/**
 * How many state listeners `session` holds. The Session does not expose this, so it is read from
 * the private `listeners` Set of its private `states` (connection-states.ts); if either field is
 * ever renamed this throws rather than guess.
 */
export function listenerCount(session: Session): number {
  const states: unknown = Reflect.get(session, 'states');
  const listeners: unknown = typeof states === 'object' && states !== null ? Reflect.get(states, 'listeners') : undefined;
  if (!(listeners instanceof Set)) throw new Error('Session no longer keeps its state listeners in states.listeners (a Set); update listenerCount().');
  return listeners.size;
}
