/**
 * Builds the URL of Jobber's consent page for one Connect. Pure: the `state` and the PKCE challenge
 * come from PendingRequests, everything else from the validated config.
 */
import { apiUrl } from '../core/url';
import type { JobberConfig } from './config-types';

/**
 * `${apiBaseUrl}/api/oauth/authorize?response_type=code&client_id=…&redirect_uri=…&state=…
 * &code_challenge=…&code_challenge_method=S256`. No `scope` parameter: Jobber configures scopes on
 * the app itself. The PKCE challenge comes from the pending request that keeps its verifier.
 */
export function buildAuthorizeUrl(config: JobberConfig, state: string, codeChallenge: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
  return `${apiUrl(config, '/api/oauth/authorize')}?${query.toString()}`;
}
