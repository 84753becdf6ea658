/**
 * I8: Cancel, Disconnect and quitting while Jobber's answer to the code exchange is awaited (or just
 * after it was saved) are honoured: nothing is kept, Jobber is told about the grant it created
 * (except when quitting), and the state returns to rest with a calm notice.
 */
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../electron/core/errors';
import { callbackUrl, createHarness, stateAs, stateOf, type Harness } from '../../support/engine/session-harness';

const HOUR = 60 * 60_000;

/** Begins a Connect and delivers the callback; the exchange is held until the returned gate opens. */
async function exchangeInFlight(h: Harness) {
  const gate = h.endpoint.holdNextExchange();
  const { authorizeUrl } = h.session.beginConnect();
  const completing = h.session.completeConnect(callbackUrl(stateOf(authorizeUrl))).then(
    () => null,
    (error: unknown) => error,
  );
  await h.clock.flush();
  expect(h.endpoint.exchangeCalls).toHaveLength(1);
  return { gate, completing };
}

describe('Session: the code exchange can still be cancelled', () => {
  it('says that it is finishing the sign-in while Jobber answers (state stays connecting)', async () => {
    const h = createHarness();
    await h.session.start();
    const { gate, completing } = await exchangeInFlight(h);
    expect(h.session.getState().status).toBe('connecting');
    expect(h.session.getActivity()[0]?.message).toMatch(/finishing sign-in/i);
    gate.resolve();
    expect(await completing).toBeNull();
    expect(h.session.getState().status).toBe('connected');
  });

  it('Cancel during the exchange: back to rest at once, the answer is not saved, Jobber is told', async () => {
    const h = createHarness();
    await h.session.start();
    const { gate, completing } = await exchangeInFlight(h);
    h.session.cancelConnect('cancelled');
    expect(stateAs(h.session, 'disconnected').notice).toBe('Sign-in cancelled.');
    gate.resolve();
    expect(await completing).toMatchObject({ kind: 'cancelled' });
    expect(h.store.history.filter((operation) => operation.op === 'save')).toEqual([]);
    const issuedAccess = h.endpoint.issued.at(-2);
    expect(h.api.disconnectCalls).toEqual([issuedAccess]);
    const state = stateAs(h.session, 'disconnected');
    expect(state.notice).toBe('Sign-in cancelled.');
    expect(state.lastError).toBeNull();
    expect(h.session.getActivity().some((entry) => /discarded and Jobber was told/.test(entry.message))).toBe(true);
    // Nothing runs on behalf of the dropped grant.
    await h.clock.advance(2 * HOUR);
    expect(h.endpoint.refreshCalls).toEqual([]);
    await expect(h.session.getAccessToken()).rejects.toMatchObject({ kind: 'not-connected' });
  });

  it('Cancel during the exchange, then Jobber refuses the code: still just cancelled', async () => {
    const h = createHarness();
    await h.session.start();
    const { gate, completing } = await exchangeInFlight(h);
    h.session.cancelConnect('cancelled');
    gate.reject(new AuthError('rejected-grant', 'code refused'));
    expect(await completing).toMatchObject({ kind: 'cancelled' });
    expect(stateAs(h.session, 'disconnected').lastError).toBeNull();
    expect(h.api.disconnectCalls).toEqual([]);
  });

  it('Cancel while the account is fetched (after the save): the saved record is removed and Jobber told', async () => {
    const h = createHarness();
    await h.session.start();
    const fetchGate = h.api.holdNextFetch();
    const { authorizeUrl } = h.session.beginConnect();
    const completing = h.session.completeConnect(callbackUrl(stateOf(authorizeUrl))).catch((error: unknown) => error);
    await h.clock.flush();
    expect(h.store.saved).not.toBeNull();
    h.session.cancelConnect('cancelled');
    fetchGate.resolve();
    expect(await completing).toMatchObject({ kind: 'cancelled' });
    expect(h.store.saved).toBeNull();
    expect(h.store.history.at(-1)).toEqual({ op: 'clear' });
    expect(h.api.disconnectCalls).toHaveLength(1);
    expect(h.session.getState().status).toBe('disconnected');
  });

  it('Disconnect during the exchange: nothing is saved, Jobber is told, disconnected', async () => {
    const h = createHarness();
    await h.session.start();
    const { gate, completing } = await exchangeInFlight(h);
    const result = await h.session.disconnect();
    expect(result.message).toMatch(/Sign-in cancelled/);
    gate.resolve();
    expect(await completing).toMatchObject({ kind: 'cancelled' });
    expect(h.store.saved).toBeNull();
    expect(h.store.history.filter((operation) => operation.op === 'save')).toEqual([]);
    expect(h.api.disconnectCalls).toHaveLength(1);
    expect(h.session.getState().status).toBe('disconnected');
    await h.clock.advance(2 * HOUR);
    expect(h.endpoint.refreshCalls).toEqual([]);
  });

  it('stop during the exchange: nothing is written or sent after stop', async () => {
    const h = createHarness();
    await h.session.start();
    const { gate, completing } = await exchangeInFlight(h);
    await h.session.stop();
    const operationsAtStop = h.store.history.length;
    gate.resolve();
    expect(await completing).toMatchObject({ kind: 'cancelled' });
    await h.clock.flush();
    expect(h.store.history.length).toBe(operationsAtStop);
    expect(h.api.disconnectCalls).toEqual([]);
    expect(h.api.fetchCalls).toEqual([]);
  });

  it('a second Connect while the approved sign-in is being finished is refused, not started over', async () => {
    const h = createHarness();
    await h.session.start();
    const { gate, completing } = await exchangeInFlight(h);
    expect(() => h.session.beginConnect()).toThrow(expect.objectContaining({ kind: 'already-connected' }));
    gate.resolve();
    expect(await completing).toBeNull();
    expect(h.session.getState().status).toBe('connected');
  });

  it('Cancel from needs-reconnect during the exchange returns to needs-reconnect with the old record kept', async () => {
    const h = createHarness({ stored: (endpoint) => endpoint.seedConnection() });
    h.store.setLoadResult({ kind: 'unreadable', reason: 'decrypt-failed', message: 'x' });
    await h.session.start();
    const before = h.session.getState();
    const { gate, completing } = await exchangeInFlight(h);
    h.session.cancelConnect('cancelled');
    gate.resolve();
    expect(await completing).toMatchObject({ kind: 'cancelled' });
    expect(h.session.getState()).toEqual(before);
    expect(h.store.history.filter((operation) => operation.op === 'save' || operation.op === 'clear')).toEqual([]);
  });
});
