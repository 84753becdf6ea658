/**
 * The bounded, redacted activity list the person sees ("Token renewed", "Jobber can't be reached").
 * Every entry passes through redact() before it is stored and is mirrored to the logger. Holds no
 * state beyond the entries; the session decides what is worth recording.
 */
import type { ActivityEntry } from '../ipc/connection-state';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { redact } from '../core/redact';

export const MAX_ACTIVITY_ENTRIES = 50;

export interface ActivityLogOptions {
  clock: Clock;
  logger: Logger;
  maxEntries?: number;
  /** Called after every new entry (the session republishes its snapshot). */
  onChange?: () => void;
}

export class ActivityLog {
  private readonly entriesNewestFirst: ActivityEntry[] = [];
  private readonly maxEntries: number;

  constructor(private readonly options: ActivityLogOptions) {
    this.maxEntries = Math.max(1, options.maxEntries ?? MAX_ACTIVITY_ENTRIES);
  }

  /** Records `message` (redacted) at `level`; `fields` go to the logger only. */
  add(level: ActivityEntry['level'], message: string, fields?: Record<string, unknown>): ActivityEntry {
    const entry: ActivityEntry = { at: this.options.clock.now(), level, message: redact(message) };
    this.entriesNewestFirst.unshift(entry);
    if (this.entriesNewestFirst.length > this.maxEntries) this.entriesNewestFirst.length = this.maxEntries;
    const log = level === 'info' ? this.options.logger.info : level === 'warning' ? this.options.logger.warn : this.options.logger.error;
    log.call(this.options.logger, entry.message, fields);
    this.options.onChange?.();
    return entry;
  }

  info(message: string, fields?: Record<string, unknown>): ActivityEntry {
    return this.add('info', message, fields);
  }

  warning(message: string, fields?: Record<string, unknown>): ActivityEntry {
    return this.add('warning', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): ActivityEntry {
    return this.add('error', message, fields);
  }

  /** Copies of the entries, newest first. */
  entries(): ActivityEntry[] {
    return this.entriesNewestFirst.map((entry) => ({ ...entry }));
  }
}

/** Two lists' entries (the session's and the shell's), newest first, bounded like one list. */
export function mergeActivity(session: ActivityEntry[], shell: ActivityEntry[]): ActivityEntry[] {
  if (shell.length === 0) return session;
  // Stable sort: at equal times the shell's note, a reaction to what the session just did, goes first.
  return [...shell, ...session].sort((a, b) => b.at - a.at).slice(0, MAX_ACTIVITY_ENTRIES);
}
