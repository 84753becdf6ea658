/**
 * Fuzzing the Electron vault's file layer (electron-store JSON file → sealed record → safeStorage
 * → StoredConnection) with 1,000 generated connection files and keyring states, through the real
 * json-file.ts, sealed-record.ts and token-vault.ts with a fake SafeStoragePort. Lives under
 * test/security because electron-store imports `electron`, which only the 'main' vitest project
 * stubs. The oracle follows the design: a keyring that may not hold secrets is reported first; a
 * damaged file or record is moved aside (bytes kept); a keyring change or a decrypt failure leaves
 * the file in place; nothing is ever deleted or rewritten by a load. Seeded with FUZZ_SEED.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreUnreadableReason } from '../../electron/auth/ports';
import { silentLogger } from '../../electron/core/logger';
import type { StoredConnection } from '../../electron/auth/token-model';
import { MAX_JSON_FILE_BYTES, openJsonFile } from '../../electron/storage/json-file';
import type { SafeStoragePort } from '../../electron/storage/safe-storage-port';
import { createTokenVault } from '../../electron/storage/token-vault';
import { count, fuzzParameters, fuzzSeed, newStats, printSummary } from '../support/fuzz/fuzz-run';
import { damage, junkFile, spell, spelling, spellingKeepsJson, storedConnection, tokenStrings, type Damage } from '../support/fuzz/store-file-arbitraries';
import { resetElectronStub } from '../support/electron/electron-stub';

const NUM_RUNS = 1_000;
const KEY = 'key-1';

/** A keyring stand-in: ciphertext is `<key>|<hex of the text>`; another key or damaged bytes fail to decrypt. */
function fakePort(backend: string, available: boolean): SafeStoragePort {
  return {
    backend: () => backend,
    isAvailable: async () => available,
    encrypt: async (text) => Buffer.from(`${KEY}|${Buffer.from(text, 'utf8').toString('hex')}`, 'utf8'),
    decrypt: async (cipher) => {
      const [key, hex, ...rest] = cipher.toString('utf8').split('|');
      if (key !== KEY || hex === undefined || rest.length > 0 || !/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error('Error while decrypting the ciphertext.');
      return { text: Buffer.from(hex, 'hex').toString('utf8'), shouldReEncrypt: false };
    },
  };
}

function seal(text: string, key = KEY): string {
  return Buffer.from(`${key}|${Buffer.from(text, 'utf8').toString('hex')}`, 'utf8').toString('base64');
}

/** What a correct vault does with the file, in the design's order of checks. */
type Verdict =
  | { kind: 'loaded'; connection: StoredConnection }
  | { kind: 'empty' }
  | { kind: 'unreadable'; reason: StoreUnreadableReason; movedAside: boolean };

type RecordDamage =
  | 'none'
  | 'other-backend'
  | 'other-key'
  | 'garbage-ciphertext'
  | 'plaintext-not-json'
  | 'plaintext-wrong-shape'
  | 'version-2'
  | 'empty-backend'
  | 'long-backend'
  | 'numeric-backend'
  | 'not-base64'
  | 'empty-ciphertext'
  | 'extra-key'
  | 'missing-ciphertext'
  | 'record-null'
  | 'record-array'
  | 'record-string';

const RECORD_DAMAGES: RecordDamage[] = [
  'other-backend',
  'other-key',
  'garbage-ciphertext',
  'plaintext-not-json',
  'plaintext-wrong-shape',
  'version-2',
  'empty-backend',
  'long-backend',
  'numeric-backend',
  'not-base64',
  'empty-ciphertext',
  'extra-key',
  'missing-ciphertext',
  'record-null',
  'record-array',
  'record-string',
];

/** The keyring the app finds at start-up. */
interface Keyring {
  backend: string;
  available: boolean;
  allowWeak: boolean;
}

const keyring: fc.Arbitrary<Keyring> = fc.oneof(
  { arbitrary: fc.record({ backend: fc.constantFrom('gnome_libsecret', 'kwallet5', 'keychain', 'dpapi'), available: fc.constant(true), allowWeak: fc.boolean() }), weight: 12 },
  { arbitrary: fc.record({ backend: fc.constant('basic_text'), available: fc.constant(true), allowWeak: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ backend: fc.constantFrom('gnome_libsecret', 'unknown'), available: fc.boolean(), allowWeak: fc.boolean() }), weight: 1 },
);

interface VaultCase {
  label: string;
  bytes: Buffer;
  verdict: Verdict;
  keyring: Keyring;
  secrets: string[];
}

function refusal(k: Keyring): StoreUnreadableReason | null {
  if (!k.available || k.backend === 'unknown') return 'unavailable';
  if (k.backend === 'basic_text' && !k.allowWeak) return 'basic-text';
  return null;
}

function recordFor(connection: StoredConnection, d: Damage, rd: RecordDamage, k: Keyring): { record: unknown; verdict: Verdict } {
  const plaintext = JSON.stringify(d.apply(structuredClone(connection) as unknown as Record<string, unknown>)) ?? 'null';
  const plaintextOk = d.valid;
  const good = { version: 1, backend: k.backend, ciphertext: seal(plaintext) };
  const corrupt: Verdict = { kind: 'unreadable', reason: 'corrupt', movedAside: true };
  const inPlace = (reason: StoreUnreadableReason): Verdict => ({ kind: 'unreadable', reason, movedAside: false });
  switch (rd) {
    case 'none':
      return { record: good, verdict: plaintextOk ? { kind: 'loaded', connection } : corrupt };
    case 'other-backend':
      return { record: { ...good, backend: k.backend === 'kwallet5' ? 'gnome_libsecret' : 'kwallet5' }, verdict: inPlace('backend-changed') };
    case 'other-key':
      return { record: { ...good, ciphertext: seal(plaintext, 'key-2') }, verdict: inPlace('decrypt-failed') };
    case 'garbage-ciphertext':
      return { record: { ...good, ciphertext: Buffer.from('v10\u0001\u0002 not ours').toString('base64') }, verdict: inPlace('decrypt-failed') };
    case 'plaintext-not-json':
      return { record: { ...good, ciphertext: seal(plaintext.slice(0, Math.max(1, plaintext.length - 3))) }, verdict: corrupt };
    case 'plaintext-wrong-shape':
      return { record: { ...good, ciphertext: seal(JSON.stringify({ version: 1, tokens: 'nope' })) }, verdict: corrupt };
    case 'version-2':
      return { record: { ...good, version: 2 }, verdict: corrupt };
    case 'empty-backend':
      return { record: { ...good, backend: '' }, verdict: corrupt };
    case 'long-backend':
      return { record: { ...good, backend: 'b'.repeat(65) }, verdict: corrupt };
    case 'numeric-backend':
      return { record: { ...good, backend: 7 }, verdict: corrupt };
    case 'not-base64':
      return { record: { ...good, ciphertext: '***not base64***' }, verdict: corrupt };
    case 'empty-ciphertext':
      return { record: { ...good, ciphertext: '' }, verdict: corrupt };
    case 'extra-key':
      return { record: { ...good, iv: 'AAAA' }, verdict: corrupt };
    case 'missing-ciphertext':
      return { record: { version: 1, backend: k.backend }, verdict: corrupt };
    case 'record-null':
      return { record: null, verdict: corrupt };
    case 'record-array':
      return { record: [good], verdict: corrupt };
    case 'record-string':
      return { record: good.ciphertext, verdict: corrupt };
  }
}

const sealedFile: fc.Arbitrary<VaultCase> = fc
  .record({
    connection: storedConnection,
    damage,
    spelling,
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
    recordDamage: fc.oneof({ arbitrary: fc.constant<RecordDamage>('none'), weight: 3 }, { arbitrary: fc.constantFrom(...RECORD_DAMAGES), weight: 2 }),
    keyring,
    otherKeys: fc.oneof({ arbitrary: fc.constant({}), weight: 4 }, { arbitrary: fc.constant({ settingsVersion: 3, note: 'unrelated' }), weight: 1 }),
  })
  .map(({ connection, damage: d, spelling: s, cut, recordDamage, keyring: k, otherKeys }) => {
    const { record, verdict } = recordFor(connection, d, recordDamage, k);
    const fileValue = { ...otherKeys, connection: record };
    const bytes = spell(fileValue, s, cut);
    const refused = refusal(k);
    let final: Verdict;
    if (!spellingKeepsJson(s)) final = { kind: 'unreadable', reason: 'corrupt', movedAside: true };
    else if (refused !== null) final = { kind: 'unreadable', reason: refused, movedAside: false };
    else final = verdict;
    return { label: `${recordDamage} / ${d.name} / ${s} / ${k.backend}${k.available ? '' : ' (unavailable)'}`, bytes, verdict: final, keyring: k, secrets: tokenStrings(connection) };
  });

// A file that is not a JSON object, or is over the size cap, is damaged like bad JSON: moved aside
// and reported before the keyring is consulted, never loaded as empty (the next save would wipe it).
const junkVaultFile: fc.Arbitrary<VaultCase> = fc.record({ junk: junkFile, keyring }).map(({ junk, keyring: k }) => {
  let parsed: unknown;
  let json = true;
  try {
    parsed = JSON.parse(junk.bytes.toString('utf8'));
  } catch {
    json = false;
  }
  const refused = refusal(k);
  let verdict: Verdict;
  if (!json || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || junk.bytes.length > MAX_JSON_FILE_BYTES) {
    verdict = { kind: 'unreadable', reason: 'corrupt', movedAside: true };
  } else if (refused !== null) verdict = { kind: 'unreadable', reason: refused, movedAside: false };
  else if (!Object.hasOwn(parsed, 'connection')) verdict = { kind: 'empty' };
  else verdict = { kind: 'unreadable', reason: 'corrupt', movedAside: true };
  return { label: junk.name, bytes: junk.bytes, verdict, keyring: k, secrets: [] };
});

const vaultCase = fc.oneof({ arbitrary: sealedFile, weight: 3 }, { arbitrary: junkVaultFile, weight: 1 });

describe('fuzz: corrupt vault files (json-file + sealed record + token vault)', () => {
  let dir: string;
  beforeAll(() => {
    resetElectronStub();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-fuzz-vault-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`loads only intact connections among ${NUM_RUNS} generated files and never loses a file`, async () => {
    const seed = fuzzSeed();
    const stats = newStats();
    let caseNumber = 0;
    try {
      await fc.assert(
        fc.asyncProperty(vaultCase, async (c) => {
          stats.cases += 1;
          caseNumber += 1;
          const name = `connection-${caseNumber}`;
          const file = openJsonFile({ dir, name, now: () => caseNumber });
          fs.writeFileSync(file.path, c.bytes);
          const vault = createTokenVault({ file, safeStorage: fakePort(c.keyring.backend, c.keyring.available), allowWeakStorage: () => c.keyring.allowWeak, logger: silentLogger });
          let result: Awaited<ReturnType<typeof vault.load>>;
          try {
            result = await vault.load();
          } catch (error) {
            stats.crashes += 1;
            throw new Error(`load() threw for "${c.label}": ${String(error)}`);
          }
          const aside = `${file.path}.corrupt-${caseNumber}`;
          const v = c.verdict;

          if (result.kind === 'loaded' && v.kind !== 'loaded') {
            stats.acceptedInvalid += 1;
            throw new Error(`loaded an invalid file: ${c.label}`);
          }
          if (v.kind === 'loaded' && result.kind !== 'loaded') {
            stats.rejectedValid += 1;
            throw new Error(`refused an intact file (${c.label}): ${JSON.stringify(result)}`);
          }
          count(stats, result.kind === 'unreadable' ? `unreadable ${result.reason}` : result.kind);

          switch (v.kind) {
            case 'loaded':
              if (result.kind === 'loaded') expect(result.connection).toEqual(v.connection);
              break;
            case 'empty':
              expect(result).toEqual({ kind: 'empty' });
              break;
            case 'unreadable':
              expect(result).toMatchObject({ kind: 'unreadable', reason: v.reason });
              break;
          }
          if (result.kind === 'unreadable') {
            expect(result.message.length).toBeGreaterThan(0);
            for (const secret of c.secrets) {
              if (result.message.includes(secret)) throw new Error(`the message repeats a value from the file (${c.label})`);
            }
          }

          // The file's bytes survive: in place, or moved aside when the design says so.
          const movedAside = result.kind === 'unreadable' && result.reason === 'corrupt' && fs.existsSync(aside);
          if (v.kind === 'unreadable') expect(movedAside, `moved aside (${c.label})`).toBe(v.movedAside);
          const kept = movedAside ? aside : file.path;
          expect(fs.existsSync(kept), `file kept (${c.label})`).toBe(true);
          expect(fs.readFileSync(kept).equals(c.bytes), `bytes unchanged (${c.label})`).toBe(true);
          if (movedAside) {
            expect(fs.existsSync(file.path)).toBe(false);
            if (result.kind === 'unreadable') expect(result.message).toContain(path.basename(aside));
          }
          fs.rmSync(file.path, { force: true });
          fs.rmSync(aside, { force: true });
        }),
        fuzzParameters(NUM_RUNS, seed),
      );
    } finally {
      printSummary('corrupt vault files', stats, seed);
    }
    expect(stats.crashes + stats.acceptedInvalid + stats.rejectedValid).toBe(0);
    expect(stats.tally.get('loaded') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.tally.get('unreadable corrupt') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
  });
});
