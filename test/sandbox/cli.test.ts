import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../sandbox/cli-args';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('parseCliArgs', () => {
  it('reads --port and --access-token-lifetime in both forms', () => {
    expect(parseCliArgs(['--port', '0', '--access-token-lifetime=90'])).toEqual({ port: 0, accessTokenLifetimeSec: 90 });
    expect(parseCliArgs(['--port=4010', '--redirect-uri=http://127.0.0.1:3000/auth', '--state', '/tmp/s.json'])).toEqual({
      port: 4010,
      redirectUris: ['http://127.0.0.1:3000/auth'],
      statePath: '/tmp/s.json',
    });
  });

  it('refuses unknown flags and bad numbers', () => {
    expect(() => parseCliArgs(['--verbose'])).toThrow(/Unknown flag/);
    expect(() => parseCliArgs(['--access-token-lifetime=0'])).toThrow(/whole number/);
    expect(() => parseCliArgs(['--port'])).toThrow(/needs a value/);
  });
});

let child: ChildProcess | undefined;
afterEach(() => {
  // npx → sh → tsx → node: signal the whole process group this test created, never by name.
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  child = undefined;
});

describe('npx tsx sandbox/cli.ts --port 0', () => {
  it('prints its URL and the sandbox credentials, serves, and stops on SIGTERM', async () => {
    const proc = spawn('npx', ['tsx', 'sandbox/cli.ts', '--port', '0', '--access-token-lifetime=120'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] && output.includes('Press Ctrl-C')) resolve(match[1]);
      });
      proc.once('exit', (code) => reject(new Error(`CLI exited early (${code})`)));
    });
    expect(output).toContain('client id:     sandbox-client-id');
    expect(output).toContain('client secret: sandbox-client-secret');
    expect(output).toContain('redirect URI:  com.jobberconnect.app:/oauth/callback');

    const health = await fetch(`${url}/__sandbox/health`);
    expect(health.status).toBe(200);

    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    process.kill(-(proc.pid ?? 0), 'SIGTERM');
    await exited;
    await expect(fetch(`${url}/__sandbox/health`)).rejects.toThrow();
  });
});
