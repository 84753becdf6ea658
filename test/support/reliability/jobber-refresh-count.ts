/**
 * How many renewals a connection makes, from what Jobber and the design document, written as
 * numbers (never read from the engine's policy object, so a changed margin fails the soak):
 * - Jobber's access tokens live 60 minutes (app_authorization); `exp` is whole seconds, so up to
 *   1 s less from our receipt.
 * - The design renews "about 5 minutes or 10 % of the lifetime" before expiry, whichever is
 *   smaller: 5 minutes of a 60-minute token, with up to 20 % of that (1 minute) earlier as jitter.
 * So a cycle lasts between 54 min − 1 s and 55 min, plus any time spent offline in it.
 */
const MINUTE = 60_000;

/** Jobber's documented access-token lifetime. */
export const JOBBER_LIFETIME_SEC = 3600;
/** 60 min − 5 min margin. */
export const LONGEST_CYCLE_MS = 55 * MINUTE;
/** 60 min − 5 min margin − 1 min jitter − 1 s of `exp` rounding. */
export const SHORTEST_CYCLE_MS = 54 * MINUTE - 1_000;

/**
 * The range of successful renewals in `simulatedMs` of which `offlineMs` were spent retrying:
 * every cycle is stretched by its offline time; one renewal of slack each way for the cycle cut
 * at either end of the run.
 */
export function expectedRefreshCount(simulatedMs: number, offlineMs: number): { min: number; max: number } {
  const online = simulatedMs - offlineMs;
  return { min: Math.floor(online / LONGEST_CYCLE_MS) - 1, max: Math.floor(online / SHORTEST_CYCLE_MS) + 1 };
}
