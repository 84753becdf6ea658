/**
 * The two Jobber calls the session makes with an explicit access token: `account { id name }`
 * right after authorisation, and the `appDisconnect` mutation on Disconnect. Uses the shared
 * postGraphql/interpretGraphqlResponse, so responses are parsed in one place.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import type { JobberConfig } from '../auth/config-types';
import { AuthError } from '../core/errors';
import type { JobberAccountApi } from '../auth/ports';
import { redact } from '../core/redact';
import { ACCOUNT_QUERY, DEFAULT_API_TIMEOUT_MS, accountDataSchema, postGraphql } from './graphql-post';
import type { GraphqlExchange } from './graphql-response';

const APP_DISCONNECT_MUTATION =
  'mutation JobberConnectAppDisconnect { appDisconnect { app { name } userErrors { message path } } }';

const appDisconnectDataSchema = z.object({
  appDisconnect: z
    .object({
      userErrors: z.array(z.looseObject({ message: z.string() })).nullish(),
    })
    .loose()
    .nullable(),
});

function requireData(exchange: GraphqlExchange): unknown {
  if (exchange.kind === 'throttled') {
    throw new AuthError('throttled', 'Jobber is throttling queries; try again shortly.', { retryAfterMs: exchange.waitMs });
  }
  return exchange.data;
}

/** Creates the session's account API over axios. */
export function createJobberAccountApi(options: { config: JobberConfig; http?: AxiosInstance; timeoutMs?: number }): JobberAccountApi {
  const http = options.http ?? axios.create();
  const timeoutMs = options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
  const { config } = options;

  return {
    async fetchAccount(accessToken) {
      const data = requireData(await postGraphql(http, config, accessToken, { query: ACCOUNT_QUERY }, { timeoutMs }));
      const parsed = accountDataSchema.safeParse(data);
      if (!parsed.success) throw new AuthError('invalid-response', "Jobber's account answer was not in the expected shape.");
      return { id: parsed.data.account.id, name: parsed.data.account.name };
    },

    async appDisconnect(accessToken, signal) {
      const data = requireData(await postGraphql(http, config, accessToken, { query: APP_DISCONNECT_MUTATION }, { timeoutMs, signal }));
      const parsed = appDisconnectDataSchema.safeParse(data);
      if (!parsed.success) throw new AuthError('invalid-response', "Jobber's appDisconnect answer was not in the expected shape.");
      const userErrors = parsed.data.appDisconnect?.userErrors ?? [];
      if (userErrors.length > 0) {
        const text = redact(userErrors.map((error) => error.message).join('; '));
        throw new AuthError('graphql', `Jobber could not disconnect the app: ${text}`);
      }
    },
  };
}
