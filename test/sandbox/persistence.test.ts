import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server';
import { ACCOUNT_QUERY, connect, graphql, refresh, startTestSandbox, type Tokens } from '../support/sandbox/fixtures';

let dir: string;
let statePath: string;
const open: Sandbox[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  statePath = join(dir, 'nested', 'sandbox-state.json');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Sandbox> {
  const sandbox = await startTestSandbox({ statePath });
  open.push(sandbox);
  return sandbox;
}

describe('statePath persistence', () => {
  it('keeps grants, the current refresh token and the signing key across a restart', async () => {
    const first = await start();
    const tokens = await connect(first);
    const rotated = (await (await refresh(first, tokens.refresh_token)).json()) as Tokens;
    await first.close();

    const second = await start();
    expect(second.control.liveRefreshTokens()).toEqual([rotated.refresh_token]);
    expect((await graphql(second, rotated.access_token, ACCOUNT_QUERY)).status).toBe(200);
    expect((await refresh(second, tokens.refresh_token)).status).toBe(400);
    expect((await refresh(second, rotated.refresh_token)).status).toBe(200);
  });

  it('keeps a grant dead across a restart', async () => {
    const first = await start();
    const tokens = await connect(first);
    first.control.disconnectFromJobber();
    await first.close();

    const second = await start();
    expect(second.control.counters().liveRefreshTokens).toBe(0);
    const response = await graphql(second, tokens.access_token, ACCOUNT_QUERY);
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).toContain('User has disconnected this app');
  });

  it('writes the file owner-only and leaves no temp files', async () => {
    const sandbox = await start();
    await connect(sandbox);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    const parsed = JSON.parse(readFileSync(statePath, 'utf8')) as { version: number; grants: unknown[] };
    expect(parsed.version).toBe(1);
    expect(parsed.grants).toHaveLength(1);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(dir, 'nested'))).toEqual(['sandbox-state.json']);
  });

  it('starts fresh from a corrupt file and rewrites it', async () => {
    const first = await start();
    await first.close();
    writeFileSync(statePath, '{"version": 1, "grants": [');
    const sandbox = await start();
    expect(sandbox.control.liveRefreshTokens()).toEqual([]);
    await connect(sandbox);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('without statePath, a restart forgets everything', async () => {
    const first = await startTestSandbox();
    const tokens = await connect(first);
    await first.close();
    const second = await startTestSandbox();
    open.push(second);
    expect((await graphql(second, tokens.access_token, ACCOUNT_QUERY)).status).toBe(401);
  });
});
