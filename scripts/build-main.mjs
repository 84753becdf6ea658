#!/usr/bin/env node
// Bundles the main process (electron/main.ts → dist/main/main.js) and the preload
// (electron/preload.ts → dist/preload/preload.js) with esbuild. CommonJS for both: a sandboxed
// preload may only require('electron'), and everything else (electron-store, electron-log, zod,
// axios) is bundled in. The embedded sandbox is its own chunk (dist/main/sandbox.js), which main.js
// loads with require('./sandbox.js') only in sandbox mode: the production main bundle carries none
// of it. No source maps: nothing extra ships in the asar.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');
// --outdir=<dir> builds into another folder (the packaging test builds into a temp project).
const outArg = process.argv.find((arg) => arg.startsWith('--outdir='));
const outDir = outArg ? outArg.slice('--outdir='.length) : `${root}dist`;

// A default broker URL baked in at build time (README: "Broker mode"). Always defined, empty when
// unset, so a packaged app never takes it from its own environment at run time.
const defaultBrokerUrl = (process.env.JOBBER_CONNECT_DEFAULT_BROKER_URL ?? '').trim();

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron'],
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.JOBBER_CONNECT_DEFAULT_BROKER_URL': JSON.stringify(defaultBrokerUrl) },
};

/** main.ts's `import('../sandbox/embedded')` stays a run-time require of the separate chunk. */
const sandboxAsChunk = {
  name: 'sandbox-as-chunk',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/sandbox\/embedded$/ }, () => ({ path: './sandbox.js', external: true }));
  },
};

const targets = [
  { ...common, entryPoints: ['electron/main.ts'], outfile: `${outDir}/main/main.js`, plugins: [sandboxAsChunk] },
  { ...common, entryPoints: ['sandbox/embedded.ts'], outfile: `${outDir}/main/sandbox.js` },
  { ...common, entryPoints: ['electron/preload.ts'], outfile: `${outDir}/preload/preload.js` },
];

rmSync(`${outDir}/main`, { recursive: true, force: true });
rmSync(`${outDir}/preload`, { recursive: true, force: true });

if (watch) {
  const { context } = await import('esbuild');
  for (const options of targets) {
    const ctx = await context(options);
    await ctx.watch();
  }
  console.log('build-main: watching electron/ for changes');
} else {
  await Promise.all(targets.map((options) => build(options)));
  console.log(`build-main: ${outDir}/main/main.js and ${outDir}/preload/preload.js written`);
  if (defaultBrokerUrl !== '') console.log(`build-main: default broker URL built in: ${defaultBrokerUrl}`);
}
