/**
 * The one way to build a URL on Jobber's API origin (OAuth endpoints and GraphQL), so a configured
 * base URL with or without a trailing slash always gives the same result. Pure.
 */
import type { JobberConfig } from './config-types';

/** `${apiBaseUrl}${path}` with trailing slashes of the base stripped, so they never double. */
export function apiUrl(config: Pick<JobberConfig, 'apiBaseUrl'>, path: string): string {
  return `${config.apiBaseUrl.replace(/\/+$/, '')}${path}`;
}
