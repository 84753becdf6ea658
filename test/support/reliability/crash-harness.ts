/**
 * Crash safety of rotation, on the vault the app ships. The parent runs the sandbox; a child
 * process (crash-child.ts, bundled once) runs the engine over the app's token vault (electron-store
 * file with atomic temp-write/fsync/rename, sealed record, safeStorage stand-in) and renews back to
 * back. Once the child is warm, the parent measures one whole refresh cycle and SIGKILLs the child
 * at a uniformly random moment of the next one: marker save, request, answer, pair save, rename,
 * whatever is running then. Nothing is slowed down or held. The parent counts the temp files the
 * kill left before anything restarts over the store, then restarts the engine (another child) and
 * classifies what it finds:
 *   (a) live-token: connected, the stored refresh token is the one the sandbox considers live, no
 *       marker left, the stored access token works;
 *   (b) interrupted-refresh: needs-reconnect saying precisely that an interrupted refresh lost the
 *       grant, legitimate only when the request had reached Jobber and the new pair was not saved;
 *   (c) bug: anything else.
 * Shared by bench/crash-safety.ts (200 runs) and test/reliability/crash-safety.test.ts (a few).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { RandomSource } from '../../../electron/core/clock';
import { fingerprint } from '../../../electron/core/redact';
import { INTERRUPTED_REFRESH_MESSAGE } from '../../../electron/auth/session-messages';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import { CRASH_STORE_NAME, REFRESH_PHASES, type RefreshPhase } from './crash-protocol';
import { seededRandom } from './seeded-random';

export type CrashOutcome = 'live-token' | 'interrupted-refresh' | 'bug';
export const CRASH_OUTCOMES: readonly CrashOutcome[] = ['live-token', 'interrupted-refresh', 'bug'];

export interface CrashRun {
  index: number;
  /** One whole refresh cycle of this child, as the parent saw it. */
  cycleMs: number;
  /** Uniform in [0, cycleMs): when, after the refresh began, the kill was sent. */
  killDelayMs: number;
  /** The last refresh step the child reported before it died (null: none). */
  lastPhase: RefreshPhase | null;
  /** Whether the child's last refresh request arrived at the sandbox. */
  reachedJobber: boolean;
  /** Temp files next to the vault right after the kill, before any restart could sweep them. */
  tempFilesAtKill: number;
  outcome: CrashOutcome;
  /** For a bug: what was found instead (no secrets). */
  detail: string;
}

export interface CrashReport {
  runs: CrashRun[];
  counts: Record<CrashOutcome, number>;
  /** Outcome counts by the last step the child reached. */
  byPhase: Record<string, Record<CrashOutcome, number>>;
  /** Temp files the kills left, summed over runs, each counted before the restart swept them. */
  leftoverTempFiles: number;
  /** Runs whose kill left at least one temp file (it landed inside a real atomic write). */
  runsWithTempFiles: number;
  seed: number;
}

