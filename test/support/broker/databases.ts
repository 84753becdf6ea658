/**
 * The databases broker tests run on: one PGlite data folder per test file (creating one takes
 * seconds) and the PostgreSQL server named by BROKER_TEST_DATABASE_URL. Every test gets its own
 * schema, so runs and tests never see each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { StorageTarget } from '../../../broker/storage/open-storage';

export type Engine = 'pglite' | 'postgres';

export const POSTGRES_URL = process.env.BROKER_TEST_DATABASE_URL ?? '';

export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** One PGlite in a temporary folder, shared by the tests of a file. */
export class SharedPglite {
  private db: PGlite | null = null;
  private dir: string | null = null;

  async open(): Promise<PGlite> {
    this.dir ??= mkdtempSync(path.join(tmpdir(), 'broker-pglite-'));
    this.db ??= await PGlite.create(this.dir);
    return this.db;
  }

  async close(): Promise<void> {
    await this.db?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.db = null;
    this.dir = null;
  }
}

/** Reads rows of the broker's tables in `schema`, from outside the broker (for "nothing changed"). */
export interface RowReader {
  rows(table: string, orderBy?: string): Promise<Record<string, unknown>[]>;
  /** Runs a statement in the schema (test setup only). */
  exec(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function rowReader(engine: Engine, schema: string, pglite?: PGlite): Promise<RowReader> {
  if (engine === 'pglite') {
    if (!pglite) throw new Error('pglite instance required');
    return {
      rows: async (table, orderBy = '1') => (await pglite.query<Record<string, unknown>>(`SELECT * FROM "${schema}".${table} ORDER BY ${orderBy}`)).rows,
      exec: async (sql, params) => void (await pglite.query(sql, params)),
      close: async () => {},
    };
  }
  const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path="${schema}"` });
  await client.connect();
  return {
    rows: async (table, orderBy = '1') => (await client.query<Record<string, unknown>>(`SELECT * FROM "${schema}".${table} ORDER BY ${orderBy}`)).rows,
    exec: async (sql, params) => void (await client.query(sql, params)),
    close: () => client.end(),
  };
}

export function storageTarget(engine: Engine, schema: string, pglite?: PGlite): StorageTarget {
  if (engine === 'postgres') return { engine: 'postgres', connectionString: POSTGRES_URL, schema };
  if (!pglite) throw new Error('pglite instance required');
  return { engine: 'pglite', dataDir: pglite, schema };
}

/** Drops a test schema on PostgreSQL (PGlite folders are deleted whole). */
export async function dropSchema(engine: Engine, schema: string): Promise<void> {
  if (engine !== 'postgres') return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
