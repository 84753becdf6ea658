/**
 * The one seam between the broker's SQL and a database engine. Two drivers implement it with the
 * same SQL text: PGlite (embedded, one process) and PostgreSQL over `pg` (several instances).
 * Everything above this file is engine-agnostic.
 */

export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface SqlDriver extends SqlExecutor {
  readonly engine: 'pglite' | 'postgres';
  /** All-or-nothing; committed before the promise resolves. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` as the only holder of `key` across every process sharing the database. On
   * PostgreSQL: a transaction whose first statement is the caller's `SELECT … FOR UPDATE`, kept
   * open while `fn` runs (a crashed holder's connection drops and the lock goes with it). On
   * PGlite (one process owns the folder): an in-process mutex per key, statements autocommit,
   * because a PGlite transaction would block every other query for as long as `fn` waits on Jobber.
   */
  withRowLock<T>(key: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Statements that commit at once on a connection of their own, even while the caller holds row
   * locks on every connection of the main pool (else a marker written under the lock could wait
   * for a pool slot forever).
   */
  readonly autonomous: SqlExecutor;
  /** Subscribes to NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A small keyed mutex: callers for the same key run one after another. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Quotes an identifier (a schema name) for SQL. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid schema name "${name}": use lower-case letters, digits and _`);
  return `"${name}"`;
}
