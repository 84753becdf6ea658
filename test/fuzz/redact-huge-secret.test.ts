/**
 * Known bug found by the callback-URL fuzzing, kept as minimal reproductions marked `it.fails`
 * (they pass while the bug exists; when it is fixed they fail, and `it.fails` should become `it`).
 *
 * electron/auth/redact.ts builds one RegExp from every registered secret and its URL/form
 * encodings (buildRegisteredPattern, `new RegExp(alternatives.join('|'), 'g')`). V8 refuses to
 * compile a pattern with a literal of 32,768 characters or more ("Regular expression too large"),
 * and registerSecret() has no length limit. So once any secret whose longest encoded form reaches
 * 32 KiB is registered (a long authorization code from a callback, a long token in a token
 * response or a stored file), every later redact() throws a SyntaxError whose message is the
 * pattern itself: every registered token, code, state and the client secret, in clear text.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseCallback } from '../../electron/auth/callback-parser';
import { AuthError } from '../../electron/auth/errors';
import { PendingRequests } from '../../electron/auth/pending-requests';
import type { Clock } from '../../electron/auth/ports';
import { clearRegisteredSecrets, redact, registerSecret } from '../../electron/auth/redact';
import { createTokenClient } from '../../electron/auth/token-client';

const clock: Clock = { now: () => Date.UTC(2025, 5, 2, 9), setTimer: () => 0, clearTimer: () => undefined };
const REDIRECT = 'com.jobberconnect.app:/oauth/callback';
/** Just past V8's limit: 32,768 characters in one literal alternative. */
const LONG = 'x'.repeat(32_768);

beforeEach(() => clearRegisteredSecrets());

describe('known bug: one very long secret breaks redaction for the whole process', () => {
  it.fails('redact() keeps working after a 32,768-character secret is registered', () => {
    registerSecret(LONG);
    expect(() => redact('an ordinary log line')).not.toThrow();
  });

  it.fails('parseCallback never throws, even after accepting a callback with a 32 KiB code', () => {
    const pending = new PendingRequests(clock);
    const { state } = pending.create();
    expect(parseCallback(`${REDIRECT}?code=${LONG}&state=${state}`, REDIRECT, pending)).toEqual({ ok: true, code: LONG });
    // Any later callback whose message goes through redact(): here Jobber's error parameter.
    let thrown: unknown = null;
    try {
      parseCallback(`${REDIRECT}?error=server_error`, REDIRECT, pending);
    } catch (error) {
      thrown = error;
    }
    // Today: a SyntaxError whose message carries the code and the state in clear text.
    expect(String(thrown)).not.toContain(state);
    expect(thrown).toBeNull();
  });

  it.fails('a token response with a 32 KiB access token yields a TokenSet or an AuthError, never a raw SyntaxError', async () => {
    const http = {
      request: async () => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        data: JSON.stringify({ access_token: LONG, refresh_token: 'refresh-token-0123456789' }),
      }),
    } as unknown as Parameters<typeof createTokenClient>[0]['http'];
    const client = createTokenClient({
      config: {
        environment: 'sandbox',
        clientId: 'client-id',
        clientSecret: 'client-secret-0123456789',
        redirectUri: REDIRECT,
        apiBaseUrl: 'http://127.0.0.1:9',
        graphqlVersion: '2025-04-16',
        authMode: 'app-window',
      },
      clock,
      http,
    });
    let outcome: unknown;
    try {
      outcome = await client.exchangeCode('authorization-code-0123');
    } catch (error) {
      outcome = error;
    }
    // Today: SyntaxError "Invalid regular expression: /xxxx…|client-secret-0123456789|…/g: Regular expression too large".
    expect(String(outcome)).not.toContain('client-secret-0123456789');
    expect(outcome instanceof AuthError || (outcome as { accessToken?: unknown }).accessToken === LONG).toBe(true);
  });
});
