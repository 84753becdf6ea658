/**
 * A second install of the app (its own token store, Session and GraphQL client) connected to the
 * same sandbox as an engine harness, as when two computers connect one Jobber account.
 */
import { MemoryTokenStore } from './memory-token-store';
import { Session } from '../../../electron/auth/session';
import { JobberGraphqlClient, type JobberGraphqlClientOptions } from '../../../electron/jobber/graphql-client';
import { followConsent } from '../../../sandbox/consent-driver';
import type { Engine, EngineHarness } from './engine-harness';

/** Builds, starts and connects another install; `client` options override the defaults. */
export async function connectSecondInstall(
  harness: EngineHarness,
  client: Partial<Omit<JobberGraphqlClientOptions, 'config' | 'tokens'>> = {},
): Promise<Engine> {
  const session = new Session({
    config: harness.config,
    tokenEndpoint: harness.tokenEndpoint,
    jobberApi: harness.accountApi,
    store: new MemoryTokenStore(),
    clock: harness.clock,
    logger: harness.logger,
  });
  await session.start();
  const { authorizeUrl } = session.beginConnect();
  await session.completeConnect(await followConsent(authorizeUrl, 'allow'));
  return { session, client: new JobberGraphqlClient({ config: harness.config, tokens: session, clock: harness.clock, http: harness.http, ...client }) };
}
