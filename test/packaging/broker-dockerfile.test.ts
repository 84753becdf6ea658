/**
 * The broker's Dockerfile, checked without Docker (this machine has only the client): its build
 * stage must bundle broker/main.ts from exactly the folders it copies (a module imported from a
 * folder it forgets breaks the image build, as electron/ipc once did), and the image must run as a
 * non-root user with a health check. The image itself is never built here.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const dockerfile = readFileSync(path.join(ROOT, 'broker/Dockerfile'), 'utf8');
// Continuation lines joined, comments dropped: one instruction per line.
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const [buildStage = [], runStage = []] = instructions.join('\n').split(/\n(?=FROM )/).map((stage) => stage.split('\n')).slice(0, 2);
const work = mkdtempSync(path.join(tmpdir(), 'broker-image-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('broker/Dockerfile', () => {
  it("the build stage bundles the broker from the folders it copies, and nothing else", () => {
    for (const line of buildStage.filter((instruction) => instruction.startsWith('COPY '))) {
      const [, from, to] = line.split(/\s+/);
      if (from === 'package.json') continue; // `COPY package.json package-lock.json ./`
      cpSync(path.join(ROOT, from!), path.join(work, to!), { recursive: true });
    }
    cpSync(path.join(ROOT, 'package.json'), path.join(work, 'package.json'));
    // `npm ci` in the image; the repository's own install here.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
    const bundle = buildStage.find((instruction) => instruction.includes('esbuild'));
    expect(bundle).toMatch(/^RUN npx esbuild broker\/main\.ts /);
    const result = spawnSync('sh', ['-c', bundle!.slice('RUN '.length)], { cwd: work, encoding: 'utf8' });
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.status).toBe(0);
  });

  it('runs the bundle as a non-root user, with a health check on /healthz', () => {
    expect(runStage[0]).toMatch(/^FROM node:22/);
    expect(runStage).toContain('USER node');
    expect(runStage.find((instruction) => instruction.startsWith('HEALTHCHECK'))).toContain('/healthz');
    expect(runStage.at(-1)).toBe('CMD ["node", "broker.mjs"]');
  });
});
