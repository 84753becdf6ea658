/**
 * Time in words and numbers for the dashboard, with the platform's Intl formatters only (no date
 * library, to keep the bundle small). Times are shown in the person's local zone and locale.
 */

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** ISO string for a `<time dateTime>` attribute. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Local wall-clock time with seconds, e.g. "10:42:07 AM". */
export function formatClock(ms: number): string {
  return clockFormat.format(ms);
}

/** Local date and time, e.g. "2 Jun 2025, 10:42". */
export function formatDateTime(ms: number): string {
  return dateTimeFormat.format(ms);
}

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "in 5 minutes", "3 hours ago", "now": the largest whole unit that fits. */
export function formatRelative(ms: number, now: number): string {
  const delta = ms - now;
  const size = Math.abs(delta);
  for (const [unit, unitMs] of UNITS) {
    if (size >= unitMs || unit === 'second') {
      return relativeFormat.format(Math.trunc(delta / unitMs), unit);
    }
  }
  return relativeFormat.format(0, 'second');
}

/** A countdown as "mm:ss" or "h:mm:ss"; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}:${String(seconds).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}

/** A duration spelt out for assistive technology, e.g. "42 minutes 7 seconds". */
export function describeDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const parts: string[] = [];
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (minutes) parts.push(`${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`);
  if (seconds || parts.length === 0) parts.push(`${seconds} ${seconds === 1 ? 'second' : 'seconds'}`);
  return parts.join(' ');
}
