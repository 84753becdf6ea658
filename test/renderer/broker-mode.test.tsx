/** Broker mode in the renderer: the "Connect through" setting, the pairing confirmation, "via broker". */
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AppSnapshot, SettingsView } from '../../electron/ipc/contract';
import { App } from '../../renderer/app';
import { createFakeBridge, settingsView, snapshot, states } from '../support/renderer/fixtures';

async function openSettings(view: SettingsView) {
  const fake = createFakeBridge(snapshot(states.disconnected()));
  fake.api.getSettings.mockResolvedValue(view);
  const user = userEvent.setup();
  render(<App bridge={fake.api} />);
  await screen.findByTestId('status-badge');
  await user.click(screen.getByRole('button', { name: 'Settings' }));
  await screen.findByRole('radio', { name: 'Broker (URL)' });
  return { fake, user };
}

const save = () => screen.getByRole('button', { name: 'Save settings' });

describe('Connect through setting', () => {
  it('broker mode asks for the broker URL only, never the client ID or secret', async () => {
    const { fake, user } = await openSettings(settingsView({ clientId: '', clientSecretSaved: false }));
    expect(screen.getByRole('radio', { name: 'This computer' })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: 'Broker (URL)' }));
    expect(screen.getByLabelText('Client ID')).not.toBeVisible();
    expect(screen.getByLabelText('Client secret')).not.toBeVisible();

    await user.click(save());
    expect(fake.api.saveSettings).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Broker URL')).toHaveAccessibleDescription(/Broker URL is required to connect through a broker/);

    await user.type(screen.getByLabelText('Broker URL'), 'https://broker.example.com');
    await user.click(save());
    expect(fake.api.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ mode: 'jobber', connectThrough: 'broker', brokerUrl: 'https://broker.example.com' }),
    );
    expect(fake.api.saveSettings.mock.calls[0]?.[0]).not.toHaveProperty('clientSecret');
  });

  it('a build with a default broker lets the URL stay empty and says which broker is used', async () => {
    const { fake, user } = await openSettings(
      settingsView({ clientId: '', connectThrough: 'broker', builtInBrokerUrl: 'https://broker.jobberconnect.example' }),
    );
    expect(screen.getByLabelText('Broker URL')).toHaveAccessibleDescription(/built with \(https:\/\/broker\.jobberconnect\.example\)/);
    await user.click(save());
    expect(fake.api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ connectThrough: 'broker', brokerUrl: '' }));
  });

  it("shows main's broker URL error on the field", async () => {
    const { fake, user } = await openSettings(settingsView({ connectThrough: 'broker', brokerUrl: 'http://broker.example.com' }));
    fake.api.saveSettings.mockResolvedValue({
      ok: false,
      fieldErrors: { brokerUrl: 'Broker URL must use https:// (http:// is allowed only for 127.0.0.1, localhost or [::1]).' },
    });
    await user.click(save());
    await waitFor(() => expect(screen.getByLabelText('Broker URL')).toHaveAccessibleDescription(/Broker URL must use https:\/\//));
  });
});

describe('pairing confirmation', () => {
  const pairingSnapshot: AppSnapshot = {
    ...snapshot(states.disconnected()),
    broker: { host: 'broker.example.com' },
    pairing: { account: { id: 'acc-9', name: 'Green Acres Lawn Care' }, expiresAt: Date.now() + 600_000 },
  };

  it('names the account, focuses "Not my account", and connects only on confirm', async () => {
    const fake = createFakeBridge(pairingSnapshot);
    const user = userEvent.setup();
    render(<App bridge={fake.api} />);
    const dialog = await screen.findByRole('dialog', { name: 'Connect this Jobber account?' });
    expect(dialog).toHaveTextContent('Green Acres Lawn Care');
    expect(screen.getByRole('button', { name: 'Not my account' })).toHaveFocus();
    expect(fake.api.confirmPairing).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Connect this account' }));
    expect(fake.api.confirmPairing).toHaveBeenCalledTimes(1);
    expect(fake.api.declinePairing).not.toHaveBeenCalled();
  });

  it('decline calls declinePairing; a refused confirm shows main’s message', async () => {
    const fake = createFakeBridge(pairingSnapshot);
    fake.api.confirmPairing.mockResolvedValue({ ok: false, error: { kind: 'rejected-grant', message: 'The pairing link has expired.' } });
    const user = userEvent.setup();
    render(<App bridge={fake.api} />);
    await screen.findByRole('dialog');
    await user.click(screen.getByRole('button', { name: 'Connect this account' }));
    expect(await screen.findByText('The pairing link has expired.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Not my account' }));
    expect(fake.api.declinePairing).toHaveBeenCalledTimes(1);
  });

  it('no dialog without a pairing', async () => {
    const fake = createFakeBridge(snapshot(states.disconnected()));
    render(<App bridge={fake.api} />);
    await screen.findByTestId('status-badge');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});

describe('connection details in broker mode', () => {
  it('shows "via broker <host>" while connected', async () => {
    const fake = createFakeBridge({ ...snapshot(states.connected()), broker: { host: 'broker.example.com' } });
    render(<App bridge={fake.api} />);
    expect(await screen.findByTestId('via-broker')).toHaveTextContent('via broker broker.example.com');
  });
});
