import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../../electron/core/errors';
import type { Logger } from '../../../electron/core/logger';
import {
  MAX_REGISTERED_SECRETS,
  pinSecret,
  unpinSecret,
  REDACTED,
  clearRegisteredSecrets,
  createRedactingLogger,
  describeError,
  fingerprint,
  redact,
  redactFields,
  registerSecret,
} from '../../../electron/core/redact';

afterEach(() => clearRegisteredSecrets());

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXZhbHVlLWhlcmU';

describe('registerSecret + redact', () => {
  it('scrubs a registered value wherever it appears', () => {
    registerSecret('opaque-refresh-token-123');
    expect(redact('token=opaque-refresh-token-123; again opaque-refresh-token-123!')).toBe(
      `token=${REDACTED}; again ${REDACTED}!`,
    );
  });

  it('scrubs the URL-encoded and form-encoded forms of a registered value', () => {
    registerSecret('a b/c+d=e?f&long');
    const encoded = encodeURIComponent('a b/c+d=e?f&long');
    const form = new URLSearchParams({ x: 'a b/c+d=e?f&long' }).toString().slice(2);
    expect(redact(`raw a b/c+d=e?f&long enc ${encoded} form ${form}`)).toBe(
      `raw ${REDACTED} enc ${REDACTED} form ${REDACTED}`,
    );
  });

  it('ignores values shorter than 8 characters', () => {
    registerSecret('short');
    expect(redact('a short word')).toBe('a short word');
  });

  it('removes a secret whole when another registered secret is inside it', () => {
    registerSecret('inner-secret');
    registerSecret('outer-inner-secret-x');
    expect(redact('[outer-inner-secret-x]')).toBe(`[${REDACTED}]`);
  });

  it('keeps only the most recent secrets', () => {
    registerSecret('the-oldest-secret');
    for (let i = 0; i < MAX_REGISTERED_SECRETS; i += 1) registerSecret(`newer-secret-${i}`);
    expect(redact('the-oldest-secret')).toBe('the-oldest-secret');
    expect(redact(`newer-secret-${MAX_REGISTERED_SECRETS - 1}`)).toBe(REDACTED);
  });

  it('re-registering a secret makes it recent again', () => {
    registerSecret('kept-alive-secret');
    for (let i = 0; i < MAX_REGISTERED_SECRETS - 1; i += 1) registerSecret(`filler-secret-${i}`);
    registerSecret('kept-alive-secret');
    registerSecret('one-more-secret');
    expect(redact('kept-alive-secret')).toBe(REDACTED);
  });

  it('never lets a replacement join its neighbours into another registered secret', () => {
    registerSecret('12345678');
    registerSecret('ted]xyzw1');
    expect(redact('12345678xyzw1')).not.toContain('ted]xyzw1');
  });

  it('property: no registered secret survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 8, maxLength: 40 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 6 }),
        (secrets, fillers) => {
          clearRegisteredSecrets();
          secrets.forEach(registerSecret);
          const text = fillers.map((filler, i) => filler + (secrets[i % secrets.length] ?? '')).join('');
          const out = redact(text);
          for (const secret of secrets) expect(out.includes(secret)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: token-shaped secrets (base64url) never survive, even URL-encoded', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
    fc.assert(
      fc.property(token, fc.string(), fc.string(), (secret, before, after) => {
        clearRegisteredSecrets();
        registerSecret(secret);
        const out = redact(`${before}${secret}${after} ${encodeURIComponent(secret)}`);
        expect(out.includes(secret)).toBe(false);
      }),
    );
  });
});

describe('pinned secrets', () => {
  // Looks like nothing the patterns know: only the exact-value layer can catch it.
  const SECRET = 'plain-client-secret-value-42';

  it('a pinned secret survives 200 later registrations', () => {
    pinSecret(SECRET);
    for (let i = 0; i < 200; i += 1) registerSecret(`rotated-token-${i}-abcdef`);
    expect(redact(`secret is ${SECRET}`)).toBe(`secret is ${REDACTED}`);
  });

  it('a later plain registration of a pinned value does not unpin it', () => {
    pinSecret(SECRET);
    registerSecret(SECRET);
    for (let i = 0; i < 200; i += 1) registerSecret(`rotated-token-${i}-abcdef`);
    expect(redact(SECRET)).toBe(REDACTED);
  });

  it('unpinning moves the value to the bounded list: scrubbed for a while, then evicted like any one-shot value', () => {
    pinSecret(SECRET);
    unpinSecret(SECRET);
    for (let i = 0; i < MAX_REGISTERED_SECRETS - 1; i += 1) registerSecret(`rotated-token-${i}-abcdef`);
    expect(redact(SECRET)).toBe(REDACTED);
    for (let i = 0; i < MAX_REGISTERED_SECRETS; i += 1) registerSecret(`later-token-${i}-abcdef`);
    expect(redact(SECRET)).toBe(SECRET);
  });

  it('clearRegisteredSecrets forgets pinned values too', () => {
    pinSecret(SECRET);
    clearRegisteredSecrets();
    expect(redact(SECRET)).toBe(SECRET);
  });
});

describe('redact patterns (no registration needed)', () => {
  it.each([
    ['a JWT', `token ${JWT} end`, `token ${REDACTED} end`],
    ['a Bearer header', 'Authorization-ish Bearer abc123.def', `Authorization-ish Bearer ${REDACTED}`],
    ['an Authorization header line', 'authorization: Basic dXNlcjpwYXNz', `authorization: ${REDACTED}`],
    ['query code and state', '/cb?code=abc123&state=xyz987#f', `/cb?code=${REDACTED}&state=${REDACTED}#f`],
    [
      'form fields',
      'client_id=id&client_secret=s3cr3t&grant_type=refresh_token&refresh_token=rt1',
      `client_id=id&client_secret=${REDACTED}&grant_type=refresh_token&refresh_token=${REDACTED}`,
    ],
    ['JSON string fields', '{"access_token":"at","id_token": "it"}', `{"access_token":"${REDACTED}","id_token": "${REDACTED}"}`],
    ['JSON with escaped quotes', '{"code":"a\\"b","x":1}', `{"code":"${REDACTED}","x":1}`],
    [
      'JSON quoted inside a JSON string',
      '[{"warning":"request had \\"refresh_token\\": \\"AAAAAAAAAAAAAAAu\\" in it"}]',
      `[{"warning":"request had \\"refresh_token\\": \\"${REDACTED}\\" in it"}]`,
    ],
    ['JSON non-string values', '{"code": 123456, "ok": 1}', `{"code": "${REDACTED}", "ok": 1}`],
    ['inspect-style fields', "{ state: 'abc', refresh_token: 'r' }", `{ state: '${REDACTED}', refresh_token: '${REDACTED}' }`],
    ['upper-case names', 'CODE=abc&Authorization=xyz', `CODE=${REDACTED}&Authorization=${REDACTED}`],
  ])('scrubs %s', (_label, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    ['host names', 'POST https://api.getjobber.com/api/oauth/token'],
    ['other parameters ending in code', 'error_code=E42&statuscode=500'],
    ['ordinary text', 'Refreshing the access token failed: HTTP 503.'],
    ['already redacted text', `code=${REDACTED}`],
  ])('leaves %s alone', (_label, input) => {
    expect(redact(input)).toBe(input);
  });

  it('converts non-strings instead of throwing', () => {
    expect(redact(42 as unknown as string)).toBe('42');
  });
});

describe('redactFields', () => {
  it('redacts sensitive keys case-insensitively, deep, without touching the input', () => {
    const input = {
      accessToken: 'x',
      nested: { Client_Secret: 's', list: [{ AUTHORIZATION: 'Bearer y' }, { password: 'p' }], note: 'fine' },
      code: 'c',
      stateValue: 's',
      count: 3,
    };
    const copy = structuredClone(input);
    const out = redactFields(input);
    expect(out).toEqual({
      accessToken: REDACTED,
      nested: { Client_Secret: REDACTED, list: [{ AUTHORIZATION: REDACTED }, { password: REDACTED }], note: 'fine' },
      code: REDACTED,
      stateValue: REDACTED,
      count: 3,
    });
    expect(input).toEqual(copy);
  });

  it('keeps descriptive keys but still redacts their string values', () => {
    registerSecret('registered-value-1');
    const out = redactFields({
      refreshTokenFingerprint: 'sha256:abcdef012345',
      accessTokenExpiresAt: 1700,
      statusCode: 401,
      detail: 'saw registered-value-1 and Bearer zzz',
    });
    expect(out).toEqual({
      refreshTokenFingerprint: 'sha256:abcdef012345',
      accessTokenExpiresAt: 1700,
      statusCode: 401,
      detail: `saw ${REDACTED} and Bearer ${REDACTED}`,
    });
  });

  it('copes with cycles, errors, dates, binary data, maps and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i += 1) deep = { deep };
    const out = redactFields({
      cyclic,
      error: new Error(`failed with ${JWT}`),
      when: new Date(0),
      bytes: new Uint8Array(4),
      map: new Map([['token', 'x']]),
      deep,
      fn: () => 1,
      big: 10n,
    });
    expect(out.cyclic).toEqual({ name: 'loop', self: '[circular]' });
    expect(out.error).toBe(`Error: failed with ${REDACTED}`);
    expect(out.when).toBe('1970-01-01T00:00:00.000Z');
    expect(out.bytes).toBe('[binary 4 bytes]');
    expect(out.map).toEqual({ token: REDACTED });
    expect(JSON.stringify(out.deep)).toContain('[too deep]');
    expect(out.fn).toBe('[function]');
    expect(out.big).toBe('10');
  });

  it('repeats a shared (non-cyclic) object rather than calling it circular', () => {
    const shared = { a: 1 };
    expect(redactFields({ x: shared, y: shared })).toEqual({ x: { a: 1 }, y: { a: 1 } });
  });
});

