/** The token countdown ticks every second from the issue/expiry times, driven by a fake clock. */
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/app';
import { MINUTE, T0, createFakeBridge, snapshot, states } from '../support/renderer/fixtures';

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

async function renderAt(state: Parameters<typeof snapshot>[0]) {
  const fake = createFakeBridge(snapshot(state));
  render(<App bridge={fake.api} />);
  // let getState() resolve under fake timers
  await act(async () => {
    await vi.advanceTimersByTimeAsync(0);
  });
  return fake;
}

describe('access token countdown', () => {
  it('counts down each second and shrinks the bar', async () => {
    await renderAt(states.connected());
    const countdown = screen.getByTestId('token-countdown');
    const bar = screen.getByRole('progressbar', { name: 'Access token' });
    expect(countdown).toHaveTextContent('45:00 left');
    expect(bar).toHaveAttribute('aria-valuenow', '75');
    expect(bar).toHaveAttribute('aria-valuetext', '45 minutes left');

    act(() => vi.advanceTimersByTime(1000));
    expect(countdown).toHaveTextContent('44:59 left');
    act(() => vi.advanceTimersByTime(4000));
    expect(countdown).toHaveTextContent('44:55 left');
    expect(bar).toHaveAttribute('aria-valuetext', '44 minutes 55 seconds left');

    act(() => vi.advanceTimersByTime(30 * MINUTE));
    expect(countdown).toHaveTextContent('14:55 left');
    expect(bar).toHaveAttribute('aria-valuenow', '25');
  });

  it('shows Expired and an empty bar once the expiry has passed', async () => {
    await renderAt(states.connected(T0, { accessTokenExpiresAt: T0 + 2000 }));
    act(() => vi.advanceTimersByTime(3000));
    expect(screen.getByTestId('token-countdown')).toHaveTextContent('Expired');
    expect(screen.getByRole('progressbar', { name: 'Access token' })).toHaveAttribute('aria-valuenow', '0');
  });

  it('follows a refreshed token from a new snapshot', async () => {
    const fake = await renderAt(states.connected());
    act(() => vi.advanceTimersByTime(10 * MINUTE));
    expect(screen.getByTestId('token-countdown')).toHaveTextContent('35:00 left');
    const now = T0 + 10 * MINUTE;
    act(() => fake.emit(snapshot(states.connected(now, { accessTokenIssuedAt: now, accessTokenExpiresAt: now + 60 * MINUTE }))));
    expect(screen.getByTestId('token-countdown')).toHaveTextContent('1:00:00 left');
    expect(screen.getByRole('progressbar', { name: 'Access token' })).toHaveAttribute('aria-valuenow', '100');
  });

  it('the next refresh time counts down too', async () => {
    await renderAt(states.connected(T0, { nextRefreshAt: T0 + 90_000 }));
    expect(screen.getByTestId('next-refresh')).toHaveTextContent('in 1 minute');
    act(() => vi.advanceTimersByTime(31_000));
    expect(screen.getByTestId('next-refresh')).toHaveTextContent('in 59 seconds');
  });

  it('the sign-in request shows how long it stays open', async () => {
    await renderAt(states.connecting());
    expect(screen.getByTestId('connect-countdown')).toHaveTextContent('10:00');
    act(() => vi.advanceTimersByTime(61_000));
    expect(screen.getByTestId('connect-countdown')).toHaveTextContent('8:59');
  });

  it('stops ticking when unmounted', async () => {
    const fake = createFakeBridge(snapshot(states.connected()));
    const { unmount } = render(<App bridge={fake.api} />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
