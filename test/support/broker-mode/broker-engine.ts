/**
 * The Electron-free engine wired for broker mode (broker token endpoint, broker revoker, GraphQL
 * straight to the sandbox playing Jobber) against startBrokerUnderTest (startBrokerEngine) or any
 * other broker in front of a sandbox, such as the real one in broker/ (brokerEngineFor): what
 * build-runtime.ts builds in broker mode, with a recording logger and a memory store the test can read.
 */
import type { JobberConfig } from '../../../electron/auth/config-types';
import { type Clock } from '../../../electron/core/clock';
import { silentLogger } from '../../../electron/core/logger';
import { MemoryTokenStore } from '../engine/memory-token-store';
import type { RefreshPolicy } from '../../../electron/auth/refresh-policy';
import { Session } from '../../../electron/auth/session';
import { BrokerControls } from '../../../electron/app/broker-controls';
import type { Runtime } from '../../../electron/app/build-runtime';
import { brokerAuthorizeUrl } from '../../../electron/broker/broker-authorize';
import { createBrokerClient, type BrokerClient } from '../../../electron/broker/broker-client';
import { createBrokerRevoker } from '../../../electron/broker/broker-revoker';
import { createBrokerTokenEndpoint } from '../../../electron/broker/broker-token-endpoint';
import { JobberGraphqlClient } from '../../../electron/jobber/graphql-client';
import { createJobberAccountApi } from '../../../electron/jobber/jobber-account-api';
import { followConsent } from '../../../sandbox/consent-driver';
import { ControlledClock, createRecordingLogger, type RecordingLogger } from '../engine/engine-harness';
import { startBrokerUnderTest, type BrokerUnderTest } from './fake-broker';

export const APP_REDIRECT_URI = 'com.jobberconnect.app:/oauth/callback';

/** What the engine needs of a broker: its URL, the sandbox behind it, its callback's redirect, close. */
export type EngineBroker = Pick<BrokerUnderTest, 'url' | 'sandbox' | 'followCallback' | 'close'>;

/** A clock the test moves; the engine, the broker and the sandbox read the same one. */
export type MovableEngineClock = Clock & { advance(ms: number): void };

export interface BrokerEngine<B extends EngineBroker = BrokerUnderTest> {
  broker: B;
  client: BrokerClient;
  config: JobberConfig;
  clock: MovableEngineClock;
  store: MemoryTokenStore;
  logger: RecordingLogger;
  session: Session;
  graphql: JobberGraphqlClient;
  /** The runtime as build-runtime.ts would return it in broker mode. */
  runtime: Runtime;
  /** Connect → broker start → consent (Allow) at the sandbox → broker callback → app callback → redeem. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

export interface BrokerEngineOptions {
  policy?: Partial<RefreshPolicy>;
}

/** The engine against the stand-in broker (test/support/broker-mode/fake-broker.ts). */
export async function startBrokerEngine(options: BrokerEngineOptions = {}): Promise<BrokerEngine> {
  const clock = new ControlledClock();
  const broker = await startBrokerUnderTest({ clock });
  return brokerEngineFor(broker, clock, options);
}

/** Follows a broker's /oauth/callback redirect (the browser's job) and returns where it sends the app. */
export async function followBrokerCallback(brokerCallbackUrl: string): Promise<string> {
  const answer = await fetch(brokerCallbackUrl, { redirect: 'manual' });
  await answer.arrayBuffer();
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`The broker's callback answered HTTP ${answer.status} without a redirect`);
  return location;
}

/** The engine in broker mode against `broker`, on `clock` (closing the engine closes the broker). */
export async function brokerEngineFor<B extends EngineBroker>(broker: B, clock: MovableEngineClock, options: BrokerEngineOptions = {}): Promise<BrokerEngine<B>> {
  const config: JobberConfig = {
    environment: 'jobber',
    clientId: '',
    clientSecret: '',
    redirectUri: APP_REDIRECT_URI,
    apiBaseUrl: broker.sandbox.url,
    graphqlVersion: '2025-04-16',
    authMode: 'app-window',
    broker: { origin: broker.url },
  };
  const client = createBrokerClient({ origin: broker.url, clock, timeoutMs: 2_000 });
  const store = new MemoryTokenStore();
  const logger = createRecordingLogger();
  const session = new Session({
    config,
    tokenEndpoint: createBrokerTokenEndpoint({ client, clock }),
    jobberApi: createJobberAccountApi({ config }),
    grantRevoker: createBrokerRevoker(client),
    store,
    clock,
    logger,
    policy: { maxTimerMs: 50, ...options.policy },
  });
  const graphql = new JobberGraphqlClient({ config, tokens: session, clock, logger });
  await session.start();
  return {
    broker,
    client,
    config,
    clock,
    store,
    logger,
    session,
    graphql,
    runtime: { config, session, graphql, sandbox: null, broker: client },
    async connect() {
      const begun = session.beginConnect();
      if (!begun.request) throw new Error('beginConnect gave no request in broker mode');
      const authorizeUrl = await brokerAuthorizeUrl(client, begun.request, config.redirectUri);
      const brokerCallback = await followConsent(authorizeUrl, 'allow');
      await session.completeConnect(await broker.followCallback(brokerCallback));
    },
    async close() {
      await session.stop();
      await broker.close();
    },
  };
}

/** The broker controls as the app controller runs them (event stream while a grant is live), quiet. */
export function brokerControlsFor(engine: Pick<BrokerEngine, 'clock' | 'runtime'>): BrokerControls {
  return new BrokerControls({
    clock: engine.clock,
    logger: silentLogger,
    runtime: () => engine.runtime,
    note: () => undefined,
    changed: () => undefined,
    revokeTimeoutMs: 1_000,
  });
}
