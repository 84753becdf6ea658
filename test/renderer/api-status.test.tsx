/** What Jobber's API said about the account and the API version, as the person sees it. */
import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiStatus, ConnectionState } from '../../electron/ipc/contract';
import { App } from '../../renderer/app';
import { T0, createFakeBridge, snapshot, states } from '../support/renderer/fixtures';

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function renderWith(state: ConnectionState, api: ApiStatus) {
  render(<App bridge={createFakeBridge(snapshot(state, { api })).api} />);
  return screen.findByTestId('status-badge');
}

const WARNING = 'API version 2025-04-16 is deprecated: it will no longer be available after 2026-10-16. Upgrade to a newer version.';

describe('account and API version', () => {
  it('an inactive Jobber account is its own needs-attention state, with its own wording', async () => {
    const badge = await renderWith(states.connected(), { version: '2025-04-16', versionWarning: null, account: 'inactive' });
    expect(badge).toHaveTextContent('Needs attention');
    expect(badge).toHaveAttribute('data-status', 'account-inactive');
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Jobber says the account Green Acres Lawn Care is not active, so the app cannot use it. Check the account’s subscription in Jobber.',
    );
  });

  it('an active account shows the usual badge and no account notice', async () => {
    const badge = await renderWith(states.connected(), { version: '2025-04-16', versionWarning: null, account: 'active' });
    expect(badge).toHaveTextContent('Connected');
    expect(screen.queryByText(/is not active/)).toBeNull();
  });

  it('a version warning is a dashboard notice naming the version in use and its end date', async () => {
    await renderWith(states.connected(), {
      version: '2025-04-16',
      versionWarning: { version: '2025-04-16', endsOn: '2026-10-16', message: WARNING },
      account: 'active',
    });
    expect(
      screen.getByText('This app uses Jobber API version 2025-04-16, which Jobber stops serving after 2026-10-16. Choose a newer API version in Settings (or update the app) before then.'),
    ).toBeInTheDocument();
    expect(screen.getByText(`Detail: ${WARNING}`)).toBeInTheDocument();
  });

  it('the details panel shows the version Jobber actually answered with', async () => {
    // Asked for a removed version, silently upgraded: the answer's version is what is shown.
    await renderWith(states.connected(), { version: '2026-04-01', versionWarning: null, account: 'active' });
    expect(screen.getByTestId('api-version')).toHaveTextContent('2026-04-01 (as Jobber answered)');
  });

  it('no version row before Jobber has answered', async () => {
    await renderWith(states.connected(), { version: null, versionWarning: null, account: 'unknown' });
    expect(screen.queryByTestId('api-version')).toBeNull();
  });
});
