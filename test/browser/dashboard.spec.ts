/**
 * The built renderer (dist/renderer) in Debian's Chromium with a scripted fake bridge: every
 * connection state is shown, asserted, checked with axe and saved as a screenshot under
 * test-results/screenshots/. Builds nothing itself: run `npx vite build` first.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, expect, test } from '@playwright/test';
import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import type { AppSnapshot } from '../../electron/ipc/contract';
import { ACCOUNT, MINUTE, T0, activity, settingsView, snapshot, states } from '../support/renderer/snapshots';
import { installFakeBridge } from '../support/browser/fake-bridge';
import type { FakeBridgeHook, FakeBridgeOptions } from '../support/browser/fake-bridge';
import { RENDERER_CSP, startStaticServer } from '../support/browser/static-server';
import type { StaticServer } from '../support/browser/static-server';
import { metaContentSecurityPolicy } from '../../electron/windows/content-security-policy';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MISSING_CHROMIUM = `Chromium missing: apt-get install chromium (looked for ${CHROMIUM}; set CHROMIUM_PATH to override)`;

let browser: Browser | undefined;
let server: StaticServer | undefined;
let rootDir = process.cwd();
let screenshotDir = '';

test.beforeAll(async () => {
  const configFile = test.info().config.configFile;
  rootDir = configFile ? path.dirname(configFile) : process.cwd();
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(MISSING_CHROMIUM);
    test.skip(true, MISSING_CHROMIUM);
    return;
  }
  const dist = path.join(rootDir, 'dist', 'renderer');
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`${dist}/index.html is missing: run \`npx vite build\` first (npm test builds before Playwright).`);
  }
  screenshotDir = path.join(rootDir, 'test-results', 'screenshots');
  mkdirSync(screenshotDir, { recursive: true });
  server = await startStaticServer(dist);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Opened {
  page: Page;
  /** Console errors and page errors, including CSP violations. */
  problems: string[];
}

const contextDefaults: BrowserContextOptions = {
  viewport: { width: 1200, height: 860 },
  locale: 'en-US',
  timezoneId: 'UTC',
  colorScheme: 'light',
  reducedMotion: 'reduce',
};

