import { describe, expect, it } from 'vitest';
import { readJwtExpiry } from '../../../electron/auth/jwt';

function segment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function jwt(payload: unknown, header: unknown = { alg: 'HS256', typ: 'JWT' }, signature = 'c2ln'): string {
  return `${segment(header)}.${segment(payload)}.${signature}`;
}

describe('readJwtExpiry', () => {
  it('returns exp in epoch milliseconds without checking the signature', () => {
    expect(readJwtExpiry(jwt({ exp: 1_700_000_000, sub: '1' }))).toBe(1_700_000_000_000);
    expect(readJwtExpiry(jwt({ exp: 1_700_000_000 }, undefined, 'not-a-real-signature'))).toBe(1_700_000_000_000);
  });

  it('accepts an empty signature (unsecured JWT) and fractional exp', () => {
    expect(readJwtExpiry(jwt({ exp: 1_700_000_000.5 }, { alg: 'none' }, ''))).toBe(1_700_000_000_500);
  });

  it('reads a payload whose base64url uses - and _', () => {
    // '?>' encodes to 'Pz4' and '>>>' to 'Pj4-': make sure such characters pass.
    const token = jwt({ exp: 2_000_000_000, note: '???>>>~~~' });
    expect(token.split('.')[1]).toMatch(/[-_]/);
    expect(readJwtExpiry(token)).toBe(2_000_000_000_000);
  });

  it.each([
    ['an opaque token', 'opaque-refresh-token'],
    ['an empty string', ''],
    ['two parts', `${segment({ alg: 'HS256' })}.${segment({ exp: 1 })}`],
    ['four parts', `${jwt({ exp: 1 })}.extra`],
    ['a payload that is not JSON', `${segment({ alg: 'HS256' })}.${segment('not json')}.sig`],
    ['a header that is not JSON', `${segment('nope')}.${segment({ exp: 1 })}.sig`],
    ['a payload that is an array', jwt([1, 2])],
    ['a payload that is null', jwt(null)],
    ['non-base64url characters', `${segment({ alg: 'HS256' })}.${segment({ exp: 1 })}+/.sig`],
    ['no exp', jwt({ sub: '1' })],
    ['a string exp', jwt({ exp: '1700000000' })],
    ['a negative exp', jwt({ exp: -5 })],
    ['a zero exp', jwt({ exp: 0 })],
    ['an exp too large for a date', jwt({ exp: 1e300 })],
    ['a non-string input', 12345 as unknown as string],
  ])('returns null for %s', (_label, token) => {
    expect(readJwtExpiry(token)).toBeNull();
  });
});
