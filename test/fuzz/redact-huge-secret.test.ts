/**
 * Regression tests for a bug the callback-URL fuzzing found: redact.ts used to build one RegExp from
 * every registered secret and its encodings. V8 refuses a pattern literal of 32,768 characters or
 * more ("Regular expression too large"), so once a secret that long was registered (a long code
 * from a callback, a long token in a token response or a stored file), every later redact() threw
 * a SyntaxError whose message was the pattern itself: every registered secret in clear text.
 * Redaction now searches plain strings.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseCallback } from '../../electron/auth/callback-parser';
import { AuthError } from '../../electron/core/errors';
import { PendingRequests } from '../../electron/auth/pending-requests';
import type { Clock } from '../../electron/core/clock';
import { clearRegisteredSecrets, redact, registerSecret } from '../../electron/core/redact';
import { createTokenClient } from '../../electron/auth/token-client';

const clock: Clock = { now: () => Date.UTC(2025, 5, 2, 9), setTimer: () => 0, clearTimer: () => undefined };
const REDIRECT = 'com.jobberconnect.app:/oauth/callback';
/** Just past V8's limit: 32,768 characters in one literal alternative. */
const LONG = 'x'.repeat(32_768);

beforeEach(() => clearRegisteredSecrets());

describe('one very long secret does not break redaction', () => {
  it('redact() keeps working after a 32,768-character secret is registered', () => {
    registerSecret(LONG);
    expect(() => redact('an ordinary log line')).not.toThrow();
  });

  it('parseCallback never throws, even after accepting a callback with a 32 KiB code', () => {
    const pending = new PendingRequests(clock);
    const { state } = pending.create();
    expect(parseCallback(`${REDIRECT}?code=${LONG}&state=${state}`, REDIRECT, pending)).toMatchObject({ ok: true, code: LONG });
    // Any later callback whose message goes through redact(): here Jobber's error parameter, with a
    // pending state (state first: without one the error name is never read).
    const second = pending.create();
    let thrown: unknown = null;
    try {
      parseCallback(`${REDIRECT}?error=server_error&state=${second.state}`, REDIRECT, pending);
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).not.toContain(state);
    expect(thrown).toBeNull();
  });

  it('a token response with a 32 KiB access token yields a TokenSet or an AuthError, never a raw SyntaxError', async () => {
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
    // Before the fix: SyntaxError "Invalid regular expression: /xxxx…|client-secret-0123456789|…/g: Regular expression too large".
    expect(String(outcome)).not.toContain('client-secret-0123456789');
    expect(outcome instanceof AuthError || (outcome as { accessToken?: unknown }).accessToken === LONG).toBe(true);
  });
});
