/**
 * The one low-level POST to Jobber's GraphQL endpoint (JSON body, Bearer token,
 * X-JOBBER-GRAPHQL-VERSION) and the transport-failure classifier, shared by the client and by
 * jobber-account-api.ts. Answers are interpreted in graphql-response.ts.
 */
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { classifyTransport } from '../core/http';
import { apiUrl } from '../core/url';
import type { JobberConfig } from '../auth/config-types';
import { AuthError, isAuthError } from '../core/errors';
import { type Clock, systemClock } from '../core/clock';
import { describeError } from '../core/redact';
import { type GraphqlExchange, interpretGraphqlResponse } from './graphql-response';

export const DEFAULT_API_TIMEOUT_MS = 30_000;

export interface PostGraphqlOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Reads "now" for an HTTP-date Retry-After (default: the system clock). */
  clock?: Pick<Clock, 'now'>;
}

export interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown>;
}

export const ACCOUNT_QUERY = 'query JobberConnectAccount { account { id name } }';

export const accountDataSchema = z.object({ account: z.object({ id: z.string(), name: z.string() }) });

/**
 * Maps a failed request to a transient AuthError: 'cancelled', 'timeout', 'invalid-response' when
 * the status line arrived but the body was cut short or could not be read (as the token client
 * says), and 'network' only when no answer arrived at all.
 */
export function classifyTransportError(error: unknown): AuthError {
  if (isAuthError(error)) return error;
  const failure = classifyTransport(error);
  switch (failure.kind) {
    case 'cancelled':
      return new AuthError('cancelled', 'The request to Jobber was cancelled.');
    case 'timeout':
      return new AuthError('timeout', `Jobber's API did not answer in time: ${describeError(error)}`);
    case 'cut-off': {
      const statusPart = failure.status === undefined ? '' : ` (HTTP ${failure.status})`;
      return new AuthError('invalid-response', `Jobber's API response was cut off before it was complete${statusPart}.`);
    }
    default:
      return new AuthError('network', `Could not reach Jobber's API: ${describeError(error)}`);
  }
}

/** The GraphQL endpoint for a configuration. */
export function graphqlUrl(config: JobberConfig): string {
  return apiUrl(config, '/api/graphql');
}

/**
 * One POST to Jobber's GraphQL endpoint with an explicit access token: JSON body, Bearer token,
 * X-JOBBER-GRAPHQL-VERSION. Returns the interpreted exchange or throws an AuthError.
 */
export async function postGraphql(
  http: AxiosInstance,
  config: JobberConfig,
  accessToken: string,
  body: GraphqlBody,
  options: PostGraphqlOptions = {},
): Promise<GraphqlExchange> {
  let response;
  try {
    response = await http.post<string>(graphqlUrl(config), JSON.stringify(body), {
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Bearer ${accessToken}`,
        'X-JOBBER-GRAPHQL-VERSION': config.graphqlVersion,
      },
      timeout: options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS,
      signal: options.signal,
      responseType: 'text',
      // Parse ourselves: axios would silently hand back a string for malformed JSON.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
    });
  } catch (error) {
    throw classifyTransportError(error);
  }
  const text = typeof response.data === 'string' ? response.data : '';
  return interpretGraphqlResponse(response.status, text, response.headers?.['retry-after'], (options.clock ?? systemClock).now());
}
