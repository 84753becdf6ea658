/**
 * Persistence of the sandbox's durable state (signing key and grants) to one JSON file, written
 * atomically (temp file + rename, mode 0600) so a crash never leaves half a file. An unreadable or
 * invalid file is treated as absent: the sandbox starts fresh and overwrites it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Grant } from './grants';

export interface PersistedState {
  signingKey: Buffer;
  grants: Grant[];
}

const fileSchema = z.object({
  version: z.literal(1),
  signingKey: z.string().min(1),
  grants: z.array(
    z.object({
      id: z.string(),
      accountId: z.string(),
      clientId: z.string(),
      redirectUri: z.string(),
      refreshToken: z.string().nullable(),
      status: z.enum(['live', 'revoked', 'disconnected-in-jobber', 'app-disconnected']),
      createdAt: z.number(),
      accessTokens: z.array(z.string()).optional(),
    }),
  ),
});

/** Reads the state file; undefined when missing or not valid. */
export function readStateFile(path: string): PersistedState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const signingKey = Buffer.from(parsed.data.signingKey, 'base64');
  if (signingKey.length < 32) return undefined;
  return { signingKey, grants: parsed.data.grants };
}

let tempCounter = 0;

/** Writes the state file atomically. */
export function writeStateFile(path: string, state: PersistedState): void {
  const body = JSON.stringify({ version: 1, signingKey: state.signingKey.toString('base64'), grants: state.grants });
  mkdirSync(dirname(path), { recursive: true });
  tempCounter += 1;
  const temp = `${path}.${process.pid}.${tempCounter}.tmp`;
  writeFileSync(temp, body, { mode: 0o600 });
  renameSync(temp, path);
}
