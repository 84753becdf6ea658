/**
 * grant.ts: the working record, its generation and the store queue. Saves of superseded work are
 * dropped; the saved credential of an ended grant goes only to the endpoint that issued it.
 */
import { describe, expect, it } from 'vitest';
import { Grant } from '../../../electron/auth/grant';
import type { EndpointBinding, StoredConnection } from '../../../electron/auth/token-model';
import { MemoryTokenStore } from '../../support/engine/memory-token-store';

const BROKER: EndpointBinding = { via: 'broker', origin: 'https://broker.example' };

function record(refreshToken: string, endpoint?: EndpointBinding): StoredConnection {
  return {
    version: 1,
    tokens: { accessToken: 'access-token-0001', refreshToken, accessTokenIssuedAt: 0, accessTokenExpiresAt: 3_600_000, expirySource: 'jwt-exp' },
    account: { id: 'acc-1', name: 'Acme' },
    connectedAt: 0,
    lastRefresh: null,
    refreshInFlight: null,
    ...(endpoint ? { endpoint } : {}),
  };
}

describe('Grant.persist', () => {
  it('saves bound to the endpoint while the generation holds, and drops a save whose generation moved on', async () => {
    const store = new MemoryTokenStore();
    const grant = new Grant(store, BROKER);
    const gen = grant.generation;
    expect(await grant.persist(gen, record('device-credential-1'))).toBe(true);
    expect(store.saved?.endpoint).toEqual(BROKER);
    grant.nextGeneration();
    expect(await grant.persist(gen, record('device-credential-2'))).toBe(false);
    expect(store.saved?.tokens.refreshToken).toBe('device-credential-1');
  });
});

describe('Grant.savedCredential (an ended grant its issuer may still hold)', () => {
  it('is the saved refresh token when the record was issued by this endpoint and is not the working grant', async () => {
    const grant = new Grant(new MemoryTokenStore(record('device-credential-1', BROKER)), BROKER);
    expect(await grant.savedCredential()).toBe('device-credential-1');
  });

  it('is null for a record from another broker, a direct one, or one without an endpoint', async () => {
    for (const endpoint of [{ via: 'broker', origin: 'https://other-broker.example' } as const, { via: 'jobber', origin: 'https://api.getjobber.com', clientId: 'c' } as const, undefined]) {
      const grant = new Grant(new MemoryTokenStore(record('device-credential-1', endpoint)), BROKER);
      expect(await grant.savedCredential()).toBeNull();
    }
  });

  it('is null with nothing saved, and while a grant is working (that one is told with its live tokens)', async () => {
    expect(await new Grant(new MemoryTokenStore(), BROKER).savedCredential()).toBeNull();
    const grant = new Grant(new MemoryTokenStore(record('device-credential-1', BROKER)), BROKER);
    grant.setLive(record('device-credential-1', BROKER));
    expect(await grant.savedCredential()).toBeNull();
  });
});
