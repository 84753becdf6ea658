/**
 * Electron end to end with Playwright's _electron against the built app (npm run build) in sandbox
 * mode with a temp userData: launch, Connect, Allow in the auth window, connected with the account
 * name, a refresh happens (short sandbox token lifetime), restart keeps the connection, Disconnect.
 * Needs an Electron binary: node_modules/electron/dist (path.txt) or ELECTRON_OVERRIDE_DIST_PATH.
 * Without one the whole file skips with one clear line. It never triggers Electron's downloader.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';

const root = path.resolve(__dirname, '../..');
const SKIP_LINE =
  'SKIPPED electron e2e: no Electron binary (set ELECTRON_OVERRIDE_DIST_PATH or install electron with its binary)';

/** The Electron executable, resolved the way the `electron` package does, without downloading. */
function electronBinary(): string | null {
  const pkg = path.join(root, 'node_modules/electron');
  const pathFile = path.join(pkg, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? path.join(override, relative ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'))
    : relative
      ? path.join(pkg, 'dist', relative)
      : null;
  return candidate !== null && fs.existsSync(candidate) ? candidate : null;
}

const executablePath = electronBinary();

const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-e2e-'));
// CI machines rarely have a keyring (Linux falls back to basic_text): opt in to weak storage the
// way a person would, through the saved settings.
fs.writeFileSync(
  path.join(userData, 'settings.json'),
  JSON.stringify({ settings: { mode: 'sandbox', allowWeakStorage: true } }),
  { mode: 0o600 },
);

async function launch(): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await electron.launch({
    executablePath: executablePath ?? undefined,
    args: [root],
    cwd: root,
    env: {
      ...process.env,
      JOBBER_CONNECT_USER_DATA: userData,
      JOBBER_MODE: 'sandbox',
      // Sandbox only: access tokens live 90 s, so the engine renews within the test.
      JOBBER_SANDBOX_TOKEN_LIFETIME_SEC: '90',
      VITE_DEV_SERVER_URL: '',
    },
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page };
}

test.afterAll(() => {
  fs.rmSync(userData, { recursive: true, force: true });
});

test('connect, refresh, restart, disconnect against the sandbox', async () => {
  if (executablePath === null) {
    // One line, printed where the run's output shows it; the reason is also in the report.
    console.log(SKIP_LINE);
    test.skip(true, SKIP_LINE);
    return;
  }
  if (!fs.existsSync(path.join(root, 'dist/main/main.js')) || !fs.existsSync(path.join(root, 'dist/renderer/index.html'))) {
    throw new Error('Build the app first: npm run build');
  }
  let { app, page } = await launch();
  await expect(page.getByText(/sandbox/i).first()).toBeVisible();

  const authWindowPromise = app.waitForEvent('window');
  await page.getByRole('button', { name: /^Connect/ }).click();
  const authWindow = await authWindowPromise;
  await authWindow.waitForLoadState('domcontentloaded');
  await authWindow.locator('button[value="allow"]').click();

  await expect(page.getByTestId('account-name')).toHaveText(/Sandbox Landscaping Co\./, { timeout: 20_000 });
  const firstRefresh = await page.getByTestId('last-refresh').textContent();

  // The token lives 90 s and is renewed ahead of expiry: wait for "last refresh" to change.
  await expect(page.getByTestId('last-refresh')).not.toHaveText(firstRefresh ?? '', { timeout: 60_000 });

  await app.close();
  ({ app, page } = await launch());
  await expect(page.getByTestId('account-name')).toHaveText(/Sandbox Landscaping Co\./, { timeout: 20_000 });

  await page.getByRole('button', { name: /^Disconnect/ }).click();
  await page.getByRole('button', { name: /Yes, disconnect/ }).click();
  await expect(page.getByRole('button', { name: /^Connect/ })).toBeVisible({ timeout: 20_000 });
  await app.close();
});