describe('fingerprint', () => {
  it('is sha256: plus 12 hex digits, stable, and different for different secrets', () => {
    const a = fingerprint('refresh-token-a');
    expect(a).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(fingerprint('refresh-token-a')).toBe(a);
    expect(fingerprint('refresh-token-b')).not.toBe(a);
    // SHA-256("abc") starts ba7816bf8f01.
    expect(fingerprint('abc')).toBe('sha256:ba7816bf8f01');
  });
});

describe('createRedactingLogger', () => {
  it('redacts messages and fields before they reach the sink, at every level', () => {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const sink: Logger = {
      info: (m, f) => lines.push(['info', m, f]),
      warn: (m, f) => lines.push(['warn', m, f]),
      error: (m, f) => lines.push(['error', m, f]),
    };
    registerSecret('client-secret-value');
    const logger = createRedactingLogger(sink);
    logger.info('sent client-secret-value');
    logger.warn('callback ?code=abc', { refreshToken: 'r', url: 'x?state=s' });
    logger.error(`got ${JWT}`, { nested: { secret: 'q' } });
    expect(lines).toEqual([
      ['info', `sent ${REDACTED}`, undefined],
      ['warn', `callback ?code=${REDACTED}`, { refreshToken: REDACTED, url: `x?state=${REDACTED}` }],
      ['error', `got ${REDACTED}`, { nested: { secret: REDACTED } }],
    ]);
    expect(lines[0]).toHaveLength(3);
  });

  it('does not invent a fields argument when none was given', () => {
    const calls: unknown[][] = [];
    const sink: Logger = { info: (...args) => calls.push(args), warn: () => {}, error: () => {} };
    createRedactingLogger(sink).info('plain');
    expect(calls).toEqual([['plain']]);
  });
});

