/**
 * The sandbox's list of GraphQL API versions and how a requested version is answered, after
 * Jobber's api_versioning page: a version is supported 12 months and reachable up to 18; within
 * 3 months of the end of support, and after it, answers carry a warning; a removed version is
 * silently upgraded to the oldest supported one. The version dates themselves are the sandbox's
 * own illustration, not Jobber's list.
 */

export interface ApiVersion {
  /** YYYY-MM-DD, also the release date. */
  version: string;
  supportedUntil: string;
  removedAfter: string;
}

export interface VersionAnswer {
  version: string;
  warning?: string;
}

const SUPPORTED_MONTHS = 12;
const REACHABLE_MONTHS = 18;
const WARNING_MONTHS = 3;

function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1 + months, day)).toISOString().slice(0, 10);
}

/** A version with Jobber's documented lifetime. */
export function apiVersion(version: string): ApiVersion {
  return { version, supportedUntil: addMonths(version, SUPPORTED_MONTHS), removedAfter: addMonths(version, REACHABLE_MONTHS) };
}

/** The sandbox's default list, oldest first (illustrative dates, including the app's default). */
export const DEFAULT_API_VERSIONS: readonly ApiVersion[] = ['2024-07-30', '2025-01-20', '2025-04-16', '2025-10-01', '2026-04-01', '2026-10-01'].map(apiVersion);

function day(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/**
 * The version that answers a request for `requested` on `now`. A date that is not a listed
 * version is answered by the newest listed version before it (a guess: Jobber does not say).
 */
export function answerVersion(requested: string, versions: readonly ApiVersion[], now: number): VersionAnswer {
  const today = day(now);
  const reachable = versions.filter((candidate) => today <= candidate.removedAfter);
  const exact = reachable.find((candidate) => candidate.version === requested);
  const older = [...reachable].reverse().find((candidate) => candidate.version < requested);
  // A removed (or unknown, older) version: silently the oldest supported one.
  const chosen = exact ?? older ?? reachable.find((candidate) => today <= candidate.supportedUntil) ?? reachable[0];
  return chosen ? answerFor(chosen, today) : { version: requested };
}

function answerFor(version: ApiVersion, today: string): VersionAnswer {
  if (today < addMonths(version.supportedUntil, -WARNING_MONTHS)) return { version: version.version };
  return {
    version: version.version,
    warning: `API version ${version.version} is deprecated: it will no longer be available after ${version.removedAfter}. Upgrade to a newer version.`,
  };
}
