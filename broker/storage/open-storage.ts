/**
 * Opens the configured store: PostgreSQL when a connection string is given (several instances),
 * else PGlite in a data folder (the default). Applies migrations before anything uses it.
 */
import type { PGlite } from '@electric-sql/pglite';
import { BrokerStorage } from './broker-storage';
import { migrate } from './migrations';
import { openPgliteDriver } from './pglite-driver';
import { openPostgresDriver } from './postgres-driver';
import type { SqlDriver } from './sql-driver';
import type { TokenCipher } from '../crypto/token-cipher';

export type StorageTarget =
  | { engine: 'pglite'; dataDir: string | PGlite; schema?: string }
  | { engine: 'postgres'; connectionString: string; schema?: string; poolSize?: number };

export const DEFAULT_SCHEMA = 'broker';

export async function openStorage(target: StorageTarget, cipher: TokenCipher): Promise<BrokerStorage> {
  const schema = target.schema ?? DEFAULT_SCHEMA;
  const driver: SqlDriver =
    target.engine === 'postgres'
      ? await openPostgresDriver({ connectionString: target.connectionString, schema, poolSize: target.poolSize })
      : await openPgliteDriver(target.dataDir, schema);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return new BrokerStorage(driver, cipher, schema);
}
