/**
 * The broker's schema, as an ordered list of migrations shared by both drivers. A migration is
 * applied once per schema, under an advisory lock so instances starting together do not race.
 * Never edit an applied migration: append a new one.
 */
import type { SqlDriver } from './sql-driver';

export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE grants (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  account_name text NOT NULL,
  -- live | disconnected-in-jobber | rejected
  status text NOT NULL,
  -- why a grant is not live (refused, answer-lost, webhook, api): the app's precise reason
  status_detail text,
  -- the encryption key both token ciphertexts were written with
  key_id text NOT NULL,
  access_token_enc text NOT NULL,
  refresh_token_enc text NOT NULL,
  access_issued_at bigint NOT NULL,
  access_expires_at bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX grants_account ON grants (account_id);
CREATE TABLE devices (
  credential_hash text PRIMARY KEY,
  grant_id text NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  created_at bigint NOT NULL
);
CREATE INDEX devices_grant ON devices (grant_id);
CREATE TABLE pending_connects (
  state_hash text PRIMARY KEY,
  code_challenge text NOT NULL,
  return_to text NOT NULL,
  app_state text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE TABLE handoffs (
  code_hash text PRIMARY KEY,
  grant_id text NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  code_challenge text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE TABLE pairings (
  code_hash text PRIMARY KEY,
  grant_id text NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  expires_at bigint NOT NULL
);
-- Written and committed before a refresh is sent, outside the lock's transaction: if the instance
-- dies before the answer is stored, the next holder knows Jobber may have rotated the token.
CREATE TABLE refresh_attempts (
  grant_id text PRIMARY KEY,
  refresh_fingerprint text NOT NULL,
  started_at bigint NOT NULL
);
CREATE TABLE webhook_deliveries (
  delivery_key text PRIMARY KEY,
  topic text NOT NULL,
  account_id text NOT NULL,
  received_at bigint NOT NULL
);
`,
  },
  {
    version: 2,
    sql: `
-- When the event occurred, by its occurredAt (null when it had none readable). Only records with a
-- time are ever pruned: an event without one cannot be told from a replay by its age. (No semicolons
-- in comments: migrate() splits statements on them.)
ALTER TABLE webhook_deliveries ADD COLUMN occurred_at bigint;
CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at);
`,
  },
];

/** Applies every migration `driver`'s schema lacks, in order. */
export async function migrate(driver: SqlDriver): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()))');
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)');
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.sql.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
        await tx.query(statement);
      }
      await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [migration.version, Date.now()]);
    }
  });
}
