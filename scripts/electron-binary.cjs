// The Electron executable, resolved the way the `electron` package does (path.txt, or
// ELECTRON_OVERRIDE_DIST_PATH) but never downloading: `require('electron')` would start a ~100 MB
// download when the binary is missing. Shared by scripts/dev.mjs and the Electron e2e test.
// CommonJS so both plain Node (dev.mjs) and Playwright's TypeScript loader (which compiles what it
// imports to CommonJS) can load it.
'use strict';
/* global require, module, __dirname -- CommonJS on purpose (see above) */
/* eslint-disable @typescript-eslint/no-require-imports */

const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

/**
 * @param {{ root?: string, env?: Record<string, string | undefined>, platform?: string }} [options]
 * @returns {string | null} the executable's path when it exists, else null
 */
function electronBinary(options = {}) {
  const root = options.root ?? path.resolve(__dirname, '..');
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const pkg = path.join(root, 'node_modules/electron');
  const pathFile = path.join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? path.join(override, relative ?? (platform === 'win32' ? 'electron.exe' : 'electron'))
    : relative
      ? path.join(pkg, 'dist', relative)
      : null;
  return candidate !== null && existsSync(candidate) ? candidate : null;
}

module.exports = { electronBinary };
