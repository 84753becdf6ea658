/**
 * The authorize step in broker mode: the broker, not the app, builds Jobber's authorize URL (it
 * holds the client id and its own state towards Jobber). The app sends the S256 challenge of the
 * pending request's verifier (the verifier itself stays with the pending request), its callback address and its own state, which the broker echoes on
 * the way back so the app's state check applies unchanged. The URL must lead to an origin the auth
 * window allows (checked by the caller, as for any authorize URL).
 */
import type { BrokerClient } from './broker-client';

export function brokerAuthorizeUrl(
  client: BrokerClient,
  request: { state: string; codeChallenge: string },
  redirectUri: string,
): Promise<string> {
  return client
    .startConnect({ codeChallenge: request.codeChallenge, returnTo: redirectUri, appState: request.state })
    .then((answer) => answer.authorizeUrl);
}
