/** The settings view: inline validation, main's field errors, and a write-only client secret. */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SaveSettingsResult, SettingsView } from '../../electron/ipc/contract';
import { App } from '../../renderer/app';
import { createFakeBridge, settingsView, snapshot, states } from '../support/renderer/fixtures';
import { deferred } from '../support/deferred';

async function openSettings(view: SettingsView = settingsView()) {
  const fake = createFakeBridge(snapshot(states.disconnected()));
  fake.api.getSettings.mockResolvedValue(view);
  const user = userEvent.setup();
  const utils = render(<App bridge={fake.api} />);
  await screen.findByTestId('status-badge');
  await user.click(screen.getByRole('button', { name: 'Settings' }));
  await screen.findByLabelText('Client ID');
  return { fake, user, ...utils };
}

const save = () => screen.getByRole('button', { name: 'Save settings' });

describe('settings form', () => {
  it('loads the current values; the tab is marked current', async () => {
    await openSettings(settingsView({ authMode: 'system-browser', mode: 'sandbox', allowWeakStorage: true }));
    expect(screen.getByRole('button', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByLabelText('Client ID')).toHaveValue('client-abc123');
    expect(screen.getByLabelText('Redirect URI')).toHaveValue('com.jobberconnect.app:/oauth/callback');
    expect(screen.getByLabelText('GraphQL API version')).toHaveValue('2025-04-16');
    expect(screen.getByRole('radio', { name: 'Sandbox' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'System browser' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Allow weak storage' })).toBeChecked();
    expect(screen.getByText(/Weak storage is allowed/)).toBeInTheDocument();
  });

  it('shows client-side validation messages inline, linked with aria-describedby, and does not save', async () => {
    const { fake, user } = await openSettings();
    await user.clear(screen.getByLabelText('Client ID'));
    await user.clear(screen.getByLabelText('Redirect URI'));
    await user.type(screen.getByLabelText('Redirect URI'), 'http://example.com/cb');
    await user.clear(screen.getByLabelText('GraphQL API version'));
    await user.type(screen.getByLabelText('GraphQL API version'), '2025-02-30');
    await user.click(save());

    expect(fake.api.saveSettings).not.toHaveBeenCalled();
    const clientId = screen.getByLabelText('Client ID');
    expect(clientId).toHaveAttribute('aria-invalid', 'true');
    expect(clientId).toHaveAccessibleDescription(/Client ID is required to connect to Jobber/);
    expect(clientId).toHaveFocus();
    expect(screen.getByLabelText('Client secret')).toHaveAccessibleDescription(/Client secret is required to connect to Jobber/);
    expect(screen.getByLabelText('Redirect URI')).toHaveAccessibleDescription(/Redirect URI may only use http:\/\/ on this computer/);
    expect(screen.getByLabelText('GraphQL API version')).toHaveAccessibleDescription(/GraphQL API version is not a real date/);

    // fixing a field clears its message
    await user.type(screen.getByLabelText('Client ID'), 'abc');
    expect(screen.getByLabelText('Client ID')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByText(/Client ID is required/)).not.toBeInTheDocument();
  });

  it('refuses what main refuses: a custom scheme that is not a reverse domain name', async () => {
    const { fake, user } = await openSettings(settingsView({ clientSecretSaved: true }));
    await user.clear(screen.getByLabelText('Redirect URI'));
    await user.type(screen.getByLabelText('Redirect URI'), 'myapp:/cb');
    await user.click(save());
    expect(fake.api.saveSettings).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Redirect URI')).toHaveAccessibleDescription(/Redirect URI needs a custom scheme that is a reverse domain name/);
  });

  it('shows the field errors main returns', async () => {
    const { fake, user } = await openSettings(settingsView({ clientSecretSaved: true }));
    fake.api.saveSettings.mockResolvedValue({
      ok: false,
      fieldErrors: { redirectUri: 'This redirect URI is not registered for this client.' },
    });
    await user.click(save());
    expect(fake.api.saveSettings).toHaveBeenCalledTimes(1);
    const input = screen.getByLabelText('Redirect URI');
    await waitFor(() => expect(input).toHaveAccessibleDescription(/This redirect URI is not registered for this client\./));
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveFocus();
    expect(screen.getByRole('alert')).toHaveTextContent(/were not saved/);
  });

  it('sends the edited values, omits an empty secret, and disables Save while pending', async () => {
    const { fake, user } = await openSettings(settingsView({ clientSecretSaved: true }));
    const pending = deferred<SaveSettingsResult>();
    fake.api.saveSettings.mockReturnValue(pending.promise);
    await user.click(screen.getByRole('radio', { name: 'System browser' }));
    await user.clear(screen.getByLabelText('Redirect URI'));
    await user.type(screen.getByLabelText('Redirect URI'), 'http://127.0.0.1:8765/callback');
    await user.click(save());

    expect(fake.api.saveSettings).toHaveBeenCalledWith({
      mode: 'jobber',
      clientId: 'client-abc123',
      redirectUri: 'http://127.0.0.1:8765/callback',
      authMode: 'system-browser',
      graphqlVersion: '2025-04-16',
      allowWeakStorage: false,
      connectThrough: 'this-computer',
      brokerUrl: '',
    });
    expect(screen.getByRole('button', { name: 'Saving…' })).toBeDisabled();
    await act(async () => pending.resolve({ ok: true, settings: settingsView({ clientSecretSaved: true }) }));
    expect(screen.getByRole('status')).toHaveTextContent('Settings saved.');
  });

  it('sandbox mode needs no client ID', async () => {
    const { fake, user } = await openSettings(settingsView({ clientId: '' }));
    await user.click(screen.getByRole('radio', { name: 'Sandbox' }));
    await user.click(save());
    expect(fake.api.saveSettings).toHaveBeenCalledTimes(1);
  });

  it('never echoes the client secret', async () => {
    const secret = 'sEcReT-value-9f8e7d';
    const { fake, user, container } = await openSettings(settingsView({ clientSecretSaved: false }));
    const field = screen.getByLabelText('Client secret');
    expect(field).toHaveAttribute('type', 'password');
    expect(field).toHaveValue('');
    expect(field).toHaveAccessibleDescription(/No secret is saved yet/);

    await user.type(field, secret);
    // typed but not saved: the value lives only in the input's property, never in markup
    expect(container.innerHTML).not.toContain(secret);

    await user.click(save());
    expect(fake.api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ clientSecret: secret }));
    await screen.findByText('Settings saved.');

    const after = screen.getByLabelText('Client secret');
    expect(after).toHaveValue('');
    expect(after).toHaveAccessibleDescription(/A secret is saved/);
    expect(document.documentElement.outerHTML).not.toContain(secret);
    expect(document.body.textContent).not.toContain(secret);
    for (const input of Array.from(document.querySelectorAll('input'))) expect(input.value).not.toBe(secret);
  });

  it('keeps the secret out of the DOM when reopened with a saved secret', async () => {
    const secret = 'another-secret-123';
    const { user, unmount } = await openSettings(settingsView({ clientSecretSaved: false }));
    await user.type(screen.getByLabelText('Client secret'), secret);
    await user.click(save());
    await screen.findByText('Settings saved.');
    unmount();

    await openSettings(settingsView({ clientSecretSaved: true }));
    expect(screen.getByLabelText('Client secret')).toHaveValue('');
    expect(screen.getByText(/A secret is saved\. Leave this empty to keep it/)).toBeInTheDocument();
    expect(document.documentElement.outerHTML).not.toContain(secret);
  });

  it('Back to connection returns to the dashboard', async () => {
    const { user } = await openSettings();
    await user.click(screen.getByRole('button', { name: 'Back to connection' }));
    expect(screen.getByRole('region', { name: 'Jobber connection' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Views' })).getByRole('button', { name: 'Connection' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('explains when the settings cannot be loaded', async () => {
    const fake = createFakeBridge(snapshot(states.disconnected()));
    fake.api.getSettings.mockRejectedValue(new Error('get-settings failed'));
    render(<App bridge={fake.api} initialView="settings" />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('get-settings failed');
  });
});
