/**
 * The access token's remaining life: a bar plus a live mm:ss countdown, derived from the issue and
 * expiry times main reports (never from the token itself).
 */
import { describeDuration, formatClock, formatCountdown } from '../time-format';

interface TokenLifeProps {
  issuedAt: number;
  expiresAt: number;
  now: number;
}

/** Remaining fraction of the token's lifetime, clamped to 0…1. */
export function remainingFraction(issuedAt: number, expiresAt: number, now: number): number {
  const lifetime = expiresAt - issuedAt;
  if (lifetime <= 0) return 0;
  return Math.min(1, Math.max(0, (expiresAt - now) / lifetime));
}

/** Bar and countdown for the access token. */
export function TokenLife({ issuedAt, expiresAt, now }: TokenLifeProps) {
  const remaining = Math.max(0, expiresAt - now);
  const fraction = remainingFraction(issuedAt, expiresAt, now);
  const percent = Math.round(fraction * 100);
  const level = fraction > 0.25 ? 'ok' : fraction > 0.08 ? 'low' : 'critical';
  const text = remaining > 0 ? `${describeDuration(remaining)} left` : 'Expired';
  return (
    <div className="token-life">
      <div className="token-life__header">
        <span id="token-life-label" className="token-life__label">
          Access token
        </span>
        <span className="token-life__countdown" data-testid="token-countdown">
          {remaining > 0 ? `${formatCountdown(remaining)} left` : 'Expired'}
        </span>
      </div>
      <div
        className="token-life__track"
        role="progressbar"
        aria-labelledby="token-life-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
      >
        <div className={`token-life__fill token-life__fill--${level}`} style={{ width: `${percent}%` }} />
      </div>
      <p className="token-life__note">Expires at {formatClock(expiresAt)}</p>
    </div>
  );
}
