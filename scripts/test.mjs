#!/usr/bin/env node
// `npm test`: lint, type-check, unit/integration/wiring tests (vitest), build, then the browser
// and Electron end-to-end layers (Playwright). Prints one closing line "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const results = 'test-results';
mkdirSync(results, { recursive: true });

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const child = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return child.status ?? 1;
}

const failures = [];
const step = (label, command, args, env) => {
  const status = run(label, command, args, env);
  if (status !== 0) failures.push(label);
  return status;
};

step('lint', 'npx', ['eslint', '.']);
step('typecheck', 'npm', ['run', 'typecheck', '--silent']);
step('vitest', 'npx', [
  'vitest', 'run',
  '--reporter=default', '--reporter=json', `--outputFile.json=${results}/vitest.json`,
]);
const built = step('build', 'npm', ['run', 'build', '--silent']) === 0;
if (built) {
  // Electronegativity on the fresh build (offline checks only; every finding must be triaged).
  step('security-scan', 'node', ['scripts/security-scan.mjs', '--csv', `${results}/electronegativity.csv`]);
  step('playwright', 'npx', ['playwright', 'test'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${results}/playwright.json`,
  });
} else {
  failures.push('security-scan and playwright (not run: build failed)');
}

function readJson(path) {
  if (!existsSync(path)) return null;
  try { return JSON.parse(readFileSync(path, 'utf8')); } catch { return null; }
}

let passed = 0, failed = 0, skipped = 0;
const vitest = readJson(`${results}/vitest.json`);
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
}
const pw = readJson(`${results}/playwright.json`);
if (pw?.stats) {
  passed += (pw.stats.expected ?? 0) + (pw.stats.flaky ?? 0);
  failed += pw.stats.unexpected ?? 0;
  skipped += pw.stats.skipped ?? 0;
}
if (failures.length) console.log(`\nFailed steps: ${failures.join(', ')}`);
if (failures.length && failed === 0) failed = failures.length;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length ? 1 : 0);
