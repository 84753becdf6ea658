/**
 * The Electron binary lookup lives in one place (scripts/electron-binary.cjs) that dev.mjs and the
 * e2e spec share. (The channel and settings lists are derived from the contract table and the
 * settings schema, and the layering is held by eslint.config.mjs, so neither needs a test here.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBinary } from '../../../scripts/electron-binary.cjs';

const root = path.resolve(__dirname, '../../..');
const source = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('electronBinary (scripts/electron-binary.cjs)', () => {
  function fakeProject(withPathTxt: boolean): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-electron-bin-'));
    temps.push(dir);
    fs.mkdirSync(path.join(dir, 'node_modules/electron/dist'), { recursive: true });
    if (withPathTxt) fs.writeFileSync(path.join(dir, 'node_modules/electron/path.txt'), 'electron');
    return dir;
  }

  it('finds dist/<path.txt>, honours ELECTRON_OVERRIDE_DIST_PATH, and says null (never downloads) when missing', () => {
    const dir = fakeProject(true);
    expect(electronBinary({ root: dir, env: {} })).toBeNull();
    fs.writeFileSync(path.join(dir, 'node_modules/electron/dist/electron'), '');
    expect(electronBinary({ root: dir, env: {} })).toBe(path.join(dir, 'node_modules/electron/dist/electron'));
    const override = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-electron-override-'));
    temps.push(override);
    expect(electronBinary({ root: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: override } })).toBeNull();
    fs.writeFileSync(path.join(override, 'electron'), '');
    expect(electronBinary({ root: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: override } })).toBe(path.join(override, 'electron'));
    const bare = fakeProject(false);
    fs.writeFileSync(path.join(override, 'electron.exe'), '');
    expect(electronBinary({ root: bare, env: { ELECTRON_OVERRIDE_DIST_PATH: override }, platform: 'win32' })).toBe(path.join(override, 'electron.exe'));
    expect(electronBinary({ root: bare, env: {} })).toBeNull();
  });

  it('is the only copy: dev.mjs and the e2e spec import it', () => {
    for (const file of ['scripts/dev.mjs', 'test/e2e/app.spec.ts']) {
      expect(source(file), file).toMatch(/from '[./]+scripts\/electron-binary\.cjs'|from '\.\/electron-binary\.cjs'/);
      expect(source(file), file).not.toMatch(/function electronBinary/);
    }
  });
});
