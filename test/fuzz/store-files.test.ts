/**
 * Fuzzing the plain FileTokenStore with 1,000 generated token files (valid records, damaged ones,
 * random bytes, truncated JSON, wrong top-level types, huge files; anything over the 1 MiB cap is
 * corrupt). Each damaged file is then handed to a Session to check the app-level outcome:
 * needs-reconnect, and the file left exactly as it was. The Electron vault's file layer is fuzzed in test/security/store-fuzz.test.ts (it
 * needs the stubbed `electron` module). Seeded with FUZZ_SEED.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobberConfig } from '../../electron/auth/config-types';
import { FileTokenStore, MAX_TOKEN_FILE_BYTES } from '../support/engine/file-token-store';
import { clearRegisteredSecrets } from '../../electron/core/redact';
import { Session } from '../../electron/auth/session';
import { FakeClock } from '../support/fake-clock';
import { FakeJobberAccountApi, FakeTokenEndpoint } from '../support/engine/fake-token-endpoint';
import { count, fuzzParameters, fuzzSeed, newStats, printSummary } from '../support/fuzz/fuzz-run';
import { damage, junkFile, spell, spelling, spellingKeepsJson, storedConnection, tokenStrings } from '../support/fuzz/store-file-arbitraries';

const NUM_RUNS = 1_000;

const CONFIG: JobberConfig = {
  environment: 'sandbox',
  clientId: 'client-id-for-fuzz',
  clientSecret: 'client-secret-for-fuzz-0123',
  redirectUri: 'com.jobberconnect.app:/oauth/callback',
  apiBaseUrl: 'http://127.0.0.1:9',
  graphqlVersion: '2025-04-16',
  authMode: 'app-window',
};

/** A generated file: its bytes, and the connection a correct store must load from it (or null). */
const fileCase = fc.oneof(
  {
    arbitrary: fc
      .record({ connection: storedConnection, damage, spelling, cut: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map(({ connection, damage: d, spelling: s, cut }) => {
        // JSON.stringify writes Infinity as null, as a real file would hold it.
        const value = JSON.parse(JSON.stringify(d.apply(structuredClone(connection) as unknown as Record<string, unknown>)) ?? 'null') as unknown;
        const expected = d.valid && spellingKeepsJson(s) ? connection : null;
        return { label: `${d.name} / ${s}`, bytes: spell(value, s, cut), expected, secrets: tokenStrings(connection) };
      }),
    weight: 70,
  },
  {
    arbitrary: fc.record({ connection: storedConnection, nameSize: fc.constantFrom(100_000, 2_000_000) }).map(({ connection, nameSize }) => {
      const huge = { ...connection, account: { id: 'acc-huge', name: 'N'.repeat(nameSize) } };
      const bytes = Buffer.from(JSON.stringify(huge));
      // A file over the store's size cap is corrupt however valid its content: it is never parsed.
      const expected = bytes.length <= MAX_TOKEN_FILE_BYTES ? huge : null;
      return { label: `valid, huge account name (${nameSize} chars)`, bytes, expected, secrets: tokenStrings(connection) };
    }),
    weight: 1,
  },
  { arbitrary: junkFile.map((j) => ({ label: j.name, bytes: j.bytes, expected: null, secrets: [] as string[] })), weight: 30 },
);

describe('fuzz: corrupt token files (FileTokenStore)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jc-fuzz-store-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it(`loads exactly the valid files among ${NUM_RUNS}, reports the rest as corrupt, and never touches them`, async () => {
    const seed = fuzzSeed();
    const stats = newStats();
    let caseNumber = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fileCase, async (c) => {
          stats.cases += 1;
          caseNumber += 1;
          clearRegisteredSecrets();
          const file = path.join(dir, `case-${caseNumber}.json`);
          await fs.writeFile(file, c.bytes);
          if (c.bytes.length >= 1_000_000) count(stats, 'files over 1 MB');
          const store = new FileTokenStore(file);
          let result: Awaited<ReturnType<FileTokenStore['load']>>;
          try {
            result = await store.load();
          } catch (error) {
            stats.crashes += 1;
            throw new Error(`load() threw for "${c.label}": ${String(error)}`);
          }

          if (result.kind === 'loaded') {
            if (c.expected === null) {
              stats.acceptedInvalid += 1;
              throw new Error(`loaded an invalid file: ${c.label}`);
            }
            expect(result.connection).toEqual(c.expected);
            count(stats, 'loaded');
          } else {
            if (c.expected !== null) {
              stats.rejectedValid += 1;
              throw new Error(`refused a valid file (${c.label}): ${result.kind}`);
            }
            // A file that exists is never "empty": that would let the next save overwrite it silently.
            expect(result.kind).toBe('unreadable');
            if (result.kind !== 'unreadable') return;
            expect(result.reason).toBe('corrupt');
            expect(result.message.length).toBeGreaterThan(0);
            for (const secret of c.secrets) {
              if (result.message.includes(secret)) throw new Error(`the message repeats a value from the file (${c.label})`);
            }
            count(stats, 'unreadable');

            // App level: the session settles on needs-reconnect and leaves the file alone.
            const clock = new FakeClock();
            const session = new Session({ config: CONFIG, tokenEndpoint: new FakeTokenEndpoint(clock), jobberApi: new FakeJobberAccountApi(), store, clock });
            await session.start();
            const state = session.getState();
            expect(state).toMatchObject({ status: 'needs-reconnect', reason: 'storage-changed' });
            await session.stop();
          }
          // Whatever the outcome, the bytes on disk are exactly what was there.
          const after = await fs.readFile(file);
          expect(after.equals(c.bytes)).toBe(true);
          await fs.rm(file);
        }),
        fuzzParameters(NUM_RUNS, seed),
      );
    } finally {
      printSummary('corrupt token files (FileTokenStore)', stats, seed);
    }
    expect(stats.crashes + stats.acceptedInvalid + stats.rejectedValid).toBe(0);
    expect(stats.tally.get('loaded') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.tally.get('unreadable') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
  });

  it('reports a missing file as empty', async () => {
    const result = await new FileTokenStore(path.join(dir, 'does-not-exist.json')).load();
    expect(result).toEqual({ kind: 'empty' });
  });
});
