/**
 * Owns the ApiStatus the person sees: the API version Jobber answered with, Jobber's warning that
 * it is ending, and whether Jobber said the account is not active. The GraphQL client reports
 * each answer here; listeners (the controller) turn changes into activity entries and snapshots.
 */
import type { ApiStatus, VersionWarning } from '../ipc/connection-state';
import type { ApiVersioning } from './graphql-response';

/** Jobber keeps a version reachable up to 18 months after its date (docs: api_versioning). */
export const VERSION_REACHABLE_MONTHS = 18;

const DATE_PATTERN = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

function addMonths(date: string, months: number): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const end = new Date(Date.UTC(year, month - 1 + months, day));
  return end.toISOString().slice(0, 10);
}

/** The end date a warning names (the first date in it other than the version), else version + 18 months. */
export function versionEndDate(version: string, warning: string): string | null {
  for (const match of warning.matchAll(DATE_PATTERN)) {
    if (match[0] !== version) return match[0];
  }
  return addMonths(version, VERSION_REACHABLE_MONTHS);
}

/** Before any answer. */
export const UNKNOWN_API_STATUS: ApiStatus = Object.freeze({ version: null, versionWarning: null, account: 'unknown' });

/** The activity line for each event (the renderer words the dashboard notices itself). */
export function describeApiStatusEvent(event: ApiStatusEvent): { level: 'info' | 'warning' | 'error'; message: string } {
  switch (event.kind) {
    case 'version-warning':
      return {
        level: 'warning',
        message: `Jobber warns that API version ${event.warning.version} ends on ${event.warning.endsOn}: ${event.warning.message}`,
      };
    case 'account-inactive':
      return { level: 'error', message: 'Jobber says this account is not active. API calls will fail until it is active again.' };
    case 'account-active':
      return { level: 'info', message: 'Jobber answered again: the account is active.' };
  }
}

export type ApiStatusEvent = { kind: 'version-warning'; warning: VersionWarning } | { kind: 'account-inactive' } | { kind: 'account-active' };

export class ApiStatusTracker {
  private status: ApiStatus = { ...UNKNOWN_API_STATUS };
  private readonly listeners = new Set<(event: ApiStatusEvent | null) => void>();

  current(): ApiStatus {
    return { ...this.status };
  }

  /** `listener(event)` after every change; event null for a change not worth an activity entry. */
  onChange(listener: (event: ApiStatusEvent | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Jobber answered (data or THROTTLED): the account works; note the version it answered with. */
  answered(versioning: ApiVersioning | null): void {
    const before = this.status;
    const version = versioning?.version ?? before.version;
    const warning = this.warningFor(versioning);
    this.status = { version, versionWarning: warning, account: 'active' };
    if (warning && warning.message !== before.versionWarning?.message) this.publish({ kind: 'version-warning', warning });
    else if (before.account === 'inactive') this.publish({ kind: 'account-active' });
    else if (version !== before.version || before.account !== 'active' || (before.versionWarning !== null) !== (warning !== null)) this.publish(null);
  }

  /** Jobber said "This account is not active". */
  accountInactive(): void {
    if (this.status.account === 'inactive') return;
    this.status = { ...this.status, account: 'inactive' };
    this.publish({ kind: 'account-inactive' });
  }

  private warningFor(versioning: ApiVersioning | null): VersionWarning | null {
    if (!versioning) return this.status.versionWarning;
    if (!versioning.warning) return null;
    const endsOn = versionEndDate(versioning.version, versioning.warning) ?? 'unknown';
    return { version: versioning.version, endsOn, message: versioning.warning };
  }

  private publish(event: ApiStatusEvent | null): void {
    for (const listener of this.listeners) listener(event);
  }
}
