/**
 * core/http.ts: the one reading of HTTP that the token, GraphQL and broker clients share (transport
 * failures, headers, bodies, Retry-After, Date) and backoff. Expected values are written from the
 * rules in the module's comments (RFC 9110, AWS's full/equal jitter), not computed by the code.
 */
import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyTransport, headerValue, MIN_BACKOFF_MS, parseHttpDate, parseJsonBody, parseRetryAfter, type Backoff } from '../../../electron/core/http';

const NOW = Date.UTC(2025, 5, 2, 9, 0, 0);

describe('parseRetryAfter (one implementation for the token and GraphQL clients)', () => {
  it('reads an HTTP date to the second', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(5_000);
  });

  it.each<[unknown, number | undefined]>([
    ['0', 0],
    ['120', 120_000],
    [' 5 ', 5_000],
    [new Date(NOW + 10_000).toUTCString(), 10_000],
    [new Date(NOW - 10_000).toUTCString(), 0],
    // Not delay-seconds and not a date: never read as a year or a float.
    ['1e3', undefined],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    [42, undefined],
  ])('parses %s', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('clamps an absurd delay to a finite number (it still means "wait long")', () => {
    const ms = parseRetryAfter('9'.repeat(400), NOW);
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  });
});

describe('parseHttpDate', () => {
  it('reads an HTTP date and refuses anything else', () => {
    expect(parseHttpDate(new Date(NOW).toUTCString())).toBe(NOW);
    expect(parseHttpDate('1700000000')).toBeNull();
    expect(parseHttpDate('not a date')).toBeNull();
    expect(parseHttpDate(undefined)).toBeNull();
  });
});

const coded = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { code });

describe('classifyTransport', () => {
  it.each<[string, unknown, unknown]>([
    ['axios cancellation by code', coded('ERR_CANCELED'), { kind: 'cancelled', code: 'ERR_CANCELED' }],
    ['axios cancellation by marker', { __CANCEL__: true, message: 'canceled' }, { kind: 'cancelled', code: undefined }],
    ['axios timeout', coded('ECONNABORTED', 'timeout of 15000ms exceeded'), { kind: 'timeout', code: 'ECONNABORTED' }],
    ['an OS timeout', coded('ETIMEDOUT'), { kind: 'timeout', code: 'ETIMEDOUT' }],
    ['undici connect timeout in the cause', Object.assign(new Error('fetch failed'), { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }), { kind: 'timeout', code: 'UND_ERR_CONNECT_TIMEOUT' }],
    ['a message that says timeout', new Error('socket timeout'), { kind: 'timeout', code: undefined }],
    ['a body cut off after the status line', Object.assign(coded('ERR_BAD_RESPONSE'), { response: { status: 200 } }), { kind: 'cut-off', code: 'ERR_BAD_RESPONSE', status: 200 }],
    ['a response without a status', Object.assign(new Error('aborted'), { response: {} }), { kind: 'cut-off', code: undefined, status: undefined }],
    ['connection refused', coded('ECONNREFUSED'), { kind: 'unreachable', code: 'ECONNREFUSED' }],
    ['DNS failure', coded('ENOTFOUND'), { kind: 'unreachable', code: 'ENOTFOUND' }],
    ['socket hang up with an unknown code', coded('E_SOMETHING', 'socket hang up'), { kind: 'unreachable', code: 'E_SOMETHING' }],
    ['no code at all', new Error('network down'), { kind: 'unreachable', code: undefined }],
    ['an unknown code', coded('ERR_TLS_CERT_ALTNAME_INVALID'), { kind: 'failed', code: 'ERR_TLS_CERT_ALTNAME_INVALID' }],
    ['a code that is not a plain identifier is not shown', coded('ECONN refused <script>'), { kind: 'failed', code: undefined }],
    ['something that is not an error', 'a string', { kind: 'unreachable', code: undefined }],
    ['null', null, { kind: 'unreachable', code: undefined }],
  ])('%s', (_name, error, expected) => {
    expect(classifyTransport(error)).toEqual(expected);
  });
});

describe('headerValue and parseJsonBody', () => {
  it('reads a header as one string, the first of a repeated one', () => {
    expect(headerValue({ 'retry-after': '5' }, 'retry-after')).toBe('5');
    expect(headerValue({ date: ['Tue, 01 Dec 2026 05:00:00 GMT', 'x'] }, 'date')).toBe('Tue, 01 Dec 2026 05:00:00 GMT');
    expect(headerValue({ date: [1] }, 'date')).toBeUndefined();
    expect(headerValue(undefined, 'date')).toBeUndefined();
  });
  it('parses JSON text and gives undefined for anything else', () => {
    expect(parseJsonBody('{"error":"invalid_grant"}')).toEqual({ error: 'invalid_grant' });
    expect(parseJsonBody('<html>')).toBeUndefined();
    expect(parseJsonBody({ already: 'parsed' })).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const full: Backoff = { baseMs: 1_000, factor: 2, capMs: 60_000, jitter: 'full' };
  const equal: Backoff = { ...full, jitter: 'equal' };

  it('full jitter: uniform below min(cap, base × factor^(n−1)), never under 250 ms', () => {
    expect(backoffDelay(1, full, () => 0.5)).toBe(500);
    expect(backoffDelay(3, full, () => 0.5)).toBe(2_000);
    expect(backoffDelay(10, full, () => 0.5)).toBe(30_000);
    expect(backoffDelay(3, full, () => 0)).toBe(MIN_BACKOFF_MS);
    expect(backoffDelay(3, full, () => 0.999)).toBe(3_996);
  });
  it('equal jitter: between half the ceiling and the ceiling', () => {
    expect(backoffDelay(1, equal, () => 0)).toBe(500);
    expect(backoffDelay(2, equal, () => 0.5)).toBe(1_500);
    expect(backoffDelay(20, equal, () => 0)).toBe(30_000);
  });
  it('a server-suggested wait is a floor, bounded by the cap', () => {
    expect(backoffDelay(1, full, () => 0.5, 7_000)).toBe(7_000);
    expect(backoffDelay(1, full, () => 0.5, 86_400_000)).toBe(60_000);
    expect(backoffDelay(5, full, () => 0.5, 10)).toBe(8_000);
  });
  it('a long outage never overflows, and a misbehaving random source is clamped', () => {
    expect(backoffDelay(10_000, full, () => 0.5)).toBe(30_000);
    expect(backoffDelay(2, full, () => Number.NaN)).toBe(MIN_BACKOFF_MS);
    expect(backoffDelay(1, equal, () => 7)).toBe(1_000);
  });
});
