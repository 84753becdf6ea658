/**
 * SqlDriver over a PostgreSQL server (`pg` pool): what several broker instances share. Row locks
 * are real `SELECT … FOR UPDATE` locks held in a transaction; NOTIFY reaches every instance.
 */
import pg from 'pg';
import { quoteIdent, type SqlDriver, type SqlExecutor } from './sql-driver';

function executor(client: Pick<pg.PoolClient, 'query'>): SqlExecutor {
  return {
    query: async <T>(sql: string, params?: readonly unknown[]) =>
      (await client.query(sql, params ? [...params] : undefined)).rows as T[],
  };
}

export interface PostgresDriverOptions {
  connectionString: string;
  schema: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/** Connects to PostgreSQL and makes sure `schema` exists; every connection uses it. */
export async function openPostgresDriver(options: PostgresDriverOptions): Promise<SqlDriver> {
  const schema = quoteIdent(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    options: `-c search_path=${schema}`,
  });
  const sidePool = new pg.Pool({ connectionString: options.connectionString, max: 2, options: `-c search_path=${schema}` });
  // An idle client whose server went away must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  sidePool.on('error', () => {});
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);

  async function transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  let listener: pg.Client | null = null;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  async function listenerClient(): Promise<pg.Client> {
    if (listener) return listener;
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on('error', () => {});
    client.on('notification', (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    await client.connect();
    listener = client;
    return client;
  }

  return {
    engine: 'postgres',
    query: (sql, params) => executor(pool).query(sql, params),
    transaction,
    withRowLock: (_key, fn) => transaction(fn),
    autonomous: executor(sidePool),
    listen: async (channel, onPayload) => {
      const client = await listenerClient();
      const set = handlers.get(channel) ?? new Set();
      if (set.size === 0) await client.query(`LISTEN ${quoteIdent(channel)}`);
      set.add(onPayload);
      handlers.set(channel, set);
      return async () => {
        set.delete(onPayload);
        if (set.size === 0 && listener) await listener.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
      };
    },
    close: async () => {
      await listener?.end().catch(() => undefined);
      listener = null;
      await pool.end();
      await sidePool.end();
    },
  };
}
