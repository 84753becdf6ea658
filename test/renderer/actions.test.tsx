/** Every action calls the bridge, disables while pending, and reports failures with next steps. */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type {
  ActionResult,
  ConnectionState,
  DisconnectResult,
  TestApiResult,
} from '../../electron/ipc/contract';
import { App } from '../../renderer/app';
import { createFakeBridge, snapshot, states } from '../support/renderer/fixtures';
import { deferred } from '../support/deferred';

async function setup(state: ConnectionState) {
  const fake = createFakeBridge(snapshot(state));
  const user = userEvent.setup();
  render(<App bridge={fake.api} />);
  await screen.findByTestId('status-badge');
  return { fake, user };
}

const actionGroup = () => screen.getByRole('group', { name: 'Connection actions' });

describe('simple actions', () => {
  const cases = [
    { label: 'Connect', busy: 'Connecting…', state: states.disconnected(), method: 'connect' },
    { label: 'Reconnect', busy: 'Reconnecting…', state: states.needsReconnect(), method: 'connect' },
    { label: 'Cancel', busy: 'Cancelling…', state: states.connecting(), method: 'cancel' },
    { label: 'Refresh now', busy: 'Refreshing…', state: states.connected(), method: 'refreshNow' },
    { label: 'Retry now', busy: 'Retrying…', state: states.offlineRetrying(), method: 'refreshNow' },
  ] as const;

  it.each(cases)('$label calls $method and disables while pending', async ({ label, busy, state, method }) => {
    const { fake, user } = await setup(state);
    const pending = deferred<ActionResult>();
    fake.api[method].mockReturnValue(pending.promise);
    const before = within(actionGroup()).getAllByRole('button');

    await user.click(screen.getByRole('button', { name: label }));
    expect(fake.api[method]).toHaveBeenCalledTimes(1);
    const busyButton = screen.getByRole('button', { name: busy });
    expect(busyButton).toBeDisabled();
    expect(busyButton).toHaveAttribute('aria-busy', 'true');
    // every other action of the card is disabled as well
    for (const button of within(actionGroup()).getAllByRole('button')) expect(button).toBeDisabled();

    await user.click(busyButton);
    expect(fake.api[method]).toHaveBeenCalledTimes(1);

    await act(async () => pending.resolve({ ok: true }));
    expect(screen.getByRole('button', { name: label })).toBeEnabled();
    expect(within(actionGroup()).getAllByRole('button')).toHaveLength(before.length);
  });

  it('keeps Cancel usable while a Connect call is still pending', async () => {
    const { fake, user } = await setup(states.disconnected());
    fake.api.connect.mockReturnValue(deferred<ActionResult>().promise);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    act(() => fake.emit(snapshot(states.connecting())));
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    expect(cancel).toBeEnabled();
    await user.click(cancel);
    expect(fake.api.cancel).toHaveBeenCalledTimes(1);
  });

  it('shows a specific error with the next step and main’s message as detail', async () => {
    const { fake, user } = await setup(states.connected());
    fake.api.refreshNow.mockResolvedValue({
      ok: false,
      error: { kind: 'rejected-grant', message: 'The refresh token was refused (invalid_grant).' },
    });
    await user.click(screen.getByRole('button', { name: 'Refresh now' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Jobber refused the saved sign-in. Reconnect to continue.');
    expect(alert).toHaveTextContent('Detail: The refresh token was refused (invalid_grant).');
  });

  it('a cancelled sign-in is reported calmly, not as an alert', async () => {
    const { fake, user } = await setup(states.disconnected());
    fake.api.connect.mockResolvedValue({ ok: false, error: { kind: 'cancelled', message: 'The sign-in window was closed.' } });
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Sign-in was cancelled. Connect again when you are ready.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('a failed IPC call says to restart and re-enables the button', async () => {
    const { fake, user } = await setup(states.disconnected());
    fake.api.connect.mockRejectedValue(new Error('An object could not be cloned.'));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/restart Jobber Connect/);
    expect(alert).toHaveTextContent('An object could not be cloned.');
    expect(screen.getByRole('button', { name: 'Connect' })).toBeEnabled();
  });

  it('Open settings switches to the settings view and loads the settings', async () => {
    const { fake, user } = await setup(states.notConfigured());
    await user.click(screen.getByRole('button', { name: 'Open settings' }));
    expect(await screen.findByLabelText('Client ID')).toHaveValue('client-abc123');
    expect(fake.api.getSettings).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('heading', { name: 'Settings' })).toHaveFocus();
  });
});

describe('disconnect', () => {
  it('asks first, and Keep connected backs out without calling the bridge', async () => {
    const { fake, user } = await setup(states.connected());
    await user.click(screen.getByRole('button', { name: 'Disconnect' }));
    const confirm = screen.getByRole('group', { name: 'Disconnect Green Acres Lawn Care?' });
    expect(confirm).toHaveAccessibleDescription(/saved sign-in will be removed from this computer/);
    expect(within(confirm).getByRole('button', { name: 'Keep connected' })).toHaveFocus();

    await user.click(within(confirm).getByRole('button', { name: 'Keep connected' }));
    expect(fake.api.disconnect).not.toHaveBeenCalled();
    expect(screen.queryByRole('group', { name: /Disconnect Green Acres/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Disconnect' })).toHaveFocus();
  });

  it('Escape backs out of the confirm step', async () => {
    const { fake, user } = await setup(states.connected());
    await user.click(screen.getByRole('button', { name: 'Disconnect' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: /Disconnect Green Acres/ })).not.toBeInTheDocument();
    expect(fake.api.disconnect).not.toHaveBeenCalled();
  });

  it('confirming calls disconnect once, disables while pending, then reports the outcome', async () => {
    const { fake, user } = await setup(states.connected());
    const pending = deferred<DisconnectResult>();
    fake.api.disconnect.mockReturnValue(pending.promise);
    await user.click(screen.getByRole('button', { name: 'Disconnect' }));
    await user.click(screen.getByRole('button', { name: 'Yes, disconnect' }));
    expect(fake.api.disconnect).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Disconnecting…' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Keep connected' })).toBeDisabled();

    await act(async () => {
      pending.resolve({ ok: true, jobberNotified: false, message: 'appDisconnect timed out after 5 s.' });
      fake.emit(snapshot(states.disconnected()));
    });
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Disconnected');
    expect(screen.getByText(/Disconnected on this computer, but Jobber could not be told/)).toBeInTheDocument();
    expect(screen.getByText('Detail: appDisconnect timed out after 5 s.')).toBeInTheDocument();
  });

  it('works by keyboard alone', async () => {
    const { fake, user } = await setup(states.connected());
    screen.getByRole('button', { name: 'Disconnect' }).focus();
    await user.keyboard('{Enter}');
    // focus is on "Keep connected"; Shift+Tab reaches "Yes, disconnect"
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Yes, disconnect' })).toHaveFocus();
    await user.keyboard(' ');
    await waitFor(() => expect(fake.api.disconnect).toHaveBeenCalledTimes(1));
  });
});

describe('Test API', () => {
  it('shows the account, the query cost and the duration', async () => {
    const { fake, user } = await setup(states.connected());
    await user.click(screen.getByRole('button', { name: 'Test API' }));
    expect(fake.api.testApi).toHaveBeenCalledTimes(1);
    const result = await screen.findByRole('region', { name: 'API test passed' });
    expect(result).toHaveTextContent('Green Acres Lawn Care');
    expect(result).toHaveTextContent('1 requested, 1 actual');
    expect(result).toHaveTextContent(/9,?999 of 10,?000/);
    expect(result).toHaveTextContent('500 per second');
    expect(result).toHaveTextContent('184 ms');
  });

  it('disables while pending', async () => {
    const { fake, user } = await setup(states.connected());
    const pending = deferred<TestApiResult>();
    fake.api.testApi.mockReturnValue(pending.promise);
    await user.click(screen.getByRole('button', { name: 'Test API' }));
    expect(screen.getByRole('button', { name: 'Testing…' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Refresh now' })).toBeDisabled();
    await act(async () =>
      pending.resolve({ ok: true, account: { id: '1', name: 'Green Acres Lawn Care' }, cost: null, durationMs: 20 }),
    );
    expect(screen.getByRole('button', { name: 'Test API' })).toBeEnabled();
    expect(screen.getByRole('region', { name: 'API test passed' })).toHaveTextContent('Not reported by Jobber');
  });

  it('keeps the result through a refresh but drops it once the connection degrades', async () => {
    const { fake, user } = await setup(states.connected());
    await user.click(screen.getByRole('button', { name: 'Test API' }));
    await screen.findByRole('region', { name: 'API test passed' });
    act(() => fake.emit(snapshot(states.refreshing())));
    expect(screen.getByRole('region', { name: 'API test passed' })).toBeInTheDocument();
    act(() => fake.emit(snapshot(states.offlineRetrying())));
    expect(screen.queryByRole('region', { name: 'API test passed' })).not.toBeInTheDocument();
  });

  it('explains a throttled API call', async () => {
    const { fake, user } = await setup(states.connected());
    fake.api.testApi.mockResolvedValue({ ok: false, error: { kind: 'throttled', message: 'Throttled' } });
    await user.click(screen.getByRole('button', { name: 'Test API' }));
    const region = await screen.findByRole('region', { name: 'API test failed' });
    expect(within(region).getByRole('alert')).toHaveTextContent(/query allowance is used up.*Wait a few seconds/);
  });
});
