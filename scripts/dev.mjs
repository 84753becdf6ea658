#!/usr/bin/env node
// `npm run dev`: Vite's dev server for the renderer (hot reload), esbuild watching main and
// preload, and Electron pointed at the dev server through VITE_DEV_SERVER_URL. Ctrl+C stops all.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { electronBinary } from './electron-binary.cjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const server = await createServer({ configFile: `${root}vite.config.ts` });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
console.log(`dev: renderer at ${url}`);

const builder = spawn(process.execPath, [`${root}scripts/build-main.mjs`, '--watch'], { stdio: 'inherit', cwd: root });
// Give the first bundle a moment to land before Electron loads it.
await new Promise((resolve) => setTimeout(resolve, 1500));

// The electron package fetches its binary on first use (there is no install step); do that here
// too, as `npm start` does through `electron .`.
let electronPath = electronBinary({ root });
if (electronPath === null && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
  console.log('dev: downloading the Electron binary (first run only)…');
  spawnSync(process.execPath, [`${root}node_modules/electron/install.js`], { stdio: 'inherit', cwd: root });
  electronPath = electronBinary({ root });
}
if (electronPath === null) {
  console.error(
    'dev: no Electron binary: the download failed or ELECTRON_OVERRIDE_DIST_PATH names no Electron folder. ' +
      `Run \`npx install-electron\` to retry. The renderer is still served at ${url}`,
  );
}

let app = null;
if (typeof electronPath === 'string') {
  app = spawn(electronPath, ['.'], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, VITE_DEV_SERVER_URL: url.replace(/\/$/, '') },
  });
  app.on('exit', () => shutdown(0));
}

function shutdown(code) {
  builder.kill();
  app?.kill();
  void server.close().finally(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
