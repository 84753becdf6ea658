/**
 * `npm run broker` with nothing configured: the broker on 127.0.0.1 against the sandbox with
 * PGlite, printing the line it listens on, the sandbox client it uses, and the command that runs
 * the app through it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/broker/broker-harness';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'broker-startup-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run broker with no configuration', () => {
  it('listens on 127.0.0.1 against the sandbox, and prints what a newcomer needs', async () => {
    // No Jobber credentials, no database URL, no keys: only a free port (the default 8787 may be
    // taken on a test machine) and a throwaway data folder.
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'broker/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, BROKER_PORT: String(port), BROKER_DATA_DIR: dataDir, BROKER_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up lines: ${output}`)), 60_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (/run the app through it: .*\n/.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`broker exited (${code}): ${output}`)));
      });
      const broker = /^broker listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output)?.[1];
      expect(broker).toBe(`http://127.0.0.1:${port}`);
      const sandbox = /^development: Jobber sandbox on (http:\/\/127\.0\.0\.1:\d+) \(client id sandbox-client-id, client secret sandbox-client-secret\)/m.exec(output)?.[1];
      expect(broker).toBeDefined();
      expect(sandbox).toBeDefined();
      expect(output).toContain(`run the app through it: JOBBER_BROKER_URL=${broker} JOBBER_API_BASE_URL=${sandbox} npm start`);
      expect((await fetch(`${broker}/healthz`)).status).toBe(200);
      // The sandbox it names is the one it talks to: its authorize endpoint answers.
      const start = await fetch(`${broker}/v1/connect/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256', returnTo: 'com.jobberconnect.app:/oauth/callback', appState: 'a'.repeat(43) }),
      });
      expect(start.status).toBe(200);
      const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
      expect(new URL(authorizeUrl).origin).toBe(sandbox);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
  });
});
