/**
 * The validated configuration the engine runs with. Produced by `loadConfig` (electron/app/config.ts) from
 * environment, `.env` and saved settings; in sandbox mode the URLs point at the local sandbox.
 * The settings fields, their defaults and their rules live in electron/ipc/settings-schema.ts.
 */
import type { AuthMode, Environment } from '../ipc/settings-schema';


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
  /** Set in broker mode: tokens come from this broker, which holds the client id and secret. */
  broker?: BrokerEndpoint;
}

/** The broker the app connects through (broker mode). */
export interface BrokerEndpoint {
  /** `https://host[:port]` (http only on loopback), checked by checkBrokerUrl. */
  origin: string;
}

export const JOBBER_API_BASE_URL = 'https://api.getjobber.com';
