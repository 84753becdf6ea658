/**
 * Crash safety of rotation. The parent runs the sandbox; a child process (crash-child.ts) runs the
 * engine over a FileTokenStore and renews in a loop; the parent SIGKILLs the child's process group
 * at a seeded random point in one of four windows around a refresh, then restarts the engine
 * in-process over the same file and classifies what it finds:
 *   (a) live-token: connected, and the stored refresh token is the one the sandbox considers live;
 *   (b) interrupted-refresh: needs-reconnect saying precisely that an interrupted refresh lost the
 *       grant, which is only legitimate when the kill came after the request could reach Jobber
 *       and before the new pair was saved;
 *   (c) bug: anything else.
 * Shared by bench/crash-safety.ts (200 runs) and test/reliability/crash-safety.test.ts (a few).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { RandomSource } from '../../../electron/auth/ports';
import { INTERRUPTED_REFRESH_MESSAGE } from '../../../electron/auth/session';
import { followConsent } from '../../../sandbox/consent-driver';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import { createCrashEngine, REFRESH_PHASES, type CrashEngine, type RefreshPhase } from './crash-engine';
import { seededRandom } from './seeded-random';

/** Where, around a refresh, the kill is aimed. */
export type KillWindow = 'before-marker-save' | 'marker-to-request' | 'in-flight' | 'before-pair-save';
export const KILL_WINDOWS: readonly KillWindow[] = ['before-marker-save', 'marker-to-request', 'in-flight', 'before-pair-save'];

export type CrashOutcome = 'live-token' | 'interrupted-refresh' | 'bug';
export const CRASH_OUTCOMES: readonly CrashOutcome[] = ['live-token', 'interrupted-refresh', 'bug'];

export interface CrashRun {
  index: number;
  window: KillWindow;
  /** Delay after the window's opening step was reported, before SIGKILL. */
  killDelayMs: number;
  /** The last refresh step the child reported before it died (null: none). */
  lastPhase: RefreshPhase | null;
  /** Whether the child's refresh request arrived at the sandbox before the kill. */
  reachedJobber: boolean;
  outcome: CrashOutcome;
  /** For a bug: what was found instead (no secrets). */
  detail: string;
}

export interface CrashReport {
  runs: CrashRun[];
  counts: Record<CrashOutcome, number>;
  /** Outcome counts by the window the kill was aimed at. */
  byWindow: Record<KillWindow, Record<CrashOutcome, number>>;
  /** Outcome counts by the last step the child reached. */
  byPhase: Record<string, Record<CrashOutcome, number>>;
  /** Temp files a killed save left next to the token file (harmless, but counted). */
  leftoverTempFiles: number;
  seed: number;
}

