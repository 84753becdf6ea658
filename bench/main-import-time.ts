/**
 * Time to load the built main bundle (dist/main/main.js) in a fresh Node process with `electron`
 * replaced by the test stub (compiled once with esbuild): the synchronous require() only, which is
 * what delays the first window. `app.whenReady()` never resolves under the stub, so nothing else
 * runs. Median over several child processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { formatMs, median } from './stats';
import type { BenchResult, Benchmark } from './types';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 15;

// Runs in the child: route `electron` to the stub as the main process sees it (no renderer-only
// APIs: electron-log's bundled preload half would otherwise start up), load it first (not timed),
// then time the bundle.
const CHILD = `
const Module = require('node:module');
const [stub, target] = process.argv.slice(-2);
const full = require(stub);
const RENDERER_ONLY = new Set(['ipcRenderer', 'contextBridge', 'webFrame']);
const mainSide = new Proxy(full, { get: (t, key) => (RENDERER_ONLY.has(key) ? undefined : t[key]) });
require.cache['electron-main-stub'] = { id: 'electron-main-stub', filename: 'electron-main-stub', loaded: true, exports: mainSide };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? 'electron-main-stub' : resolve.call(this, request, ...rest);
};
const start = process.hrtime.bigint();
require(target);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ms }));
process.exit(0);
`;

async function run(): Promise<BenchResult> {
  const bundle = path.join(ROOT, 'dist/main/main.js');
  if (!existsSync(bundle)) {
    return { figures: [{ label: 'require(dist/main/main.js)', value: null, text: 'not built: run npm run build' }], invariants: [], notes: [] };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'jobber-connect-bench-'));
  try {
    const stub = path.join(dir, 'electron-stub.cjs');
    buildSync({
      entryPoints: [path.join(ROOT, 'test/support/electron/electron-stub.ts')],
      outfile: stub,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'error',
    });
    const times: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const child = spawnSync(process.execPath, ['-e', CHILD, stub, bundle], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, NODE_ENV: 'production' },
      });
      if (child.status !== 0) {
        const why = (child.stderr || child.error?.message || `exit ${String(child.status)}`).trim().split('\n').slice(0, 3).join(' | ');
        return { figures: [{ label: 'require(dist/main/main.js)', value: null, text: `failed: ${why}` }], invariants: [], notes: [] };
      }
      const parsed = JSON.parse(child.stdout) as { ms: number };
      times.push(parsed.ms);
    }
    return {
      figures: [
        { label: 'require(dist/main/main.js), median', value: median(times), text: formatMs(median(times)) },
        { label: 'min / max', value: `${Math.min(...times)} / ${Math.max(...times)}`, text: `${formatMs(Math.min(...times))} / ${formatMs(Math.max(...times))}` },
      ],
      invariants: [],
      notes: [`${RUNS} fresh Node processes; electron = test/support/electron/electron-stub.ts (esbuild → CJS), loaded before timing.`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const mainImportTime: Benchmark = {
  id: 'main-import-time',
  title: 'Main bundle import time (stubbed electron)',
  run,
};
