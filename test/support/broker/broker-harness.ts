/**
 * A sandbox (playing Jobber) and one or more broker instances on one storage schema, over real
 * loopback HTTP. The brokers share a clock the test can move, and one registered callback URL
 * (the first instance's, as a load balancer would present them).
 */
import type { PGlite } from '@electric-sql/pglite';
import { startBroker, type RunningBroker } from '../../../broker/broker';
import { TokenCipher, type EncryptionKey } from '../../../broker/crypto/token-cipher';
import type { RateLimit } from '../../../broker/rate-limit';
import type { Clock } from '../../../electron/core/clock';
import { SANDBOX_CLIENT, startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox/server';
import { dropSchema, freshSchema, rowReader, storageTarget, type Engine, type RowReader } from './databases';
import { freePort } from '../free-port';

export const TEST_KEY: EncryptionKey = { id: 'k1', key: Buffer.alloc(32, 7) };

/** A clock the test moves forward; real time underneath. */
export class MovableClock implements Clock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
  setTimer = (ms: number, callback: () => void): unknown => setTimeout(callback, ms);
  clearTimer = (handle: unknown): void => clearTimeout(handle as NodeJS.Timeout);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export { freePort };

export interface HarnessOptions {
  engine: Engine;
  pglite?: PGlite;
  instances?: number;
  sandbox?: SandboxOptions;
  deviceLimit?: RateLimit;
  ipLimit?: RateLimit;
  /** Log level and destination (default silent). */
  logLevel?: string;
  logStream?: NodeJS.WritableStream;
  /** Send the sandbox's webhooks to the first broker (default true). */
  webhooks?: boolean;
}

export interface Harness {
  sandbox: Sandbox;
  brokers: RunningBroker[];
  /** The first broker's URL. */
  url: string;
  callbackUrl: string;
  clock: MovableClock;
  schema: string;
  db: RowReader;
  /** Starts one more broker instance on the same schema. */
  addInstance(): Promise<RunningBroker>;
  close(): Promise<void>;
}

const GENEROUS: RateLimit = { limit: 1_000_000, windowMs: 60_000 };

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const schema = freshSchema();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const callbackUrl = `${url}/oauth/callback`;
  const clock = new MovableClock();
  // Jobber and the broker keep the same time: Jobber's access token carries no iat, so two issued in
  // the same second are one string, and a broker moved an hour on must meet a Jobber an hour on.
  const sandbox = await startSandbox({
    clock: () => clock.now(),
    ...options.sandbox,
    redirectUris: [callbackUrl, ...(options.sandbox?.redirectUris ?? [])],
    webhookUrl: options.webhooks === false ? undefined : `${url}/webhooks/jobber`,
  });
  const cipher = new TokenCipher([TEST_KEY]);
  const brokers: RunningBroker[] = [];
  const launch = (listenPort: number): Promise<RunningBroker> =>
    startBroker({
      storage: storageTarget(options.engine, schema, options.pglite),
      cipher,
      jobber: { clientId: SANDBOX_CLIENT.clientId, clientSecret: SANDBOX_CLIENT.clientSecret, apiBaseUrl: sandbox.url, redirectUri: callbackUrl },
      port: listenPort,
      clock,
      logLevel: options.logLevel ?? 'silent',
      logStream: options.logStream,
      deviceLimit: options.deviceLimit ?? GENEROUS,
      ipLimit: options.ipLimit ?? GENEROUS,
    });
  const addInstance = async (): Promise<RunningBroker> => {
    const broker = await launch(brokers.length === 0 ? port : 0);
    brokers.push(broker);
    return broker;
  };
  for (let i = 0; i < (options.instances ?? 1); i += 1) await addInstance();
  const db = await rowReader(options.engine, schema, options.pglite);
  return {
    sandbox,
    brokers,
    url,
    callbackUrl,
    clock,
    schema,
    db,
    addInstance,
    close: async () => {
      await Promise.all(brokers.map((broker) => broker.close()));
      await sandbox.close();
      await db.close();
      await dropSchema(options.engine, schema);
    },
  };
}
