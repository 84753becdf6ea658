/**
 * Starts one broker instance: storage (migrated), Jobber gateway, token service, events, the
 * Fastify app, then listening. `close()` is the graceful shutdown: stop accepting, end event
 * streams, finish in-flight requests and after-answer work, then close the storage.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../electron/core/clock';
import { buildApp } from './app';
import { BackgroundTasks } from './background-tasks';
import type { BrokerDeps } from './broker-deps';
import { assertSafeListen } from './config';
import type { TokenCipher } from './crypto/token-cipher';
import { GrantEvents } from './grant-events';
import { createJobberGateway, type JobberApp } from './jobber-gateway';
import { RateLimiter, type RateLimit } from './rate-limit';
import type { BrokerStorage } from './storage/broker-storage';
import { openStorage, type StorageTarget } from './storage/open-storage';
import { TokenService } from './token-service';

export interface BrokerOptions {
  storage: StorageTarget;
  cipher: TokenCipher;
  jobber: JobberApp;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  publicUrl?: string | null;
  clock?: Clock;
  logLevel?: string;
  logStream?: NodeJS.WritableStream;
  deviceLimit?: RateLimit;
  ipLimit?: RateLimit;
  trustProxy?: boolean;
  extraReturnTo?: readonly string[];
}

export interface RunningBroker {
  url: string;
  port: number;
  app: FastifyInstance;
  storage: BrokerStorage;
  close(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  assertSafeListen(host, options.publicUrl ?? null);
  const clock = options.clock ?? systemClock;
  const storage = await openStorage(options.storage, options.cipher);
  const jobber = createJobberGateway(options.jobber, clock);
  const events = new GrantEvents(storage);
  await events.start();
  let appRef: FastifyInstance | null = null;
  const deps: BrokerDeps = {
    storage,
    jobber,
    tokens: new TokenService(storage, jobber, clock),
    events,
    background: new BackgroundTasks((error) => appRef?.log.error({ err: error }, 'After-answer work failed')),
    clock,
    clientSecret: options.jobber.clientSecret,
    deviceLimit: new RateLimiter(options.deviceLimit ?? { limit: 120, windowMs: 60_000 }),
    ipLimit: new RateLimiter(options.ipLimit ?? { limit: 600, windowMs: 60_000 }),
    extraReturnTo: options.extraReturnTo ?? [],
  };
  const { app } = await buildApp(deps, { logLevel: options.logLevel, logStream: options.logStream, trustProxy: options.trustProxy });
  appRef = app;
  const prune = setInterval(() => void storage.pruneExpired(clock.now()).catch(() => undefined), 60_000);
  prune.unref();
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    clearInterval(prune);
    await events.close();
    await storage.close();
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    app,
    storage,
    close: () =>
      (closing ??= (async () => {
        clearInterval(prune);
        await app.close();
        await deps.background.drain();
        await events.close();
        await storage.close();
      })()),
  };
}
