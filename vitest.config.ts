import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const electronStub = fileURLToPath(new URL('./test/support/electron/electron-stub.ts', import.meta.url));

// Electron 45's package downloads its binary the first time something require()s it. A stray
// require from a dependency (electron-log loads `electron` with Node's own require, which the alias
// cannot reach) must fail loudly in tests instead of fetching 100 MB: point it at nothing.
const noElectronBinary = { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron' };

// Five projects: the Electron-free unit tests, the Electron-free engine and sandbox against real
// servers, the broker service (PGlite and PostgreSQL), the Electron side against a stubbed
// `electron` module, and renderer components in jsdom.
//
// Unit tests sit in test/unit/<room>/ after the source room they test, and the projects pick rooms
// by glob. The rooms ESLint keeps free of `electron` (core, auth, jobber, broker-client), the lint
// config's own test and the scripts run in engine-unit without the alias, so those tests cannot lean
// on the stub; every other room (windows, storage, ipc, app, entry for main.ts and preload.ts) runs
// in main with it. A new room lands in main by default rather than in no project at all.
//
// Isolation: engine-unit and renderer share one module graph (and, for renderer, one jsdom) per
// worker instead of importing it afresh for every file, which is most of their run time. Their
// modules keep no state between files but the redaction registry, which shared-graph-setup.ts
// empties before each file; the renderer's DOM is cleaned after every test and its fake timers are
// restored. The other projects stay isolated: they mock modules (vi.mock), program the electron
// stub, start servers and child processes, and main.ts registers its handlers at import.
const ENGINE_UNIT_TESTS = 'test/unit/{architecture,core,auth,jobber,broker-client,scripts}/**/*.test.ts';
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine-unit',
          environment: 'node',
          env: noElectronBinary,
          include: [ENGINE_UNIT_TESTS],
          isolate: false,
          setupFiles: ['test/support/shared-graph-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'engine',
          environment: 'node',
          env: noElectronBinary,
          include: [
            'test/integration/**/*.test.ts',
            'test/sandbox/**/*.test.ts',
            'test/reliability/**/*.test.ts',
            'test/fuzz/**/*.test.ts',
            // The test doubles' own tests, beside them.
            'test/support/**/*.test.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias: { electron: electronStub } },
        test: {
          name: 'main',
          environment: 'node',
          env: noElectronBinary,
          include: ['test/unit/**/*.test.ts', 'test/packaging/**/*.test.ts', 'test/security/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ENGINE_UNIT_TESTS],
          server: { deps: { inline: ['electron-store', 'conf'] } },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'broker',
          environment: 'node',
          env: noElectronBinary,
          include: ['test/broker/**/*.test.ts'],
          // PGlite needs several seconds to create a data folder on a busy machine.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.tsx', 'test/renderer/**/*.test.ts'],
          setupFiles: ['test/support/renderer/setup.ts'],
          isolate: false,
        },
      },
    ],
  },
});
