/**
 * Everything the broker asks of Jobber, built from the engine's own modules: the token endpoint
 * (electron/auth/token-client.ts) and `account` / `appDisconnect` (electron/jobber) with an
 * explicit access token. Failures arrive as the engine's AuthError with a kind.
 */
import axios from 'axios';
import type { JobberConfig } from '../electron/auth/config-types';
import { DEFAULT_GRAPHQL_VERSION } from '../electron/ipc/settings-schema';
import { systemClock, type Clock } from '../electron/core/clock';
import { type JobberAccountApi, type TokenEndpoint } from '../electron/auth/ports';
import { createTokenClient } from '../electron/auth/token-client';
import { createJobberAccountApi } from '../electron/jobber/jobber-account-api';

export interface JobberApp {
  clientId: string;
  clientSecret: string;
  /** Origin of Jobber's OAuth and GraphQL endpoints (the sandbox's URL in development). */
  apiBaseUrl: string;
  /** The broker's registered callback: `<BROKER_PUBLIC_URL>/oauth/callback`. */
  redirectUri: string;
  graphqlVersion?: string;
}

export interface JobberGateway extends TokenEndpoint, JobberAccountApi {
  /** Jobber's authorize URL for a broker-held `state`. */
  authorizeUrl(state: string): string;
}

export function createJobberGateway(app: JobberApp, clock: Clock = systemClock): JobberGateway {
  const config: JobberConfig = {
    environment: 'jobber',
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: app.redirectUri,
    apiBaseUrl: app.apiBaseUrl,
    graphqlVersion: app.graphqlVersion ?? DEFAULT_GRAPHQL_VERSION,
    authMode: 'system-browser',
  };
  const http = axios.create();
  const tokens = createTokenClient({ config, clock, http });
  const accounts = createJobberAccountApi({ config, http });
  return {
    exchangeCode: (code) => tokens.exchangeCode(code),
    refresh: (refreshToken) => tokens.refresh(refreshToken),
    fetchAccount: (accessToken) => accounts.fetchAccount(accessToken),
    appDisconnect: (accessToken, signal) => accounts.appDisconnect(accessToken, signal),
    authorizeUrl: (state) => {
      const url = new URL('/api/oauth/authorize', app.apiBaseUrl);
      url.search = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: app.redirectUri, state }).toString();
      return url.toString();
    },
  };
}