export interface CrashOptions {
  runs: number;
  seed?: number;
  /** Each save in the child waits this long first (a slow disk): widens the windows around saves. */
  saveDelayMs?: number;
  /** The sandbox holds each refresh request this long before answering: widens "in flight". */
  inflightDelayMs?: number;
  onRun?: (run: CrashRun) => void;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD_ENTRY = path.join(HERE, 'crash-child.ts');
/** The child must reach its target step within this (it normally takes well under a second). */
const CHILD_DEADLINE_MS = 20_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The step whose report opens each window, and how long the window lasts. */
function windowSpan(window: KillWindow, saveDelayMs: number, inflightDelayMs: number): { after: RefreshPhase; spanMs: number } {
  switch (window) {
    case 'before-marker-save':
      return { after: 'marker-save', spanMs: saveDelayMs };
    case 'marker-to-request':
      return { after: 'marker-saved', spanMs: 1 };
    case 'in-flight':
      return { after: 'request', spanMs: inflightDelayMs };
    case 'before-pair-save':
      return { after: 'response', spanMs: saveDelayMs };
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    // detached: the child leads its own process group; kill all of it (loaders, helpers).
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

interface ChildResult {
  lastPhase: RefreshPhase | null;
  reachedTarget: boolean;
  stderr: string;
  errors: string[];
}

/**
 * Bundles the child entry into one CommonJS file in `dir`: a plain `node child.cjs` starts several
 * times faster than going through the tsx loader on every one of hundreds of spawns.
 */
async function bundleChild(dir: string): Promise<string> {
  const outfile = path.join(dir, 'crash-child.cjs');
  await build({ entryPoints: [CHILD_ENTRY], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return outfile;
}

/** Spawns the child, kills it `delayMs` after it reports `target`, resolves once it is gone. */
function runChild(
  childFile: string,
  args: { sandboxUrl: string; storePath: string; saveDelayMs: number },
  target: RefreshPhase,
  delayMs: number,
): Promise<ChildResult> {
  const childArgs = { ...args, parentPid: process.pid, maxLifetimeMs: CHILD_DEADLINE_MS + 5_000 };
  const child = spawn(process.execPath, [childFile, JSON.stringify(childArgs)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    let lastPhase: RefreshPhase | null = null;
    let reachedTarget = false;
    const errors: string[] = [];
    const guard = setTimeout(() => killGroup(child), CHILD_DEADLINE_MS);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (line.startsWith('error ')) errors.push(line.slice(6));
        if (!line.startsWith('phase ')) continue;
        const phase = line.slice(6) as RefreshPhase;
        if (!REFRESH_PHASES.includes(phase)) continue;
        lastPhase = phase;
        if (!reachedTarget && phase === target) {
          reachedTarget = true;
          if (delayMs <= 0) killGroup(child);
          else setTimeout(() => killGroup(child), delayMs);
        }
      }
    });
    child.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    // 'close' comes after stdout has ended: every line the child wrote has been read.
    child.once('close', () => {
      clearTimeout(guard);
      resolve({ lastPhase, reachedTarget, stderr, errors });
    });
  });
}

/** Connect from scratch with an in-process engine over the token file, then stop it. */
async function connectFresh(engine: CrashEngine): Promise<void> {
  const { authorizeUrl } = engine.session.beginConnect();
  await engine.session.completeConnect(await followConsent(authorizeUrl, 'allow'));
  await engine.session.stop();
}

/** Steps after which the refresh request may have reached Jobber but the new pair was not yet saved. */
const MAY_HAVE_ROTATED_UNSAVED: ReadonlySet<RefreshPhase | null> = new Set<RefreshPhase | null>(['request', 'response', 'pair-save']);

async function classify(
  engine: CrashEngine,
  sandbox: Sandbox,
  lastPhase: RefreshPhase | null,
  reachedJobber: boolean,
): Promise<{ outcome: CrashOutcome; detail: string }> {
  const state = engine.session.getState();
  const loaded = await engine.store.load();
  const stored = loaded.kind === 'loaded' ? loaded.connection : null;
  const live = sandbox.control.liveRefreshTokens();
  const storedIsLive = stored !== null && live.includes(stored.tokens.refreshToken);

  if (state.status === 'connected') {
    if (!stored) return { outcome: 'bug', detail: `connected but the store is ${loaded.kind}` };
    if (!storedIsLive) return { outcome: 'bug', detail: 'connected with a stored refresh token the sandbox no longer accepts' };
    if (live.length !== 1) return { outcome: 'bug', detail: `${live.length} live refresh tokens at the sandbox` };
    if (stored.refreshInFlight !== null) return { outcome: 'bug', detail: 'connected with the crash marker still stored' };
    try {
      await engine.accountApi.fetchAccount(stored.tokens.accessToken);
    } catch (error) {
      return { outcome: 'bug', detail: `connected but the stored access token fails: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { outcome: 'live-token', detail: '' };
  }
  if (state.status === 'needs-reconnect' && state.reason === 'interrupted-refresh') {
    if (state.message !== INTERRUPTED_REFRESH_MESSAGE) return { outcome: 'bug', detail: `interrupted-refresh with another message: ${state.message}` };
    if (!stored) return { outcome: 'bug', detail: 'the stored record was deleted' };
    if (storedIsLive) return { outcome: 'bug', detail: 'reported a lost grant while the stored token is still live' };
    if (!reachedJobber) return { outcome: 'bug', detail: 'grant lost although the refresh request never reached Jobber' };
    if (!MAY_HAVE_ROTATED_UNSAVED.has(lastPhase)) {
      return { outcome: 'bug', detail: `grant lost although the kill came at step ${lastPhase ?? 'none'} (request not sent, or new pair already saved)` };
    }
    return { outcome: 'interrupted-refresh', detail: '' };
  }
  const why = state.status === 'needs-reconnect' ? ` (${state.reason}: ${state.message})` : '';
  return { outcome: 'bug', detail: `ended ${state.status}${why}` };
}

/**
 * How long the window that can cost the grant lasts in an unhindered refresh (no slowed saves, no
 * held requests): from the moment the request is handed to the HTTP client to the moment the new
 * pair is durable on disk, measured in-process over `samples` refreshes. Milliseconds, ascending.
 */
export async function measureVulnerableWindow(samples: number): Promise<number[]> {
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(path.join(tmpdir(), 'jobber-connect-window-'));
  let requestAt = 0;
  const windows: number[] = [];
  try {
    const engine = createCrashEngine({
      sandboxUrl: sandbox.url,
      storePath: path.join(dir, 'tokens.json'),
      onPhase: (phase) => {
        if (phase === 'request') requestAt = performance.now();
        if (phase === 'pair-saved' && requestAt > 0) windows.push(performance.now() - requestAt);
      },
    });
    await engine.session.start();
    const { authorizeUrl } = engine.session.beginConnect();
    await engine.session.completeConnect(await followConsent(authorizeUrl, 'allow'));
    for (let i = 0; i < samples; i += 1) await engine.session.refreshNow();
    await engine.session.stop();
    return windows.sort((a, b) => a - b);
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function emptyCounts(): Record<CrashOutcome, number> {
  return { 'live-token': 0, 'interrupted-refresh': 0, bug: 0 };
}

/** Runs the kill/restart cycle `options.runs` times against one sandbox and one token file. */
export async function runCrashSafety(options: CrashOptions): Promise<CrashReport> {
  const seed = options.seed ?? 20_250_602;
  const random: RandomSource = seededRandom(seed);
  const saveDelayMs = options.saveDelayMs ?? 15;
  const inflightDelayMs = options.inflightDelayMs ?? 30;
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(path.join(tmpdir(), 'jobber-connect-crash-'));
  const storePath = path.join(dir, 'tokens.json');
  const engineFor = () => createCrashEngine({ sandboxUrl: sandbox.url, storePath });
  const runs: CrashRun[] = [];
  try {
    const childFile = await bundleChild(dir);
    await connectFresh(engineFor());
    for (let index = 0; index < options.runs; index += 1) {
      // Round robin over the windows (each gets its share), seeded random point inside each.
      const window = KILL_WINDOWS[index % KILL_WINDOWS.length] ?? 'in-flight';
      const { after, spanMs } = windowSpan(window, saveDelayMs, inflightDelayMs);
      const killDelayMs = Math.floor(random() * spanMs);
      sandbox.control.clearFaults();
      sandbox.control.injectFault('token', { kind: 'delay', ms: inflightDelayMs }, 1);

      const requestsBefore = sandbox.control.counters().tokenRequests.refresh_token;
      const child = await runChild(childFile, { sandboxUrl: sandbox.url, storePath, saveDelayMs }, after, killDelayMs);
      const reachedJobber = sandbox.control.counters().tokenRequests.refresh_token > requestsBefore;
      // A request that reached Jobber is finished there whatever happened to the client.
      await sleep(inflightDelayMs + 30);
      sandbox.control.clearFaults();

      const engine = engineFor();
      await engine.session.start();
      let { outcome, detail } = await classify(engine, sandbox, child.lastPhase, reachedJobber);
      if (!child.reachedTarget) {
        outcome = 'bug';
        detail = `the child never reached step ${after}${child.stderr ? `: ${child.stderr.trim().slice(0, 300)}` : ''}`;
      }
      const run: CrashRun = { index, window, killDelayMs, lastPhase: child.lastPhase, reachedJobber, outcome, detail };
      runs.push(run);
      options.onRun?.(run);

      // Back to one clean, live grant for the next run.
      if (outcome === 'live-token') {
        await engine.session.stop();
      } else {
        await engine.session.stop();
        // Kills the orphaned grant whose live refresh token died with the child.
        sandbox.control.revokeGrant();
        rmSync(storePath, { force: true });
        await connectFresh(engineFor());
      }
    }
    const counts = emptyCounts();
    const byPhase: Record<string, Record<CrashOutcome, number>> = {};
    const byWindow = Object.fromEntries(KILL_WINDOWS.map((window) => [window, emptyCounts()])) as Record<KillWindow, Record<CrashOutcome, number>>;
    for (const run of runs) {
      counts[run.outcome] += 1;
      byWindow[run.window][run.outcome] += 1;
      const key = run.lastPhase ?? 'none';
      const bucket = (byPhase[key] ??= emptyCounts());
      bucket[run.outcome] += 1;
    }
    const leftoverTempFiles = readdirSync(dir).filter((name) => name.startsWith('tokens.json.tmp-')).length;
    return { runs, counts, byWindow, byPhase, leftoverTempFiles, seed };
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
