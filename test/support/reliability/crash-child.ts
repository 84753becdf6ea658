/**
 * The crash harness's child process (bundled, run as `node crash-child.cjs '<json>'`). Every use of
 * the token vault happens here, never in the parent, so the parent needs no `electron` module.
 * Modes:
 * - connect: signs in from scratch over the vault, then stops.
 * - renew: renews back to back until the parent kills it, reporting `phase <name>` at every step
 *   and `refreshed` after each renewal, one line each and synchronously (so the last line read
 *   after a SIGKILL is the last step really reached).
 * - inspect: starts the engine over the vault as the app would after a crash, and prints one JSON
 *   line: the state, a fingerprint of the stored refresh token, whether the marker is still
 *   stored, and whether the stored access token works.
 * - measure: times, in-process, the window from a refresh request to the new pair being durable.
 * Nothing secret is printed (fingerprints only).
 */
import { writeSync } from 'node:fs';
import { z } from 'zod';
import { isAuthError } from '../../../electron/core/errors';
import { fingerprint } from '../../../electron/core/redact';
import { followConsent } from '../../../sandbox/consent-driver';
import { createCrashEngine } from './crash-engine';

const argsSchema = z.object({
  mode: z.enum(['connect', 'renew', 'inspect', 'measure']),
  sandboxUrl: z.string().url(),
  storeDir: z.string().min(1),
  /** The parent's pid: the child leaves as soon as the parent is gone (never an orphan loop). */
  parentPid: z.number().int().positive(),
  /** Hard cap on the child's life, whatever happens. */
  maxLifetimeMs: z.number().int().positive(),
  samples: z.number().int().min(1).max(1000).optional(),
});

type Args = z.infer<typeof argsSchema>;

function parentAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function say(line: string): void {
  writeSync(1, `${line}\n`);
}

async function connect(args: Args): Promise<void> {
  const { session } = createCrashEngine(args);
  await session.start();
  const { authorizeUrl } = session.beginConnect();
  await session.completeConnect(await followConsent(authorizeUrl, 'allow'));
  await session.stop();
  say(`connected ${session.getState().status}`);
}

async function renew(args: Args): Promise<never> {
  const { session } = createCrashEngine({ ...args, onPhase: (phase) => say(`phase ${phase}`) });
  await session.start();
  say(`ready ${session.getState().status}`);
  for (;;) {
    try {
      await session.refreshNow();
      say('refreshed');
    } catch (error) {
      say(`error ${isAuthError(error) ? error.kind : 'unexpected'}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function inspect(args: Args): Promise<void> {
  const { session, store, accountApi } = createCrashEngine(args);
  await session.start();
  const state = session.getState();
  const loaded = await store.load();
  const stored = loaded.kind === 'loaded' ? loaded.connection : null;
  let accessTokenWorks = false;
  if (stored) {
    accessTokenWorks = await accountApi.fetchAccount(stored.tokens.accessToken).then(
      () => true,
      () => false,
    );
  }
  await session.stop();
  say(
    JSON.stringify({
      status: state.status,
      reason: state.status === 'needs-reconnect' ? state.reason : null,
      message: 'message' in state ? state.message : null,
      store: loaded.kind,
      refreshTokenFingerprint: stored ? fingerprint(stored.tokens.refreshToken) : null,
      markerStored: stored ? stored.refreshInFlight !== null : null,
      accessTokenWorks,
    }),
  );
}

async function measure(args: Args): Promise<void> {
  let requestAt = 0;
  const windows: number[] = [];
  const { session } = createCrashEngine({
    ...args,
    onPhase: (phase) => {
      if (phase === 'request') requestAt = performance.now();
      if (phase === 'pair-saved' && requestAt > 0) windows.push(performance.now() - requestAt);
    },
  });
  await session.start();
  const { authorizeUrl } = session.beginConnect();
  await session.completeConnect(await followConsent(authorizeUrl, 'allow'));
  for (let i = 0; i < (args.samples ?? 50); i += 1) await session.refreshNow();
  await session.stop();
  say(JSON.stringify({ windows }));
}

async function main(): Promise<void> {
  const args = argsSchema.parse(JSON.parse(process.argv[2] ?? '{}') as unknown);
  setTimeout(() => process.exit(3), args.maxLifetimeMs).unref();
  setInterval(() => {
    if (!parentAlive(args.parentPid)) process.exit(4);
  }, 250).unref();
  if (args.mode === 'connect') await connect(args);
  else if (args.mode === 'renew') await renew(args);
  else if (args.mode === 'inspect') await inspect(args);
  else await measure(args);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
