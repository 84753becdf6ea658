#!/usr/bin/env node
// `npm run dev`: Vite's dev server for the renderer (hot reload), esbuild watching main and
// preload, and Electron pointed at the dev server through VITE_DEV_SERVER_URL. Ctrl+C stops all.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Electron executable, resolved like the `electron` package does but never downloading. */
function electronBinary() {
  const pkg = path.join(root, 'node_modules/electron');
  const pathFile = path.join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? path.join(override, relative ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'))
    : relative
      ? path.join(pkg, 'dist', relative)
      : null;
  return candidate && existsSync(candidate) ? candidate : null;
}

const server = await createServer({ configFile: `${root}vite.config.ts` });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
console.log(`dev: renderer at ${url}`);

const builder = spawn(process.execPath, [`${root}scripts/build-main.mjs`, '--watch'], { stdio: 'inherit', cwd: root });
// Give the first bundle a moment to land before Electron loads it.
await new Promise((resolve) => setTimeout(resolve, 1500));

const electronPath = electronBinary();
if (electronPath === null) {
  console.error(`dev: no Electron binary (set ELECTRON_OVERRIDE_DIST_PATH). The renderer is still served at ${url}`);
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