async function open(bridge: FakeBridgeOptions | null, options: BrowserContextOptions = {}): Promise<Opened> {
  if (!browser || !server) throw new Error('browser not started');
  const context = await browser.newContext({ ...contextDefaults, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // Chromium asks every http page for /favicon.ico; the app has none and needs none.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // Date is frozen at T0 (timers keep running), so countdowns and screenshots are stable.
  await page.clock.setFixedTime(T0);
  if (bridge) await page.addInitScript(installFakeBridge, bridge);
  const response = await page.goto(`${server.origin}/index.html`);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

const fakeOptions = (initial: AppSnapshot, extra: Partial<FakeBridgeOptions> = {}): FakeBridgeOptions => ({
  initial,
  settings: settingsView(),
  reactions: {
    connect: snapshot(states.connecting(), { activity: activity() }),
    refreshNow: snapshot(states.refreshing(), { activity: activity() }),
    disconnect: snapshot(states.disconnected(), {
      activity: [{ at: T0, level: 'info', message: 'Disconnected; tokens removed from this computer.' }, ...activity()],
    }),
  },
  testApiResult: {
    ok: true,
    account: ACCOUNT,
    cost: { requestedQueryCost: 1, actualQueryCost: 1, currentlyAvailable: 9999, maximumAvailable: 10000, restoreRate: 500 },
    durationMs: 184,
  },
  ...extra,
});

async function emit(page: Page, next: AppSnapshot): Promise<void> {
  await page.evaluate((s) => (globalThis as unknown as PageGlobals).__fakeBridge.emit(s), next);
}

async function calls(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(globalThis as unknown as PageGlobals).__fakeBridge.calls]);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(bad, `axe violations in ${label}`).toEqual([]);
}

/**
 * The page's globals as seen from evaluate() callbacks. This file is type-checked without DOM
 * types (tsconfig.node.json), so callbacks cast globalThis to this shape; the cast compiles away.
 */
interface PageGlobals {
  __fakeBridge: FakeBridgeHook;
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  getComputedStyle(element: unknown): { backgroundColor: string };
}

const badge = (page: Page) => page.getByTestId('status-badge');
const actions = (page: Page) => page.getByRole('group', { name: 'Connection actions' });

test('plays a whole connection lifecycle and shows every step', async () => {
  const { page, problems } = await open(fakeOptions(snapshot(states.disconnected(), { activity: activity() })));

  await test.step('disconnected', async () => {
    await expect(badge(page)).toHaveText('Disconnected');
    await expect(actions(page).getByRole('button')).toHaveText(['Connect']);
    await expect(page.getByRole('region', { name: 'Activity' }).getByRole('listitem')).toHaveCount(3);
    await shot(page, 'disconnected');
    await expectAccessible(page, 'disconnected');
  });

  await test.step('connect → connecting', async () => {
    // keyboard alone: Tab from the top reaches Connect after the two view tabs
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(badge(page)).toHaveText('Connecting');
    expect(await calls(page)).toContain('connect');
    await expect(actions(page).getByRole('button')).toHaveText(['Cancel']);
    // the Connect button went away; keyboard focus lands on its replacement, not on <body>
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await expect(page.getByText('Finish signing in to Jobber in the sign-in window.', { exact: false })).toBeVisible();
    await expect(page.getByTestId('status-announcer')).toHaveText('Connection status: Connecting.');
    await shot(page, 'connecting');
    await expectAccessible(page, 'connecting');
  });

  await test.step('connected, refresh scheduled', async () => {
    await emit(page, snapshot(states.connected(), { activity: activity() }));
    await expect(badge(page)).toHaveText('Connected');
    await expect(page.getByTestId('account-name')).toHaveText(ACCOUNT.name);
    await expect(page.getByTestId('token-countdown')).toHaveText('45:00 left');
    await expect(page.getByTestId('next-refresh')).toContainText('in 38 minutes');
    await expect(page.getByTestId('status-announcer')).toHaveText(`Connection status: Connected as ${ACCOUNT.name}.`);
    await expect(actions(page).getByRole('button')).toHaveText(['Refresh now', 'Test API', 'Disconnect']);
    await shot(page, 'connected');
    await expectAccessible(page, 'connected');

    // the countdown is live: move the frozen clock on and wait for the next tick
    await page.clock.setFixedTime(T0 + 2_000);
    await expect(page.getByTestId('token-countdown')).toHaveText('44:58 left');
    await page.clock.setFixedTime(T0);
    await expect(page.getByTestId('token-countdown')).toHaveText('45:00 left');
  });

  await test.step('test API', async () => {
    await page.getByRole('button', { name: 'Test API' }).click();
    const result = page.getByRole('region', { name: 'API test passed' });
    await expect(result).toContainText(ACCOUNT.name);
    await expect(result).toContainText('1 requested, 1 actual');
    await expect(result).toContainText('9,999 of 10,000');
    await expect(result).toContainText('500 per second');
    await expect(result).toContainText('184 ms');
    await shot(page, 'connected-test-api');
  });

  await test.step('refresh → refreshing → connected', async () => {
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect(badge(page)).toHaveText('Refreshing');
    expect(await calls(page)).toContain('refreshNow');
    await expect(page.getByTestId('next-refresh')).toHaveText('Refreshing the access token now…');
    await shot(page, 'refreshing');
    await expectAccessible(page, 'refreshing');

    await emit(
      page,
      snapshot(
        states.connected(T0, {
          accessTokenIssuedAt: T0,
          accessTokenExpiresAt: T0 + 60 * MINUTE,
          lastRefresh: { at: T0, result: 'ok' },
          nextRefreshAt: T0 + 53 * MINUTE,
        }),
        { activity: [{ at: T0, level: 'info', message: 'Access token refreshed.' }, ...activity()] },
      ),
    );
    await expect(badge(page)).toHaveText('Connected');
    await expect(page.getByTestId('token-countdown')).toHaveText('1:00:00 left');
    await expect(page.getByTestId('last-refresh')).toContainText('Succeeded');
  });

  await test.step('offline, retrying', async () => {
    await emit(page, snapshot(states.offlineRetrying(), { activity: activity() }));
    await expect(badge(page)).toHaveText('Retrying');
    await expect(page.getByTestId('next-refresh')).toContainText('in 30 seconds');
    await expect(page.getByTestId('next-refresh')).toContainText('Attempt 2');
    await expect(actions(page).getByRole('button')).toHaveText(['Retry now', 'Disconnect']);
    await shot(page, 'offline-retrying');
    await expectAccessible(page, 'offline-retrying');
  });

  await test.step('needs reconnect', async () => {
    await emit(page, snapshot(states.needsReconnect(), { activity: activity() }));
    await expect(badge(page)).toHaveText('Needs reconnect');
    await expect(page.getByRole('alert')).toContainText(
      `Jobber no longer accepts this app's sign-in for “${ACCOUNT.name}”; reconnect to continue.`,
    );
    await expect(actions(page).getByRole('button')).toHaveText(['Reconnect', 'Forget saved sign-in']);
    await shot(page, 'needs-reconnect');
    await expectAccessible(page, 'needs-reconnect');
  });

  await test.step('reconnect → connecting → connected', async () => {
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await expect(badge(page)).toHaveText('Connecting');
    await emit(page, snapshot(states.connected(), { activity: activity() }));
    await expect(badge(page)).toHaveText('Connected');
    expect((await calls(page)).filter((name) => name === 'connect')).toHaveLength(2);
  });

  await test.step('disconnect with confirm → disconnected', async () => {
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    const confirm = page.getByRole('group', { name: `Disconnect ${ACCOUNT.name}?` });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole('button', { name: 'Keep connected' })).toBeFocused();
    expect(await calls(page)).not.toContain('disconnect');
    await shot(page, 'disconnect-confirm');
    await expectAccessible(page, 'disconnect confirm');

    await page.keyboard.press('Shift+Tab');
    await expect(confirm.getByRole('button', { name: 'Yes, disconnect' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(badge(page)).toHaveText('Disconnected');
    expect(await calls(page)).toContain('disconnect');
    await expect(page.getByText('Disconnected. Jobber was told', { exact: false })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeFocused();
    await shot(page, 'disconnected-after');
  });

  expect(problems, 'console errors (CSP violations included)').toEqual([]);
});

test('not configured: Open settings leads to the settings view', async () => {
  const { page, problems } = await open(fakeOptions(snapshot(states.notConfigured())));
  await expect(badge(page)).toHaveText('Not configured');
  await expect(page.getByText('Client ID is missing.')).toBeVisible();
  await shot(page, 'not-configured');
  await expectAccessible(page, 'not-configured');

  await page.getByRole('button', { name: 'Open settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeFocused();
  await expect(page.getByLabel('Client ID')).toHaveValue('client-abc123');
  await shot(page, 'settings');
  await expectAccessible(page, 'settings');

  await page.getByLabel('Client ID').fill('');
  await page.getByLabel('Redirect URI').fill('http://example.com/callback');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByLabel('Client ID')).toBeFocused();
  await expect(page.getByLabel('Client ID')).toHaveAccessibleDescription(/Client ID is required to connect to Jobber/);
  await expect(page.getByLabel('Redirect URI')).toHaveAccessibleDescription(/may only use http:\/\/ on this computer/);
  await shot(page, 'settings-errors');
  await expectAccessible(page, 'settings with errors');

  const secret = 'browser-secret-value-42';
  await page.getByLabel('Client ID').fill('client-xyz');
  await page.getByLabel('Redirect URI').fill('com.jobberconnect.app:/oauth/callback');
  await page.getByLabel('Client secret').fill(secret);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await expect(page.getByLabel('Client secret')).toHaveValue('');
  await expect(page.getByText('A secret is saved.', { exact: false })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  expect(problems).toEqual([]);
});

test("what Jobber's API says: an inactive account and an ending API version, seen through a broker", async () => {
  const api = {
    version: '2025-04-16',
    versionWarning: { version: '2025-04-16', endsOn: '2026-10-16', message: 'Version 2025-04-16 is deprecated.' },
    account: 'inactive' as const,
  };
  const { page, problems } = await open(fakeOptions({ ...snapshot(states.connected(), { api }), broker: { host: 'broker.example.com' } }));
  // The sign-in is fine; the account is not: the badge says so instead of "Connected".
  await expect(badge(page)).toHaveText('Needs attention');
  await expect(page.getByText(`Jobber says the account ${ACCOUNT.name} is not active`)).toBeVisible();
  await expect(page.getByText('which Jobber stops serving after 2026-10-16')).toBeVisible();
  await expect(page.getByText('via broker broker.example.com')).toBeVisible();
  await shot(page, 'api-attention');
  await expectAccessible(page, 'api-attention');
  expect(problems).toEqual([]);
});

test('storage unavailable', async () => {
  const { page, problems } = await open(fakeOptions(snapshot(states.storageUnavailable())));
  await expect(badge(page)).toHaveText('Storage unavailable');
  await expect(page.getByRole('alert')).toContainText('No system keyring was found');
  await expect(actions(page).getByRole('button')).toHaveText(['Open settings', 'Forget saved sign-in']);
  await shot(page, 'storage-unavailable');
  await expectAccessible(page, 'storage-unavailable');
  expect(problems).toEqual([]);
});

test('client ID or secret refused: Open settings first; Forget saved sign-in asks, then wipes', async () => {
  const { page, problems } = await open(
    fakeOptions(
      snapshot(
        states.needsReconnect(T0, {
          reason: 'credentials-rejected',
          message: "Jobber refused this app's client ID or secret; check them in Settings. The saved sign-in is kept.",
        }),
        { activity: activity() },
      ),
      { disconnectResult: { ok: true, jobberNotified: false, message: 'Removed the saved Jobber sign-in from this computer.' } },
    ),
  );
  await expect(badge(page)).toHaveText('Needs reconnect');
  await expect(page.getByRole('alert')).toContainText("Jobber refused this app's client ID or secret");
  await expect(actions(page).getByRole('button')).toHaveText(['Open settings', 'Reconnect', 'Forget saved sign-in']);
  await shot(page, 'needs-reconnect-credentials');
  await expectAccessible(page, 'needs-reconnect (credentials rejected)');

  await page.getByRole('button', { name: 'Forget saved sign-in' }).click();
  const confirm = page.getByRole('group', { name: 'Forget the saved sign-in?' });
  await expect(confirm.getByRole('button', { name: 'Keep it' })).toBeFocused();
  expect(await calls(page)).not.toContain('disconnect');
  await shot(page, 'forget-confirm');
  await expectAccessible(page, 'forget confirm');

  await confirm.getByRole('button', { name: 'Yes, forget it' }).click();
  await expect(badge(page)).toHaveText('Disconnected');
  expect((await calls(page)).filter((name) => name === 'disconnect')).toHaveLength(1);
  await expect(page.getByText('The saved sign-in was removed from this computer.')).toBeVisible();
  await expectAccessible(page, 'after forget');
  expect(problems).toEqual([]);
});

test('sandbox at 400 px wide: banner shown, nothing overflows', async () => {
  const { page, problems } = await open(
    fakeOptions(snapshot(states.connected(), { environment: 'sandbox', activity: activity() })),
    { viewport: { width: 400, height: 860 } },
  );
  await expect(page.getByText('Sandbox: not connected to real Jobber')).toBeVisible();
  await expect(badge(page)).toHaveText('Connected');
  const overflow = await page.evaluate(() => {
    const { documentElement } = (globalThis as unknown as PageGlobals).document;
    return documentElement.scrollWidth - documentElement.clientWidth;
  });
  expect(overflow).toBe(0);
  await shot(page, 'connected-sandbox-400px');
  await expectAccessible(page, 'sandbox at 400px');
  expect(problems).toEqual([]);
});

test('dark theme follows the system setting', async () => {
  const { page, problems } = await open(fakeOptions(snapshot(states.connected(), { activity: activity() })));
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(badge(page)).toHaveText('Connected');
  const background = await page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    return page.getComputedStyle(page.document.documentElement).backgroundColor;
  });
  expect(background).toBe('rgb(15, 19, 24)');
  await shot(page, 'connected-dark');
  await expectAccessible(page, 'connected, dark');

  await emit(page, snapshot(states.needsReconnect(), { activity: activity() }));
  await expect(badge(page)).toHaveText('Needs reconnect');
  await shot(page, 'needs-reconnect-dark');
  await expectAccessible(page, 'needs-reconnect, dark');

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByLabel('Client ID')).toBeVisible();
  await shot(page, 'settings-dark');
  await expectAccessible(page, 'settings, dark');
  expect(problems).toEqual([]);
});

test('without a bridge it says so instead of breaking', async () => {
  const { page, problems } = await open(null);
  await expect(page.getByRole('heading', { name: 'Bridge unavailable' })).toBeVisible();
  await shot(page, 'bridge-unavailable');
  await expectAccessible(page, 'bridge unavailable');
  expect(problems).toEqual([]);
});

test('the page is served and built under the strict CSP', async () => {
  if (!server) throw new Error('server not started');
  const response = await fetch(`${server.origin}/index.html`);
  expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  const html = readFileSync(path.join(rootDir, 'dist', 'renderer', 'index.html'), 'utf8');
  expect(html).toContain(`content="${metaContentSecurityPolicy()}"`);
  // no inline scripts or style blocks in the built page
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/<style[\s>]/);
  expect(html).not.toMatch(/\sstyle="/);
});
