/**
 * I4: the client secret and the current token pair stay in exact-value redaction however many
 * rotations (and one-shot codes and states) go by; replaced tokens fall back to the bounded list.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_REGISTERED_SECRETS, REDACTED, clearRegisteredSecrets, redact, registerSecret } from '../../../electron/core/redact';
import { CONFIG, connect, createHarness } from '../../support/engine/session-harness';

beforeEach(() => clearRegisteredSecrets());

describe('Session keeps its long-lived secrets redacted', () => {
  it('the client secret survives 200 later registrations', () => {
    createHarness();
    for (let i = 0; i < 200; i += 1) registerSecret(`one-shot-value-${i}-abcdef`);
    expect(redact(`secret=${CONFIG.clientSecret}`)).not.toContain(CONFIG.clientSecret);
    expect(redact(CONFIG.clientSecret)).toBe(REDACTED);
  });

  it('the current refresh token survives 40 rotations and 200 registrations; a replaced one is only kept for a while', async () => {
    const h = createHarness();
    await h.session.start();
    await connect(h);
    const firstRefresh = h.store.saved!.tokens.refreshToken;
    for (let i = 0; i < 40; i += 1) await h.session.refreshNow();
    const current = h.store.saved!.tokens.refreshToken;
    expect(current).not.toBe(firstRefresh);
    for (let i = 0; i < 200; i += 1) registerSecret(`one-shot-value-${i}-abcdef`);
    expect(redact(current)).toBe(REDACTED);
    expect(redact(CONFIG.clientSecret)).toBe(REDACTED);
    // Replaced long ago: evicted from the bounded list (refresh tokens look like nothing the patterns know).
    expect(redact(firstRefresh)).toBe(firstRefresh);
  });

  it('a replaced refresh token is still redacted right after the rotation', async () => {
    const h = createHarness();
    await h.session.start();
    await connect(h);
    const replaced = h.store.saved!.tokens.refreshToken;
    await h.session.refreshNow();
    for (let i = 0; i < MAX_REGISTERED_SECRETS - 2; i += 1) registerSecret(`one-shot-value-${i}-abcdef`);
    expect(redact(replaced)).toBe(REDACTED);
  });
});
