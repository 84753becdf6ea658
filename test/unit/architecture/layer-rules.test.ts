/**
 * The layer rules in eslint.config.mjs fail `npm run lint` (`eslint .`, the same config) on a
 * wrong-way import. Each case lints a small fixture as if it were a file in a room, through ESLint's
 * Node API (lintText: nothing is written into the tree), and checks that the boundaries rule speaks.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: root });

/** The boundaries messages for `code` placed at `file` (a path inside the repository). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies' && m.severity === 2).map((m) => m.message);
}

describe('layer rules (eslint-plugin-boundaries)', () => {
  it.each([
    ['the engine importing the app room', 'electron/auth/fixture.ts', "import { AppController } from '../app/app-controller';\nvoid AppController;\n"],
    ['the engine importing electron', 'electron/auth/fixture.ts', "import { app } from 'electron';\nvoid app;\n"],
    ['the GraphQL client importing the IPC wrapper', 'electron/jobber/fixture.ts', "import { createIpcMain } from '../ipc/ipc-main';\nvoid createIpcMain;\n"],
    ['the GraphQL client importing the session', 'electron/jobber/fixture.ts', "import { Session } from '../auth/session';\nvoid Session;\n"],
    ['the contract importing engine code (not a type)', 'electron/ipc/fixture.ts', "import { Session } from '../auth/session';\nvoid Session;\n"],
    ['the renderer importing the engine', 'renderer/fixture.ts', "import { Session } from '../electron/auth/session';\nvoid Session;\n"],
    ['the renderer importing the IPC wrapper', 'renderer/fixture.ts', "import { createIpcMain } from '../electron/ipc/ipc-main';\nvoid createIpcMain;\n"],
    ['the renderer importing a Node built-in', 'renderer/fixture.ts', "import fs from 'node:fs';\nvoid fs;\n"],
    ['the sandbox importing the app’s core', 'sandbox/fixture.ts', "import { AuthError } from '../electron/core/errors';\nvoid AuthError;\n"],
    ['core importing the engine', 'electron/core/fixture.ts', "import { Session } from '../auth/session';\nvoid Session;\n"],
    ['core importing electron', 'electron/core/fixture.ts', "import { app } from 'electron';\nvoid app;\n"],
    ['core importing the contract', 'electron/core/fixture.ts', "import type { ConnectionState } from '../ipc/connection-state';\nexport type S = ConnectionState;\n"],
    ['the contract importing a Node built-in (the renderer bundles it)', 'electron/ipc/fixture.ts', "import fs from 'node:fs';\nvoid fs;\n"],
    ['the contract importing an engine type', 'electron/ipc/fixture.ts', "import type { TokenSet } from '../auth/token-model';\nexport type T = TokenSet;\n"],
    ['the GraphQL client importing the refresh policy', 'electron/jobber/fixture.ts', "import { backoffDelay } from '../auth/refresh-policy';\nvoid backoffDelay;\n"],
    ['a window importing the app room', 'electron/windows/fixture.ts', "import { findCallbackUrl } from '../app/callback-args';\nvoid findCallbackUrl;\n"],
    ['the IPC wrapper importing a window policy', 'electron/ipc/ipc-main.ts', "import { decideNavigation } from '../windows/navigation-policy';\nvoid decideNavigation;\n"],
  ])('fails on %s', async (_name, file, code) => {
    const errors = await layerErrors(file, code);
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/There is no policy allowing|are not allowed/);
  }, 60_000);

  it('the app controller may not build the engine itself', async () => {
    const [result] = await eslint.lintText("import { Session } from '../auth/session';\nvoid Session;\n", {
      filePath: path.join(root, 'electron/app/app-controller.ts'),
    });
    expect(result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)).toEqual([
      expect.stringMatching(/The controller delegates/),
    ]);
  }, 60_000);

  it.each([
    ['the renderer importing the contract', 'renderer/fixture.ts', "import { API_METHODS } from '../electron/ipc/channels';\nvoid API_METHODS;\n"],
    ['the engine importing the contract’s settings schema', 'electron/auth/fixture.ts', "import { DEFAULT_REDIRECT_URI } from '../ipc/settings-schema';\nvoid DEFAULT_REDIRECT_URI;\n"],
    ['the contract importing its data model', 'electron/ipc/fixture.ts', "import type { ConnectionState } from './connection-state';\nexport type S = ConnectionState;\n"],
    ['an adapter importing the engine’s ports', 'electron/storage/fixture.ts', "import type { TokenStore } from '../auth/ports';\nexport type S = TokenStore;\n"],
    ['every room importing core', 'electron/windows/fixture.ts', "import { parseUrl } from '../core/url';\nvoid parseUrl;\n"],
  ])('allows %s', async (_name, file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  }, 60_000);
});
