/**
 * Needs-reconnect and storage-unavailable: the primary action fits the reason (Open settings when
 * Jobber refused the client ID or secret), and "Forget saved sign-in" wipes the kept sign-in
 * through disconnect() after an inline confirm.
 */
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ConnectionState, DisconnectResult, NeedsReconnectReason } from '../../electron/ipc/contract';
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
const REASONS: NeedsReconnectReason[] = [
  'refresh-rejected',
  'credentials-rejected',
  'disconnected-in-jobber',
  'storage-changed',
  'interrupted-refresh',
];

describe('needs reconnect: the one obvious action per reason', () => {
  it('client ID or secret refused: Open settings is primary, Reconnect secondary', async () => {
    const { fake, user } = await setup(states.needsReconnect(undefined, { reason: 'credentials-rejected' }));
    const settings = within(actionGroup()).getByRole('button', { name: 'Open settings' });
    const reconnect = within(actionGroup()).getByRole('button', { name: 'Reconnect' });
    expect(settings).toHaveClass('button--primary');
    expect(reconnect).toHaveClass('button--secondary');
    expect(reconnect).not.toHaveClass('button--primary');

    await user.click(reconnect);
    expect(fake.api.connect).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Open settings' }));
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeInTheDocument();
  });

  it.each(REASONS.filter((reason) => reason !== 'credentials-rejected'))('%s: Reconnect is primary, no Open settings', async (reason) => {
    await setup(states.needsReconnect(undefined, { reason }));
    expect(within(actionGroup()).getByRole('button', { name: 'Reconnect' })).toHaveClass('button--primary');
    expect(within(actionGroup()).queryByRole('button', { name: 'Open settings' })).toBeNull();
  });
});

describe('Forget saved sign-in', () => {
  const forgettable: Array<{ name: string; state: ConnectionState }> = [
    ...REASONS.map((reason) => ({ name: `needs reconnect (${reason})`, state: states.needsReconnect(undefined, { reason }) })),
    { name: 'storage unavailable (no keyring)', state: states.storageUnavailable() },
    { name: 'storage unavailable (unreadable)', state: states.storageUnavailable(undefined, { reason: 'store-unreadable' }) },
  ];

  it.each(forgettable)('$name: offered as a secondary action', async ({ state }) => {
    await setup(state);
    const forget = within(actionGroup()).getByRole('button', { name: 'Forget saved sign-in' });
    expect(forget).not.toHaveClass('button--primary');
    expect(forget).toBeEnabled();
  });

  it.each([states.disconnected(), states.connected(), states.notConfigured(), states.connecting()])(
    'not offered in $status',
    async (state) => {
      await setup(state);
      expect(screen.queryByRole('button', { name: 'Forget saved sign-in' })).toBeNull();
    },
  );

  it('asks first (focus on the safe choice, Escape backs out), then calls disconnect once', async () => {
    const { fake, user } = await setup(states.needsReconnect());
    await user.click(screen.getByRole('button', { name: 'Forget saved sign-in' }));
    const confirm = screen.getByRole('group', { name: 'Forget the saved sign-in?' });
    expect(confirm).toHaveAccessibleDescription(/without contacting Jobber/);
    expect(within(confirm).getByRole('button', { name: 'Keep it' })).toHaveFocus();
    expect(fake.api.disconnect).not.toHaveBeenCalled();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Forget the saved sign-in?' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Forget saved sign-in' })).toHaveFocus();
    expect(fake.api.disconnect).not.toHaveBeenCalled();

    const pending = deferred<DisconnectResult>();
    fake.api.disconnect.mockReturnValue(pending.promise);
    await user.click(screen.getByRole('button', { name: 'Forget saved sign-in' }));
    await user.click(screen.getByRole('button', { name: 'Yes, forget it' }));
    expect(fake.api.disconnect).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Forgetting…' })).toBeDisabled();
    await act(async () => {
      pending.resolve({ ok: true, jobberNotified: false, message: 'Removed the saved Jobber sign-in from this computer.' });
    });
    act(() => fake.emit(snapshot(states.disconnected())));
    const done = screen.getByText('The saved sign-in was removed from this computer.').closest('[role="status"]');
    expect(done).toHaveTextContent('Detail: Removed the saved Jobber sign-in from this computer.');
    expect(screen.getByRole('button', { name: 'Connect' })).toBeInTheDocument();
    // Not the Disconnect wording: Jobber was never meant to be told.
    expect(screen.queryByText(/Jobber could not be told/)).toBeNull();
  });

  it('storage unavailable: the state stays, the confirm closes and the result is shown', async () => {
    const { fake, user } = await setup(states.storageUnavailable());
    await user.click(screen.getByRole('button', { name: 'Forget saved sign-in' }));
    await user.click(screen.getByRole('button', { name: 'Yes, forget it' }));
    expect(fake.api.disconnect).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('The saved sign-in was removed from this computer.')).toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Forget the saved sign-in?' })).toBeNull();
    expect(within(actionGroup()).getAllByRole('button').map((b) => b.textContent)).toEqual(['Open settings', 'Forget saved sign-in']);
  });

  it('a failure is reported with main’s message', async () => {
    const { fake, user } = await setup(states.storageUnavailable());
    fake.api.disconnect.mockResolvedValue({ ok: false, error: { kind: 'storage', message: 'EACCES on the connection file' } });
    await user.click(screen.getByRole('button', { name: 'Forget saved sign-in' }));
    await user.click(screen.getByRole('button', { name: 'Yes, forget it' }));
    const alert = await screen.findByText(/could not be stored securely/);
    expect(alert.closest('[role="alert"]')).toHaveTextContent('Detail: EACCES on the connection file');
  });
});
