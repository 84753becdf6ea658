/**
 * Generators for saved-connection files: valid StoredConnection records, the same records damaged
 * in labelled ways (wrong version, missing or mistyped fields, negative times), and raw file
 * content (random bytes, truncated JSON, wrong top-level types, huge files). Shared by the plain
 * FileTokenStore fuzzing (test/fuzz) and the Electron vault fuzzing (test/security). The labels
 * restate the documented record shape (stored-connection-schema.ts header and token-model.ts), not
 * the schema code.
 */
import fc from 'fast-check';
import type { StoredConnection } from '../../../electron/auth/token-model';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

const epochMs = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 4_102_444_800_000 }), weight: 9 }, { arbitrary: fc.double({ min: 0, max: 4e12, noNaN: true }), weight: 1 });
const token = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 12, maxLength: 80 });

export const storedConnection: fc.Arbitrary<StoredConnection> = fc.record({
  version: fc.constant(1 as const),
  tokens: fc.record({
    accessToken: token,
    refreshToken: token,
    accessTokenIssuedAt: epochMs,
    accessTokenExpiresAt: epochMs,
    expirySource: fc.constantFrom('jwt-exp' as const, 'expires-at' as const, 'default' as const),
  }),
  account: fc.option(fc.record({ id: fc.string({ maxLength: 20 }), name: fc.string({ unit: 'grapheme', maxLength: 40 }) }), { nil: null }),
  connectedAt: epochMs,
  lastRefresh: fc.option(
    fc.record(
      { at: epochMs, result: fc.constantFrom('ok' as const, 'transient-failure' as const, 'rejected' as const), message: fc.string({ maxLength: 60 }) },
      { requiredKeys: ['at', 'result'] },
    ),
    { nil: null },
  ),
  refreshInFlight: fc.option(fc.record({ startedAt: epochMs, refreshTokenFingerprint: fc.string({ minLength: 1, maxLength: 24 }) }), { nil: null }),
});

/** A change that leaves a record valid (unknown keys are ignored) or makes it invalid. */
export interface Damage {
  name: string;
  valid: boolean;
  apply: (record: Record<string, unknown>) => unknown;
}

type Json = Record<string, unknown>;
const tokensOf = (r: Json) => r.tokens as Json;

/** Every way the labelled fuzzing damages a record; `valid: true` ones must still load. */
export const DAMAGES: Damage[] = [
  { name: 'none', valid: true, apply: (r) => r },
  { name: 'extra top-level key', valid: true, apply: (r) => ({ ...r, futureField: { nested: [1, 2] } }) },
  { name: 'extra token key', valid: true, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), scope: 'read write' } }) },
  { name: 'version 2', valid: false, apply: (r) => ({ ...r, version: 2 }) },
  { name: 'version "1"', valid: false, apply: (r) => ({ ...r, version: '1' }) },
  { name: 'version 0', valid: false, apply: (r) => ({ ...r, version: 0 }) },
  { name: 'no version', valid: false, apply: ({ version: _v, ...rest }) => rest },
  { name: 'no tokens', valid: false, apply: ({ tokens: _t, ...rest }) => rest },
  { name: 'tokens null', valid: false, apply: (r) => ({ ...r, tokens: null }) },
  { name: 'tokens array', valid: false, apply: (r) => ({ ...r, tokens: [tokensOf(r)] }) },
  { name: 'empty access token', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), accessToken: '' } }) },
  { name: 'empty refresh token', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), refreshToken: '' } }) },
  { name: 'numeric refresh token', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), refreshToken: 123456789 } }) },
  { name: 'no refresh token', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), refreshToken: undefined } }) },
  { name: 'negative expiry', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), accessTokenExpiresAt: -1 } }) },
  { name: 'string expiry', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), accessTokenExpiresAt: '2025-01-01' } }) },
  { name: 'infinite expiry (null in JSON)', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), accessTokenExpiresAt: Infinity } }) },
  { name: 'unknown expiry source', valid: false, apply: (r) => ({ ...r, tokens: { ...tokensOf(r), expirySource: 'jwt' } }) },
  { name: 'account without name', valid: false, apply: (r) => ({ ...r, account: { id: 'a' } }) },
  { name: 'numeric account id', valid: false, apply: (r) => ({ ...r, account: { id: 1, name: 'x' } }) },
  { name: 'account missing', valid: false, apply: ({ account: _a, ...rest }) => rest },
  { name: 'negative connectedAt', valid: false, apply: (r) => ({ ...r, connectedAt: -5 }) },
  { name: 'lastRefresh bad result', valid: false, apply: (r) => ({ ...r, lastRefresh: { at: 1, result: 'failed' } }) },
  { name: 'refreshInFlight empty fingerprint', valid: false, apply: (r) => ({ ...r, refreshInFlight: { startedAt: 1, refreshTokenFingerprint: '' } }) },
  { name: 'refreshInFlight missing', valid: false, apply: ({ refreshInFlight: _f, ...rest }) => rest },
  { name: 'top-level array', valid: false, apply: (r) => [r] },
  { name: 'top-level null', valid: false, apply: () => null },
  { name: 'top-level number', valid: false, apply: () => 1 },
  { name: 'top-level string', valid: false, apply: (r) => JSON.stringify(r) },
  { name: 'wrapped in another key', valid: false, apply: (r) => ({ connection: r }) },
];

