/**
 * The child process of the crash harness (run as `node --import tsx crash-child.ts '<json>'`):
 * starts the engine over the token file against the parent's sandbox, then renews the sign-in in
 * a loop until the parent kills it. It reports on stdout, one line each and synchronously (so the
 * last line read after a SIGKILL is the last step really reached): `ready`, `phase <name>` for
 * every refresh step, `refreshed`, or `error <kind>`. Nothing secret is ever printed.
 */
import { writeSync } from 'node:fs';
import { z } from 'zod';
import { isAuthError } from '../../../electron/auth/errors';
import { createCrashEngine } from './crash-engine';

const argsSchema = z.object({
  sandboxUrl: z.string().url(),
  storePath: z.string().min(1),
  saveDelayMs: z.number().int().min(0).max(10_000),
  /** The parent's pid: the child leaves as soon as the parent is gone (never an orphan loop). */
  parentPid: z.number().int().positive(),
  /** Hard cap on the child's life, whatever happens. */
  maxLifetimeMs: z.number().int().positive(),
});

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

async function main(): Promise<void> {
  const args = argsSchema.parse(JSON.parse(process.argv[2] ?? '{}') as unknown);
  setTimeout(() => process.exit(3), args.maxLifetimeMs).unref();
  setInterval(() => {
    if (!parentAlive(args.parentPid)) process.exit(4);
  }, 250).unref();
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

main().catch((error: unknown) => {
  process.stderr.write(`crash-child failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
