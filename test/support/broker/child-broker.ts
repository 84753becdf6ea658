/**
 * A broker instance in its own process (`broker/main.ts` with production configuration), so a
 * test can kill it with SIGKILL mid-refresh the way a crashed or evicted instance dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SANDBOX_CLIENT } from '../../../sandbox/server';
import { TEST_KEY, type Harness } from './broker-harness';
import { POSTGRES_URL } from './databases';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

export interface ChildBroker {
  url: string;
  process: ChildProcess;
  kill(): Promise<void>;
}

/** Starts `npm run broker`'s entry point on the harness's PostgreSQL schema and sandbox. */
export async function startChildBroker(h: Harness): Promise<ChildBroker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'broker/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: POSTGRES_URL,
      BROKER_DB_SCHEMA: h.schema,
      JOBBER_CLIENT_ID: SANDBOX_CLIENT.clientId,
      JOBBER_CLIENT_SECRET: SANDBOX_CLIENT.clientSecret,
      JOBBER_API_BASE_URL: h.sandbox.url,
      // the registered callback is the first instance's, as behind one load balancer
      BROKER_PUBLIC_URL: h.url,
      BROKER_PORT: '0',
      BROKER_ENCRYPTION_KEYS: `${TEST_KEY.id}:${TEST_KEY.key.toString('base64')}`,
      BROKER_LOG_LEVEL: 'silent',
      // tests and the benchmark send thousands of requests from one address and ten devices
      BROKER_DEVICE_LIMIT_PER_MINUTE: '1000000',
      BROKER_IP_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child broker did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /broker listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child broker exited (${code}): ${output}`)));
  });
  return {
    url,
    process: child,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