describe('describeError', () => {
  it('uses an AuthError message, redacted', () => {
    registerSecret('leaky-code-value');
    expect(describeError(new AuthError('network', 'failed for leaky-code-value'))).toBe(`failed for ${REDACTED}`);
  });

  it('describes an axios-like error by method, URL without query or userinfo, status and code only', () => {
    const axiosLike = Object.assign(new Error('Request failed with status code 400'), {
      isAxiosError: true,
      code: 'ERR_BAD_REQUEST',
      config: {
        method: 'post',
        url: 'https://user:pw@api.getjobber.com/api/oauth/token?code=abc#frag',
        headers: { Authorization: 'Bearer secret-header-value' },
        data: 'client_secret=very-secret-value',
      },
      response: { status: 400, data: '{"refresh_token":"rt"}' },
    });
    const text = describeError(axiosLike);
    expect(text).toBe(
      'POST https://api.getjobber.com/api/oauth/token: HTTP 400: ERR_BAD_REQUEST: Request failed with status code 400',
    );
    expect(text).not.toMatch(/secret|abc|frag|pw/);
  });

  it('resolves a relative axios URL against baseURL', () => {
    const text = describeError({ isAxiosError: true, config: { method: 'get', url: '/x?state=1', baseURL: 'http://127.0.0.1:9' } });
    expect(text).toBe('GET http://127.0.0.1:9/x');
  });

  it('gives one redacted line for plain errors, strings and odd values', () => {
    const withCode = Object.assign(new Error('connect failed\nline two'), { code: 'ECONNREFUSED' });
    expect(describeError(withCode)).toBe('Error: connect failed line two (ECONNREFUSED)');
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError(`token ${JWT}`)).toBe(`token ${REDACTED}`);
    expect(describeError(null)).toBe('Unknown error (null)');
    expect(describeError(undefined)).toBe('Unknown error (undefined)');
    expect(describeError({ refresh_token: 'x' })).toBe('Unknown error (a non-Error object was thrown)');
    expect(describeError(7)).toBe('Unknown error (7)');
  });

  it('bounds the length', () => {
    expect(describeError('x'.repeat(5000)).length).toBeLessThanOrEqual(500);
  });
});
