/**
 * Packaging check: builds the app into a temp project, runs `electron-builder --dir --linux` with a
 * stand-in Electron (a file carrying the fuse sentinel, so the fuses are really flipped), then
 * lists the app.asar: built main, preload and renderer inside; nothing from test/, sandbox/, .env,
 * node_modules or source maps. Skips with the reason printed if electron-builder cannot run here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
// asar integrity off, asar-only off, v8 snapshot off, file-protocol privileges on.
const DEFAULT_WIRE = '10110001';

let project = '';
let asarEntries: string[] = [];
let fuseWire = '';
let skipReason: string | null = null;

function run(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 240_000 });
}

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-package-'));
  const dist = path.join(project, 'dist');
  const built = run(process.execPath, [path.join(root, 'scripts/build-main.mjs'), `--outdir=${dist}`], root);
  if (built.status !== 0) throw new Error(`build-main failed: ${built.stderr}`);
  const renderer = run(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', path.join(dist, 'renderer'), '--emptyOutDir', '--logLevel', 'error'],
    root,
  );
  if (renderer.status !== 0) {
    // The renderer is another module's work; a placeholder still proves what the packager ships.
    console.log(`packaging check: vite build failed, using a placeholder renderer (${renderer.stderr.split('\n')[0]})`);
    fs.mkdirSync(path.join(dist, 'renderer'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'renderer/index.html'), '<!doctype html><title>placeholder</title>');
  }
  fs.copyFileSync(path.join(root, 'package.json'), path.join(project, 'package.json'));
  fs.copyFileSync(path.join(root, 'electron-builder.yml'), path.join(project, 'electron-builder.yml'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'), 'dir');

  // Decoys that must never be packaged.
  fs.mkdirSync(path.join(project, 'test'), { recursive: true });
  fs.writeFileSync(path.join(project, 'test/decoy.test.ts'), 'export {};');
  fs.mkdirSync(path.join(project, 'sandbox/fixtures'), { recursive: true });
  fs.writeFileSync(path.join(project, 'sandbox/fixtures/state.json'), '{}');
  fs.writeFileSync(path.join(project, '.env'), 'JOBBER_CLIENT_SECRET=decoy-secret');
  fs.writeFileSync(path.join(dist, 'main/main.js.map'), '{"sourcesContent":["decoy-secret"]}');
  fs.writeFileSync(path.join(dist, 'renderer/decoy.js.map'), '{}');
  fs.writeFileSync(path.join(dist, 'main/.env'), 'decoy');

  const electronDist = path.join(project, 'electron-stand-in');
  fs.mkdirSync(electronDist);
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\n# stand-in Electron for the packaging check\n'),
    Buffer.from(SENTINEL),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE),
    Buffer.from('\n'),
  ]);
  fs.writeFileSync(path.join(electronDist, 'electron'), binary, { mode: 0o755 });

  const result = run(
    process.execPath,
    [
      path.join(root, 'node_modules/electron-builder/cli.js'),
      '--dir',
      '--linux',
      '--projectDir',
      project,
      `-c.electronDist=${electronDist}`,
      '-c.electronVersion=45.5.0',
      '--publish',
      'never',
    ],
    project,
  );
  const asar = path.join(project, 'release/linux-unpacked/resources/app.asar');
  if (result.status !== 0 || !fs.existsSync(asar)) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-6).join(' | ');
    skipReason = `electron-builder could not package offline here: ${result.error?.message ?? tail}`;
    console.log(`SKIPPED packaging check: ${skipReason}`);
    return;
  }
  asarEntries = listPackage(asar, { isPack: false }).map((entry) => entry.split(path.sep).join('/'));
  const exe = fs.readFileSync(path.join(project, 'release/linux-unpacked/jobber-connect'));
  const at = exe.indexOf(SENTINEL) + SENTINEL.length;
  fuseWire = exe.subarray(at + 2, at + 2 + exe[at + 1]!).toString('latin1');
}, 300_000);

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe('electron-builder --dir (stand-in Electron)', () => {
  it('packs the built main, preload and renderer into app.asar', (ctx) => {
    if (skipReason) return ctx.skip();
    expect(asarEntries).toContain('/package.json');
    expect(asarEntries).toContain('/dist/main/main.js');
    expect(asarEntries).toContain('/dist/preload/preload.js');
    expect(asarEntries).toContain('/dist/renderer/index.html');
  });

  it('keeps tests, sandbox sources, .env files, node_modules and source maps out', (ctx) => {
    if (skipReason) return ctx.skip();
    const offending = asarEntries.filter(
      (entry) =>
        entry.startsWith('/test') ||
        entry.startsWith('/sandbox') ||
        entry.startsWith('/node_modules') ||
        entry.startsWith('/electron/') ||
        /(^|\/)\.env/.test(entry) ||
        entry.endsWith('.map'),
    );
    expect(offending).toEqual([]);
  });

  it('flips the fuses in the packaged binary', (ctx) => {
    if (skipReason) return ctx.skip();
    // Index: 0 RunAsNode, 1 CookieEncryption, 2 NodeOptions, 3 NodeCliInspect, 4 AsarIntegrity,
    // 5 OnlyLoadAppFromAsar, 6 browser-process V8 snapshot (left alone), 7 GrantFileProtocolExtraPrivileges.
    expect(fuseWire.slice(0, 6)).toBe('010011');
    expect(fuseWire[6]).toBe(DEFAULT_WIRE[6]);
    expect(fuseWire[7]).toBe('0');
    expect(DEFAULT_WIRE[7]).toBe('1');
  });
});
