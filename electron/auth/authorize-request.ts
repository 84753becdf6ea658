/**
 * Builds the URL of Jobber's consent page for one Connect. Pure: the `state` comes from
 * PendingRequests, everything else from the validated config.
 */
import type { JobberConfig } from './config-types';

/** Strips trailing slashes so `${base}/api/...` never doubles them. */
export function apiUrl(config: Pick<JobberConfig, 'apiBaseUrl'>, path: string): string {
  return `${config.apiBaseUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * `${apiBaseUrl}/api/oauth/authorize?response_type=code&client_id=…&redirect_uri=…&state=…`.
 * No `scope` parameter: Jobber configures scopes on the app itself.
 */
export function buildAuthorizeUrl(config: JobberConfig, state: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    state,
  });
  return `${apiUrl(config, '/api/oauth/authorize')}?${query.toString()}`;
}
