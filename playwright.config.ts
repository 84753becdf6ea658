import { defineConfig } from '@playwright/test';

// Browser layer: the built renderer in Debian's Chromium with a fake bridge (test/browser).
// Electron layer: the real app via Playwright's _electron (test/e2e), skipped where no binary exists.
export default defineConfig({
  outputDir: 'test-results/playwright',
  reporter: [['list'], ['json']],
  timeout: 60_000,
  workers: 1,
  projects: [
    { name: 'browser', testDir: 'test/browser', testMatch: /.*\.spec\.ts/ },
    { name: 'electron', testDir: 'test/e2e', testMatch: /.*\.spec\.ts/ },
  ],
});
