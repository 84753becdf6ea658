/**
 * Turns saved settings + environment into a ready-to-start engine: the validated configuration
 * (or why there is none), the in-process sandbox when no Jobber credentials are set, the token
 * vault, the Session and the GraphQL client (in broker mode: the broker client and its token
 * endpoint and revoker instead of Jobber's token endpoint). Builds only; starting, subscribing and stopping are
 * the controller's job.
 */
import path from 'node:path';
import { loadConfig, sandboxConfig } from './config';
import type { JobberConfig } from '../auth/config-types';
import type { Environment } from '../ipc/settings-schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { GrantRevoker, TokenEndpoint } from '../auth/ports';
import { createBrokerClient, type BrokerClient } from '../broker/broker-client';
import { createBrokerRevoker } from '../broker/broker-revoker';
import { createBrokerTokenEndpoint } from '../broker/broker-token-endpoint';
import { builtInBrokerUrl } from '../broker/default-broker-url';
import { Session } from '../auth/session';
import { createTokenClient } from '../auth/token-client';
import { JobberGraphqlClient } from '../jobber/graphql-client';
import { createJobberAccountApi } from '../jobber/jobber-account-api';
import { openJsonFile } from '../storage/json-file';
import type { SafeStoragePort } from '../storage/safe-storage-port';
import { connectionFileName } from '../storage/store-names';
import { createTokenVault } from '../storage/token-vault';
import type { SettingsStore } from './settings-store';

/** The sandbox as the controller uses it (sandbox/server.ts's startSandbox result). */
export interface SandboxHandle {
  url: string;
  close(): Promise<void>;
}

export type StartSandbox = (options: {
  port: number;
  redirectUris: string[];
  statePath: string;
  accessTokenLifetimeSec?: number;
}) => Promise<SandboxHandle>;

export interface RuntimeDeps {
  userDataDir: string;
  env: Record<string, string | undefined>;
  dotenvText: string | null;
  settings: SettingsStore;
  safeStorage: SafeStoragePort;
  clock: Clock;
  logger: Logger;
  startSandbox: StartSandbox;
  /** A packaged build (app.isPackaged): development overrides such as JOBBER_API_BASE_URL are off. */
  packaged?: boolean;
  /** Sandbox access-token lifetime override (honoured only in sandbox mode; e2e uses it). */
  sandboxTokenLifetimeSec?: number;
  /** The built-in broker URL (default: the one this build carries, default-broker-url.ts). */
  defaultBrokerUrl?: string | undefined;
}

/** A built, not yet started engine. */
export interface Runtime {
  config: JobberConfig;
  session: Session;
  graphql: JobberGraphqlClient;
  sandbox: SandboxHandle | null;
  /** Broker mode: the broker's API client; null otherwise. */
  broker: BrokerClient | null;
}

export type BuildResult =
  | { kind: 'invalid'; environment: Environment; problems: string[] }
  | { kind: 'ready'; runtime: Runtime };

/** The built-in broker URL: the one given in deps (tests), else the one this build carries. */
export function defaultBrokerUrlOf(deps: Pick<RuntimeDeps, 'defaultBrokerUrl'>): string | undefined {
  return 'defaultBrokerUrl' in deps ? deps.defaultBrokerUrl : builtInBrokerUrl();
}

/** Reads settings and builds the engine, or says what is missing. Starts the sandbox when used. */
export async function buildRuntime(deps: RuntimeDeps): Promise<BuildResult> {
  const loaded = await deps.settings.load();
  const defaultBrokerUrl = defaultBrokerUrlOf(deps);
  const result = loadConfig({
    env: deps.env,
    dotenvText: deps.dotenvText,
    settings: loaded.settings,
    packaged: deps.packaged === true,
    ...(defaultBrokerUrl !== undefined ? { defaultBrokerUrl } : {}),
  });
  const allowWeak = loaded.settings.allowWeakStorage === true;

  if (result.kind === 'invalid') {
    const problems = [...result.problems];
    if (loaded.secretProblem) problems.push(loaded.secretProblem);
    if (loaded.fileProblem) problems.push(loaded.fileProblem);
    deps.logger.warn('Not configured', { problems: problems.length });
    return { kind: 'invalid', environment: loaded.settings.mode ?? 'jobber', problems };
  }

  let config: JobberConfig;
  let sandbox: SandboxHandle | null = null;
  if (result.kind === 'sandbox') {
    sandbox = await deps.startSandbox({
      port: 0,
      redirectUris: [result.redirectUri],
      statePath: path.join(deps.userDataDir, 'sandbox-state.json'),
      ...(deps.sandboxTokenLifetimeSec ? { accessTokenLifetimeSec: deps.sandboxTokenLifetimeSec } : {}),
    });
    config = sandboxConfig(sandbox.url, {
      redirectUri: result.redirectUri,
      graphqlVersion: result.graphqlVersion,
      authMode: result.authMode,
    });
    deps.logger.info('Running against the local sandbox', { reason: result.reason });
  } else {
    // The session and the token client pin the client secret for redaction.
    config = result.config;
  }

  const store = createTokenVault({
    file: openJsonFile({
      dir: deps.userDataDir,
      // Broker mode: keyed by the broker, so two brokers (or a direct connection) never share a record.
      name: connectionFileName(config.environment, config.broker ? `broker ${config.broker.origin}` : config.clientId),
      now: () => deps.clock.now(),
    }),
    safeStorage: deps.safeStorage,
    allowWeakStorage: () => allowWeak,
    logger: deps.logger,
  });
  const broker = config.broker ? createBrokerClient({ origin: config.broker.origin, clock: deps.clock }) : null;
  let tokenEndpoint: TokenEndpoint;
  let grantRevoker: GrantRevoker | undefined;
  if (broker) {
    tokenEndpoint = createBrokerTokenEndpoint({ client: broker, clock: deps.clock });
    grantRevoker = createBrokerRevoker(broker);
    deps.logger.info('Connecting through a broker', { broker: broker.origin });
  } else {
    tokenEndpoint = createTokenClient({ config, clock: deps.clock, logger: deps.logger });
  }
  const session = new Session({
    config,
    tokenEndpoint,
    jobberApi: createJobberAccountApi({ config }),
    store,
    clock: deps.clock,
    logger: deps.logger,
    ...(grantRevoker ? { grantRevoker } : {}),
  });
  const graphql = new JobberGraphqlClient({ config, tokens: session, clock: deps.clock, logger: deps.logger });
  return { kind: 'ready', runtime: { config, session, graphql, sandbox, broker } };
}
