/**
 * The production main bundle carries no sandbox: scripts/build-main.mjs puts the embedded sandbox
 * in its own chunk (dist/main/sandbox.js) that main.js loads only in sandbox mode. Checked on the
 * real esbuild output, by markers that exist only in sandbox/ source.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
// Strings written only in sandbox/ (the control prefix, the consent page, the sandbox account).
const SANDBOX_MARKERS = ['/__sandbox', 'Sandbox Landscaping Co.', 'Sandbox fault page.', 'The control API does not serve web pages'];

let outDir = '';
beforeAll(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-main-bundle-'));
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/build-main.mjs'), `--outdir=${outDir}`], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build-main failed: ${built.stderr}`);
}, 120_000);
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('main bundle', () => {
  it('main.js contains no sandbox code', () => {
    const main = fs.readFileSync(path.join(outDir, 'main', 'main.js'), 'utf8');
    for (const marker of SANDBOX_MARKERS) expect(main.includes(marker), marker).toBe(false);
  });

  it('the sandbox is its own chunk, loaded by main.js at run time', () => {
    const chunk = fs.readFileSync(path.join(outDir, 'main', 'sandbox.js'), 'utf8');
    expect(chunk).toContain('Sandbox Landscaping Co.');
    // The embedded sandbox serves no control routes: its chunk says so.
    expect(chunk).toContain('controlRoutes: false');
    expect(fs.readFileSync(path.join(outDir, 'main', 'main.js'), 'utf8')).toMatch(/(import|require)\("\.\/sandbox\.js"\)/);
  });
});
