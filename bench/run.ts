/**
 * `npm run bench`: runs every benchmark in BENCHMARKS in order, prints the machine, the date and
 * one table per benchmark, writes test-results/bench.json, and exits non-zero if an invariant
 * (e.g. the refresh storm's "exactly one token request, no failures") is broken or a benchmark
 * crashed. Never part of `npm test`. `npm run bench -- <id> …` runs only the named benchmarks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brokerThroughput } from './broker-throughput';
import { mainBundleSize, rendererSize } from './bundle-sizes';
import { connectPipeline } from './connect-pipeline';
import { crashSafety } from './crash-safety';
import { faultMatrix } from './fault-matrix';
import { graphqlPacing } from './graphql-pacing';
import { machineInfo } from './machine';
import { mainImportTime } from './main-import-time';
import { refreshStorm } from './refresh-storm';
import { soak } from './soak';
import { formatMs } from './stats';
import type { BenchResult, Benchmark } from './types';

/** Every benchmark, in the order they run and print. Add new ones here. */
export const BENCHMARKS: readonly Benchmark[] = [refreshStorm, connectPipeline, graphqlPacing, rendererSize, mainBundleSize, mainImportTime, faultMatrix, crashSafety, soak, brokerThroughput];

const OUTPUT = path.resolve(import.meta.dirname, '..', 'test-results', 'bench.json');

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`).join('\n');
}

function print(benchmark: Benchmark, result: BenchResult, ms: number): void {
  console.log(`\n${benchmark.title}  [${benchmark.id}, ${formatMs(ms)}]`);
  for (const line of result.headlines ?? []) console.log(line);
  const rows: [string, string][] = result.figures.map((figure) => [figure.label, figure.text]);
  for (const invariant of result.invariants) rows.push([invariant.label, `${invariant.ok ? 'OK' : 'BROKEN'} (${invariant.detail})`]);
  console.log(table(rows));
  for (const note of result.notes) console.log(`  · ${note}`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = only.filter((id) => !BENCHMARKS.some((benchmark) => benchmark.id === id));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.id).join(', ')}`);
    process.exit(2);
  }
  const selected = only.length > 0 ? BENCHMARKS.filter((benchmark) => only.includes(benchmark.id)) : BENCHMARKS;

  const machine = machineInfo();
  const date = new Date().toISOString();
  console.log('Jobber Connect benchmarks (npm run bench)');
  console.log(`  date     ${date}`);
  console.log(`  os       ${machine.os}`);
  console.log(`  cpus     ${machine.cpuCount} × ${machine.cpuModel}`);
  console.log(`  memory   ${machine.memoryGiB} GiB`);
  console.log(`  node     ${machine.node}`);

  const records: unknown[] = [];
  const broken: string[] = [];
  for (const benchmark of selected) {
    const start = process.hrtime.bigint();
    let result: BenchResult;
    try {
      result = await benchmark.run();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      result = { figures: [], invariants: [{ label: 'completed', ok: false, detail }], notes: [] };
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    print(benchmark, result, ms);
    for (const invariant of result.invariants) if (!invariant.ok) broken.push(`${benchmark.id}: ${invariant.label} (${invariant.detail})`);
    records.push({ id: benchmark.id, title: benchmark.title, durationMs: Math.round(ms), ...result });
  }

  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, `${JSON.stringify({ command: 'npm run bench', date, machine, ok: broken.length === 0, benchmarks: records }, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), OUTPUT)}`);
  if (broken.length > 0) {
    console.error(`\nBROKEN INVARIANTS:\n  ${broken.join('\n  ')}`);
    process.exit(1);
  }
  // Keep-alive sockets or unref'd timers must not hold the process open.
  process.exit(0);
}

void main();
