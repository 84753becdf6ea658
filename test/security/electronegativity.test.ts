/**
 * The Electronegativity gate (scripts/security-scan.mjs) itself: it must fail on an untriaged
 * finding, an unparsable file and a missing build. The scan of the real build is a step of
 * `npm test` right after `npm run build` (scripts/test.mjs), so a stale dist/ is never judged here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/security-scan.mjs');
const temps: string[] = [];

afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

function scan(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** A throwaway input folder with the given files. */
function input(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-scan-input-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function emptyTriage(): string {
  const file = path.join(input({}), 'triage.json');
  fs.writeFileSync(file, '[]');
  return file;
}

describe('the scan gate can fail', () => {
  it('an untriaged finding fails the scan', () => {
    const dir = input({ 'main/main.js': "const { shell } = require('electron');\nshell.openExternal(process.argv[2]);\n" });
    const { status, output } = scan('--input', dir, '--triage', emptyTriage());
    expect(output).toMatch(/UNTRIAGED {2}OPEN_EXTERNAL_JS_CHECK/);
    expect(output).toContain('FAILED');
    expect(status).toBe(1);
  });

  it('a file the scanner cannot parse fails the scan instead of being skipped silently', () => {
    const dir = input({ 'main/main.js': 'class Vault { #secret = 1; read() { return this.#secret; } }\nmodule.exports = Vault;\n' });
    const unlowered = scan('--input', dir, '--triage', emptyTriage(), '--no-lower');
    expect(unlowered.output).toMatch(/PARSE ERROR main\/main\.js/);
    expect(unlowered.status).toBe(1);
    const lowered = scan('--input', dir, '--triage', emptyTriage());
    expect(lowered.output).not.toContain('PARSE ERROR');
  });

  it('no build: says what to run and exits 2', () => {
    const { status, output } = scan('--input', path.join(os.tmpdir(), 'jc-no-such-dist'));
    expect(output).toContain('run `npm run build` first');
    expect(status).toBe(2);
  });
});