export interface CrashOptions {
  runs: number;
  seed?: number;
  onRun?: (run: CrashRun) => void;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD_ENTRY = path.join(HERE, 'crash-child.ts');
const ELECTRON_STANDIN = path.join(HERE, 'electron-standin.ts');
/** Any child must be done (or killed) within this. */
const CHILD_DEADLINE_MS = 20_000;
/** Renewals the child completes before the parent measures a cycle (warm caches, JIT). */
const WARM_RENEWALS = 2;

/** Steps after which the refresh request may have reached Jobber but the new pair was not yet durable. */
const MAY_HAVE_ROTATED_UNSAVED: ReadonlySet<RefreshPhase | null> = new Set<RefreshPhase | null>(['request', 'response', 'pair-save']);

interface Child {
  process: ChildProcess;
  /** Resolves with every stdout line once the child has exited. */
  done: Promise<{ lines: string[]; stderr: string }>;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    // detached: the child leads its own process group; kill all of it.
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Bundles the child once: a plain `node child.cjs` starts far faster than a TypeScript loader. */
async function bundleChild(dir: string): Promise<string> {
  const outfile = path.join(dir, 'crash-child.cjs');
  await build({
    entryPoints: [CHILD_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // electron-store imports `electron` for app paths; with an absolute cwd it needs none of it.
    alias: { electron: ELECTRON_STANDIN },
  });
  return outfile;
}

/** Starts a child in `mode`; `onLine` sees each stdout line as it arrives. */
function startChild(childFile: string, args: Record<string, unknown>, onLine: (line: string, child: ChildProcess) => void = () => {}): Child {
  const childArgs = { ...args, parentPid: process.pid, maxLifetimeMs: CHILD_DEADLINE_MS + 5_000 };
  const child = spawn(process.execPath, [childFile, JSON.stringify(childArgs)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<{ lines: string[]; stderr: string }>((resolve, reject) => {
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    const guard = setTimeout(() => killGroup(child), CHILD_DEADLINE_MS);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        onLine(line, child);
      }
    });
    child.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    // 'close' comes after stdout has ended: every line the child wrote has been read.
    child.once('close', () => {
      clearTimeout(guard);
      resolve({ lines, stderr });
    });
  });
  return { process: child, done };
}

/** Runs a child to completion and returns its last stdout line (throws with its stderr if none). */
async function runToEnd(childFile: string, args: Record<string, unknown>): Promise<string> {
  const { lines, stderr } = await startChild(childFile, args).done;
  const last = lines.at(-1);
  if (last === undefined) throw new Error(`crash child (${String(args.mode)}) printed nothing: ${stderr.trim().slice(0, 300)}`);
  return last;
}

interface KilledRenewal {
  lastPhase: RefreshPhase | null;
  /** Refresh requests the child announced it was sending. */
  requestsSent: number;
  cycleMs: number;
  killDelayMs: number;
  killed: boolean;
  stderr: string;
}

/**
 * Lets a `renew` child warm up, takes the length of its last whole refresh cycle, and kills it a
 * uniformly random time into the next refresh.
 */
async function renewAndKill(childFile: string, args: Record<string, unknown>, random: RandomSource): Promise<KilledRenewal> {
  let lastPhase: RefreshPhase | null = null;
  let requestsSent = 0;
  const renewedAt: number[] = [];
  let cycleMs = 0;
  let killDelayMs = 0;
  let killed = false;
  const child = startChild(childFile, { ...args, mode: 'renew' }, (line, process) => {
    if (line === 'refreshed') renewedAt.push(performance.now());
    if (!line.startsWith('phase ')) return;
    const phase = line.slice(6) as RefreshPhase;
    if (!REFRESH_PHASES.includes(phase)) return;
    lastPhase = phase;
    if (phase === 'request') requestsSent += 1;
    if (!killed && phase === 'marker-save' && renewedAt.length >= WARM_RENEWALS) {
      killed = true;
      cycleMs = (renewedAt.at(-1) ?? 0) - (renewedAt.at(-2) ?? 0);
      killDelayMs = random() * cycleMs;
      setTimeout(() => killGroup(process), killDelayMs);
    }
  });
  const { stderr } = await child.done;
  return { lastPhase, requestsSent, cycleMs, killDelayMs, killed, stderr };
}

const inspectionShape = (value: unknown) =>
  value as {
    status: string;
    reason: string | null;
    message: string | null;
    store: string;
    refreshTokenFingerprint: string | null;
    markerStored: boolean | null;
    accessTokenWorks: boolean;
  };

function classify(
  found: ReturnType<typeof inspectionShape>,
  live: readonly string[],
  lastPhase: RefreshPhase | null,
  reachedJobber: boolean,
): { outcome: CrashOutcome; detail: string } {
  const storedIsLive = found.refreshTokenFingerprint !== null && live.map(fingerprint).includes(found.refreshTokenFingerprint);
  if (found.status === 'connected') {
    if (found.store !== 'loaded') return { outcome: 'bug', detail: `connected but the store is ${found.store}` };
    if (!storedIsLive) return { outcome: 'bug', detail: 'connected with a stored refresh token the sandbox no longer accepts' };
    if (live.length !== 1) return { outcome: 'bug', detail: `${live.length} live refresh tokens at the sandbox` };
    if (found.markerStored) return { outcome: 'bug', detail: 'connected with the crash marker still stored' };
    if (!found.accessTokenWorks) return { outcome: 'bug', detail: 'connected but the stored access token fails' };
    return { outcome: 'live-token', detail: '' };
  }
  if (found.status === 'needs-reconnect' && found.reason === 'interrupted-refresh') {
    if (found.message !== INTERRUPTED_REFRESH_MESSAGE) return { outcome: 'bug', detail: `interrupted-refresh with another message: ${found.message ?? ''}` };
    if (found.store !== 'loaded') return { outcome: 'bug', detail: `the stored record is ${found.store}` };
    if (storedIsLive) return { outcome: 'bug', detail: 'reported a lost grant while the stored token is still live' };
    if (!reachedJobber) return { outcome: 'bug', detail: 'grant lost although the refresh request never reached Jobber' };
    if (!MAY_HAVE_ROTATED_UNSAVED.has(lastPhase)) {
      return { outcome: 'bug', detail: `grant lost although the kill came at step ${lastPhase ?? 'none'} (request not sent, or new pair already saved)` };
    }
    return { outcome: 'interrupted-refresh', detail: '' };
  }
  const why = found.status === 'needs-reconnect' ? ` (${found.reason ?? ''}: ${found.message ?? ''})` : '';
  return { outcome: 'bug', detail: `ended ${found.status}${why}` };
}

function tempFiles(storeDir: string): number {
  return readdirSync(storeDir).filter((name) => name.startsWith(`${CRASH_STORE_NAME}.json.tmp-`)).length;
}

function emptyCounts(): Record<CrashOutcome, number> {
  return { 'live-token': 0, 'interrupted-refresh': 0, bug: 0 };
}

/** A fresh sandbox, a bundled child and an empty store directory for `body`; all removed afterwards. */
async function withRig<T>(body: (rig: { sandbox: Sandbox; childFile: string; storeDir: string }) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(path.join(tmpdir(), 'jobber-connect-crash-'));
  const storeDir = path.join(dir, 'store');
  mkdirSync(storeDir);
  try {
    return await body({ sandbox, childFile: await bundleChild(dir), storeDir });
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How long the window that can cost the grant lasts in an unhindered refresh: from the request
 * being handed to the HTTP client to the new pair being durable in the vault, measured by a child
 * over `samples` refreshes. Milliseconds, ascending.
 */
export function measureVulnerableWindow(samples: number): Promise<number[]> {
  return withRig(async ({ sandbox, childFile, storeDir }) => {
    const line = await runToEnd(childFile, { mode: 'measure', sandboxUrl: sandbox.url, storeDir, samples });
    return ((JSON.parse(line) as { windows: number[] }).windows ?? []).sort((a, b) => a - b);
  });
}

/** Runs the kill/restart cycle `options.runs` times against one sandbox and one vault. */
export function runCrashSafety(options: CrashOptions): Promise<CrashReport> {
  const seed = options.seed ?? 20_250_602;
  const random: RandomSource = seededRandom(seed);
  return withRig(async ({ sandbox, childFile, storeDir }) => {
    const base = { sandboxUrl: sandbox.url, storeDir };
    const connectFresh = () => runToEnd(childFile, { ...base, mode: 'connect' });
    await connectFresh();
    const runs: CrashRun[] = [];
    for (let index = 0; index < options.runs; index += 1) {
      const requestsBefore = sandbox.control.counters().tokenRequests.refresh_token;
      const renewal = await renewAndKill(childFile, base, random);
      // Counted before anything restarts over the store (the restart's first read sweeps them).
      const tempFilesAtKill = tempFiles(storeDir);
      // Let a request the child wrote just before dying arrive; then the sandbox has seen every one.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const arrived = sandbox.control.counters().tokenRequests.refresh_token - requestsBefore;
      const inRefreshAfterRequest = renewal.lastPhase !== null && renewal.lastPhase !== 'marker-save' && renewal.lastPhase !== 'marker-saved';
      const reachedJobber = inRefreshAfterRequest && arrived === renewal.requestsSent;
      const found = inspectionShape(JSON.parse(await runToEnd(childFile, { ...base, mode: 'inspect' })));
      let { outcome, detail } = classify(found, sandbox.control.liveRefreshTokens(), renewal.lastPhase, reachedJobber);
      if (!renewal.killed) {
        outcome = 'bug';
        detail = `the child was never killed mid-refresh${renewal.stderr ? `: ${renewal.stderr.trim().slice(0, 300)}` : ''}`;
      }
      const run: CrashRun = { index, cycleMs: renewal.cycleMs, killDelayMs: renewal.killDelayMs, lastPhase: renewal.lastPhase, reachedJobber, tempFilesAtKill, outcome, detail };
      runs.push(run);
      options.onRun?.(run);
      if (outcome !== 'live-token') {
        // Back to one clean, live grant: kill the orphan and sign in again over an empty store.
        sandbox.control.revokeGrant();
        rmSync(storeDir, { recursive: true, force: true });
        mkdirSync(storeDir);
        await connectFresh();
      }
    }
    const counts = emptyCounts();
    const byPhase: Record<string, Record<CrashOutcome, number>> = {};
    for (const run of runs) {
      counts[run.outcome] += 1;
      const bucket = (byPhase[run.lastPhase ?? 'none'] ??= emptyCounts());
      bucket[run.outcome] += 1;
    }
    const leftoverTempFiles = runs.reduce((sum, run) => sum + run.tempFilesAtKill, 0);
    const runsWithTempFiles = runs.filter((run) => run.tempFilesAtKill > 0).length;
    return { runs, counts, byPhase, leftoverTempFiles, runsWithTempFiles, seed };
  });
}
