/**
 * What ships: the renderer's JavaScript (dist/renderer/assets/*.js) and the main + preload bundles
 * (dist/main/main.js, dist/preload/preload.js), raw and gzip -9. Reads the build output only; says
 * "not built" when it is missing rather than building.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatBytes } from './stats';
import type { BenchResult, Benchmark, Figure } from './types';

const ROOT = path.resolve(import.meta.dirname, '..');
const NOT_BUILT = 'not built: run npm run build';

function sizes(files: string[]): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

function figure(label: string, files: string[]): Figure {
  if (files.length === 0 || files.some((file) => !existsSync(file))) return { label, value: null, text: NOT_BUILT };
  const { raw, gzip } = sizes(files);
  return { label, value: gzip, text: `${formatBytes(gzip)} gzip -9 (${formatBytes(raw)} raw, ${files.length} file${files.length === 1 ? '' : 's'})` };
}

function rendererFiles(): string[] {
  const dir = path.join(ROOT, 'dist/renderer/assets');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => path.join(dir, name));
}

/** Renderer JS size, gzip -9. */
export const rendererSize: Benchmark = {
  id: 'renderer-size',
  title: 'Renderer JavaScript size',
  run: async (): Promise<BenchResult> => ({
    figures: [figure('dist/renderer/assets/*.js', rendererFiles())],
    invariants: [],
    notes: [],
  }),
};

/** Main + preload bundle sizes, gzip -9. */
export const mainBundleSize: Benchmark = {
  id: 'main-bundle-size',
  title: 'Main and preload bundle size',
  run: async (): Promise<BenchResult> => {
    const main = path.join(ROOT, 'dist/main/main.js');
    const preload = path.join(ROOT, 'dist/preload/preload.js');
    return {
      figures: [figure('dist/main/main.js', [main]), figure('dist/preload/preload.js', [preload]), figure('main + preload', [main, preload])],
      invariants: [],
      notes: [],
    };
  },
};
