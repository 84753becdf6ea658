/** Each connection state renders its badge, its details and exactly the right action(s). */
import { act, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppSnapshot, ConnectionState, UserFacingErrorKind } from '../../electron/ipc/contract';
import { App } from '../../renderer/app';
import { T0, createFakeBridge, snapshot, states } from '../support/renderer/fixtures';

// Only Date is faked: the snapshots are built around T0, while promises and timers stay real.
beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function renderWith(state: ConnectionState, options: Parameters<typeof snapshot>[1] = {}) {
  const fake = createFakeBridge(snapshot(state, options));
  const view = render(<App bridge={fake.api} />);
  await screen.findByTestId('status-badge');
  return { fake, ...view };
}

function actionNames(): string[] {
  const group = screen.getByRole('group', { name: 'Connection actions' });
  return within(group)
    .getAllByRole('button')
    .map((button) => button.textContent ?? '');
}

const cases: Array<{ name: string; state: ConnectionState; badge: string; actions: string[]; text: RegExp }> = [
  { name: 'not configured', state: states.notConfigured(), badge: 'Not configured', actions: ['Open settings'], text: /Client ID is missing/ },
  { name: 'disconnected', state: states.disconnected(), badge: 'Disconnected', actions: ['Connect'], text: /Not connected/ },
  { name: 'connecting', state: states.connecting(), badge: 'Connecting', actions: ['Cancel'], text: /sign-in window/ },
  {
    name: 'connected',
    state: states.connected(),
    badge: 'Connected',
    actions: ['Refresh now', 'Test API', 'Disconnect'],
    text: /Green Acres Lawn Care/,
  },
  { name: 'refreshing', state: states.refreshing(), badge: 'Refreshing', actions: ['Refreshing…', 'Disconnect'], text: /Refreshing the access token now/ },
  {
    name: 'offline retrying',
    state: states.offlineRetrying(),
    badge: 'Retrying',
    actions: ['Retry now', 'Disconnect'],
    text: /cannot be reached right now/,
  },
  {
    name: 'needs reconnect',
    state: states.needsReconnect(),
    badge: 'Needs reconnect',
    actions: ['Reconnect', 'Forget saved sign-in'],
    text: /Jobber no longer accepts this app's sign-in for “Green Acres Lawn Care”; reconnect to continue\./,
  },
  {
    name: 'needs reconnect (client ID or secret refused)',
    state: states.needsReconnect(undefined, { reason: 'credentials-rejected', message: "Jobber refused this app's client ID or secret; check them in Settings. The saved sign-in is kept." }),
    badge: 'Needs reconnect',
    actions: ['Open settings', 'Reconnect', 'Forget saved sign-in'],
    text: /Jobber refused this app's client ID or secret; check them in Settings\. The saved sign-in is kept\./,
  },
  {
    name: 'storage unavailable',
    state: states.storageUnavailable(),
    badge: 'Storage unavailable',
    actions: ['Open settings', 'Forget saved sign-in'],
    text: /No system keyring was found/,
  },
];

