/**
 * The validated configuration the engine runs with. Produced by `loadConfig` (config.ts) from
 * environment, `.env` and saved settings; in sandbox mode the URLs point at the local sandbox.
 */
import type { AuthMode } from './connection-state';

export type Environment = 'jobber' | 'sandbox';

export interface JobberConfig {
  environment: Environment;
  clientId: string;
  clientSecret: string;
  /** The one OAuth Callback URL registered for the app (custom scheme, https or loopback http). */
  redirectUri: string;
  /** Origin of the OAuth + GraphQL endpoints, e.g. https://api.getjobber.com. */
  apiBaseUrl: string;
  /** Value of X-JOBBER-GRAPHQL-VERSION, YYYY-MM-DD. */
  graphqlVersion: string;
  authMode: AuthMode;
}

export const JOBBER_API_BASE_URL = 'https://api.getjobber.com';
export const DEFAULT_GRAPHQL_VERSION = '2025-04-16';
/** RFC 8252 §7.1: a reverse-domain private-use scheme. */
export const DEFAULT_CALLBACK_SCHEME = 'com.jobberconnect.app';
export const DEFAULT_REDIRECT_URI = `${DEFAULT_CALLBACK_SCHEME}:/oauth/callback`;