export const damage: fc.Arbitrary<Damage> = fc.oneof(
  { arbitrary: fc.constantFrom(...DAMAGES.filter((d) => d.valid)), weight: 2 },
  { arbitrary: fc.constantFrom(...DAMAGES.filter((d) => !d.valid)), weight: 3 },
);

/** How the record's JSON text is written (or replaced) on disk. */
export type Spelling = 'plain' | 'pretty' | 'padded' | 'truncated' | 'bom' | 'trailing-garbage' | 'nul-appended';

export const spelling: fc.Arbitrary<Spelling> = fc.oneof(
  { arbitrary: fc.constantFrom<Spelling>('plain', 'pretty', 'padded'), weight: 3 },
  { arbitrary: fc.constantFrom<Spelling>('truncated', 'bom', 'trailing-garbage', 'nul-appended'), weight: 1 },
);

/** True when the spelling keeps the text valid JSON with the same value. */
export function spellingKeepsJson(s: Spelling): boolean {
  return s === 'plain' || s === 'pretty' || s === 'padded';
}

export function spell(value: unknown, how: Spelling, cut: number): Buffer {
  const plain = JSON.stringify(value);
  switch (how) {
    case 'plain':
      return Buffer.from(plain, 'utf8');
    case 'pretty':
      return Buffer.from(JSON.stringify(value, null, 2), 'utf8');
    case 'padded':
      return Buffer.from(`\n  ${plain}  \n\n`, 'utf8');
    case 'truncated': {
      const bytes = Buffer.from(plain, 'utf8');
      // Cut strictly inside the text (at least one byte gone, so the closing bracket is lost).
      return bytes.subarray(0, Math.min(bytes.length - 1, Math.floor(cut * bytes.length)));
    }
    case 'bom':
      return Buffer.from(`\ufeff${plain}`, 'utf8');
    case 'trailing-garbage':
      return Buffer.from(`${plain}\n{"version":1}`, 'utf8');
    case 'nul-appended':
      return Buffer.concat([Buffer.from(plain, 'utf8'), Buffer.alloc(64)]);
  }
}

/** Raw file content that is never a valid record, whatever the store. */
export const junkFile: fc.Arbitrary<{ name: string; bytes: Buffer }> = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((b) => ({ name: 'random bytes', bytes: Buffer.from(b) })), weight: 10 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => ({ name: 'random text', bytes: Buffer.from(s, 'utf8') })), weight: 10 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ name: 'random JSON', bytes: Buffer.from(JSON.stringify(v) ?? 'null', 'utf8') })), weight: 10 },
  {
    arbitrary: fc.constantFrom(
      { name: 'empty file', bytes: Buffer.alloc(0) },
      { name: 'whitespace', bytes: Buffer.from('  \n\t ') },
      { name: 'NUL bytes (a torn write)', bytes: Buffer.alloc(4096) },
      { name: 'deeply nested JSON', bytes: Buffer.from(`${'['.repeat(5_000)}${']'.repeat(5_000)}`) },
      { name: 'HTML', bytes: Buffer.from('<!DOCTYPE html><html><body>not a token file</body></html>') },
    ),
    weight: 6,
  },
  // Huge files are few: each costs milliseconds to write and read back.
  {
    arbitrary: fc.constantFrom(
      { name: 'huge garbage (5 MB)', bytes: Buffer.alloc(5 * 1024 * 1024, 'x') },
      { name: 'huge JSON array (2 MB)', bytes: Buffer.from(`[${'0,'.repeat(1024 * 1024)}0]`) },
    ),
    weight: 1,
  },
);

/** Whether random/junk JSON text could be a valid StoredConnection (never, by construction, but checked). */
export function couldBeConnection(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Json).version === 1 && 'tokens' in (value as Json);
}

/** Every string in a value that looks like a token (for leak checks on messages). */
export function tokenStrings(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 6) return;
    if (typeof v === 'string') {
      if (v.length >= 12) out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach((x) => walk(x, depth + 1));
  };
  walk(value, 0);
  return out;
}