describe('connection card per state', () => {
  it.each(cases)('$name: badge, details and action', async ({ state, badge, actions, text }) => {
    await renderWith(state);
    expect(screen.getByTestId('status-badge')).toHaveTextContent(badge);
    expect(actionNames()).toEqual(actions);
    expect(screen.getByRole('region', { name: 'Jobber connection' })).toHaveTextContent(text);
  });

  it('shows the refreshing button disabled, since a refresh is already running', async () => {
    await renderWith(states.refreshing());
    expect(screen.getByRole('button', { name: 'Refreshing…' })).toBeDisabled();
  });

  it('connected: shows account, connected since, last and next refresh', async () => {
    await renderWith(states.connected());
    expect(screen.getByTestId('account-name')).toHaveTextContent('Green Acres Lawn Care');
    expect(screen.getByText(/Connected since/)).toBeInTheDocument();
    expect(screen.getByTestId('last-refresh')).toHaveTextContent('Succeeded');
    expect(screen.getByTestId('next-refresh')).toHaveTextContent(/in 38 minutes/);
    expect(screen.getByRole('progressbar', { name: 'Access token' })).toHaveAttribute('aria-valuenow', '75');
  });

  it('offline retrying: shows the next attempt, the attempt number and the last failure', async () => {
    await renderWith(states.offlineRetrying());
    expect(screen.getByTestId('next-refresh')).toHaveTextContent(/in 30 seconds/);
    expect(screen.getByTestId('next-refresh')).toHaveTextContent('Attempt 2');
    expect(screen.getByTestId('last-refresh')).toHaveTextContent('Failed for now, will retry');
    expect(screen.getByText(/Could not reach api.getjobber.com/)).toBeInTheDocument();
  });

  it('needs reconnect: one sentence, main’s, saying why (not a second one restating it)', async () => {
    const message = 'This app was disconnected from “Green Acres Lawn Care” in Jobber; reconnect to use it again.';
    await renderWith(states.needsReconnect(undefined, { reason: 'disconnected-in-jobber', message }));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(alert.textContent).toBe(message);
    expect(screen.getAllByText(/reconnect/i, { selector: '[role="alert"] *' })).toHaveLength(1);
  });

  it('storage unavailable (basic_text) explains the weak-storage choice', async () => {
    await renderWith(states.storageUnavailable(undefined, { reason: 'basic-text' }));
    expect(screen.getByRole('alert')).toHaveTextContent(/plain-text storage.*allow weak storage in Settings/);
  });

  it('disconnected with a last error shows friendly wording plus the detail', async () => {
    await renderWith(
      states.disconnected(undefined, { lastError: { kind: 'misconfigured', message: 'invalid_client' } }),
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(/client ID, client secret or redirect URI\. Check them in Settings/);
    expect(alert).toHaveTextContent('Detail: invalid_client');
  });

  it('an unknown error kind still gets a readable headline', async () => {
    await renderWith(states.disconnected(undefined, { lastError: { kind: 'brand-new-kind' as UserFacingErrorKind, message: 'odd' } }));
    expect(screen.getByRole('alert')).toHaveTextContent(/Something went wrong/);
  });

  it('connecting in system-browser mode points to the browser', async () => {
    await renderWith(states.connecting(undefined, { mode: 'system-browser' }));
    expect(screen.getByText(/in your web browser/)).toBeInTheDocument();
  });
});

describe('shell', () => {
  it('shows the sandbox banner only in sandbox mode', async () => {
    const { unmount } = await renderWith(states.disconnected(), { environment: 'sandbox' });
    expect(screen.getByRole('note')).toHaveTextContent('Sandbox: not connected to real Jobber');
    unmount();
    await renderWith(states.disconnected(), { environment: 'jobber' });
    expect(screen.queryByText('Sandbox: not connected to real Jobber')).not.toBeInTheDocument();
  });

  it('lists activity newest first with a time element for each entry', async () => {
    await renderWith(states.connected(), {
      activity: [
        { at: 2_000, level: 'warning', message: 'second' },
        { at: 1_000, level: 'info', message: 'first' },
      ],
    });
    const items = within(screen.getByRole('region', { name: 'Activity' })).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringContaining('Warningsecond'),
      expect.stringContaining('Infofirst'),
    ]);
    expect(items[0]?.querySelector('time')).toHaveAttribute('datetime', new Date(2_000).toISOString());
  });

  it('shows an empty activity message', async () => {
    await renderWith(states.disconnected());
    expect(screen.getByText(/No activity yet/)).toBeInTheDocument();
  });

  it('subscribes on mount, calls getState once, follows events and unsubscribes on unmount', async () => {
    const fake = createFakeBridge(snapshot(states.disconnected()));
    const { unmount } = render(<App bridge={fake.api} />);
    expect(await screen.findByTestId('status-badge')).toHaveTextContent('Disconnected');
    expect(fake.api.onStateChanged).toHaveBeenCalledTimes(1);
    expect(fake.api.getState).toHaveBeenCalledTimes(1);
    expect(fake.listenerCount()).toBe(1);

    act(() => fake.emit(snapshot(states.connected())));
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Connected');

    unmount();
    expect(fake.unsubscribes[0]).toHaveBeenCalledTimes(1);
    expect(fake.listenerCount()).toBe(0);
  });

  it('an event that arrives before getState answers is not overwritten by the older answer', async () => {
    const fake = createFakeBridge(snapshot(states.disconnected()));
    let answer!: (value: AppSnapshot) => void;
    fake.api.getState.mockImplementation(() => new Promise<AppSnapshot>((resolve) => (answer = resolve)));
    render(<App bridge={fake.api} />);
    act(() => fake.emit(snapshot(states.connected())));
    await act(async () => answer(snapshot(states.disconnected())));
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Connected');
  });

  it('announces status changes in words through a polite live region', async () => {
    const { fake } = await renderWith(states.disconnected());
    const region = screen.getByTestId('status-announcer');
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(region).toHaveTextContent('Connection status: Disconnected.');
    act(() => fake.emit(snapshot(states.connected())));
    expect(region).toHaveTextContent('Connection status: Connected as Green Acres Lawn Care.');
    act(() => fake.emit(snapshot(states.offlineRetrying())));
    expect(region).toHaveTextContent('Connection status: Retrying.');
  });

  it('says what to do when the first getState fails', async () => {
    const fake = createFakeBridge(snapshot(states.disconnected()));
    fake.api.getState.mockRejectedValue(new Error('no handler for get-state'));
    render(<App bridge={fake.api} />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/restart Jobber Connect/);
    expect(alert).toHaveTextContent('no handler for get-state');
  });
});
