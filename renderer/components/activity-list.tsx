/** Recent connection events from main (already redacted, newest first), with local times. */
import type { ActivityEntry } from '../../electron/ipc/contract';
import { formatClock, formatDateTime, isoTime } from '../time-format';
import { ACTIVITY_LEVEL_LABEL } from '../wording';

/** The activity panel. */
export function ActivityList({ entries }: { entries: readonly ActivityEntry[] }) {
  return (
    <section className="card activity" aria-labelledby="activity-heading">
      <header className="card__header">
        <h2 id="activity-heading" className="card__title">
          Activity
        </h2>
        <span className="muted small">{entries.length === 1 ? '1 event' : `${entries.length} events`}</span>
      </header>
      {entries.length === 0 ? (
        <p className="muted">No activity yet. Connection events will appear here.</p>
      ) : (
        <ol className="activity__list">
          {entries.map((entry, index) => (
            <li key={`${entry.at}-${index}`} className={`activity__item activity__item--${entry.level}`}>
              <time className="activity__time" dateTime={isoTime(entry.at)} title={formatDateTime(entry.at)}>
                {formatClock(entry.at)}
              </time>
              <span className={`level level--${entry.level}`}>{ACTIVITY_LEVEL_LABEL[entry.level]}</span>
              <span className="activity__message">{entry.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
