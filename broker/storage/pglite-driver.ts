/**
 * SqlDriver over PGlite (PostgreSQL compiled to WebAssembly) with its data in a folder on disk:
 * the broker's default store, no server needed, one process per folder.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { KeyedMutex, quoteIdent, type SqlDriver, type SqlExecutor } from './sql-driver';

/**
 * Opens (creating if needed) the PGlite database in `dataDir`, with `schema` as the search path.
 * Given an open PGlite instead (tests sharing one per file), it uses it and leaves it open on close.
 */
export async function openPgliteDriver(source: string | PGlite, schema: string): Promise<SqlDriver> {
  let db: PGlite;
  if (typeof source === 'string') {
    mkdirSync(source, { recursive: true, mode: 0o700 });
    db = await PGlite.create(source);
  } else {
    db = source;
  }
  // One connection: the search path set here holds for every later statement.
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}; SET search_path TO ${quoteIdent(schema)}`);
  const locks = new KeyedMutex();
  const run = async <T>(executor: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<T[]> =>
    (await executor.query<T>(sql, params ? [...params] : undefined)).rows;
  const plain: SqlExecutor = { query: (sql, params) => run(db, sql, params) };
  return {
    engine: 'pglite',
    query: plain.query,
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    withRowLock: (key, fn) => locks.run(key, () => fn(plain)),
    autonomous: plain,
    listen: async (channel, onPayload) => {
      const unlisten = await db.listen(channel, onPayload);
      return () => unlisten();
    },
    close: async () => {
      if (typeof source === 'string') await db.close();
    },
  };
}
