/**
 * The broker's one storage interface and its implementation over a SqlDriver (PGlite or
 * PostgreSQL, same SQL). It owns encryption at rest: tokens go in and come out as plain strings,
 * are stored as AES-256-GCM ciphertexts with the key id beside them. Codes and credentials arrive
 * already hashed (secrets.ts); the raw values never reach the database.
 */
import type { SqlDriver, SqlExecutor } from './sql-driver';
import type { TokenCipher } from '../crypto/token-cipher';

/** How long an ended grant (and its devices) is kept so a device can still learn why it ended. */
export const DEAD_GRANT_RETENTION_MS = 30 * 24 * 60 * 60_000;
/**
 * How long a webhook delivery's key is remembered, so a redelivery or a replay is ignored. Jobber
 * delivers at least once and does not say for how long it retries; the webhook route ignores events
 * that occurred longer ago than this, since their keys may already be forgotten. The same span as
 * DEAD_GRANT_RETENTION_MS by choice, not by necessity.
 */
export const WEBHOOK_DELIVERY_RETENTION_MS = DEAD_GRANT_RETENTION_MS;

export type GrantStatus = 'live' | 'disconnected-in-jobber' | 'rejected';

/** Why a grant is no longer live, for the app's message. */
export type GrantStatusDetail = 'refused' | 'answer-lost' | 'webhook' | 'api';

export interface Account {
  id: string;
  name: string;
}

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenIssuedAt: number;
  accessTokenExpiresAt: number;
}

export interface GrantRecord {
  id: string;
  account: Account;
  status: GrantStatus;
  statusDetail: GrantStatusDetail | null;
  tokens: StoredTokens;
}

export interface PendingConnect {
  codeChallenge: string;
  returnTo: string;
  appState: string;
  expiresAt: number;
}

/** Statements made while holding a grant's refresh lock. */
export interface LockedGrant {
  /** The grant as it is now, read under the lock; null if it is gone. */
  grant: GrantRecord | null;
  /** The refresh token fingerprint of an attempt that never recorded its result, if any. */
  unfinishedAttempt: string | null;
  /** Commits at once (outside the lock's transaction): survives this process dying mid-call. */
  recordAttempt(refreshFingerprint: string, now: number): Promise<void>;
  /** Stores the new pair and clears the attempt; committed before withRefreshLock resolves. */
  saveTokens(tokens: StoredTokens, now: number): Promise<void>;
  /** Marks the grant not live and clears the attempt. */
  setStatus(status: Exclude<GrantStatus, 'live'>, detail: GrantStatusDetail, now: number): Promise<void>;
}

const GRANT_CHANNEL = 'broker_grant_changes';

interface GrantRow {
  id: string;
  account_id: string;
  account_name: string;
  status: GrantStatus;
  status_detail: GrantStatusDetail | null;
  key_id: string;
  access_token_enc: string;
  refresh_token_enc: string;
  access_issued_at: string | number;
  access_expires_at: string | number;
}

const GRANT_COLUMNS =
  'g.id, g.account_id, g.account_name, g.status, g.status_detail, g.key_id, g.access_token_enc, g.refresh_token_enc, g.access_issued_at, g.access_expires_at';

export class BrokerStorage {
  constructor(
    private readonly driver: SqlDriver,
    private readonly cipher: TokenCipher,
    /** Distinguishes this schema's notifications from another schema's on the same server. */
    private readonly schema: string,
  ) {}

  get engine(): SqlDriver['engine'] {
    return this.driver.engine;
  }

  async ping(): Promise<void> {
    await this.driver.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  // ---- app-started connect -------------------------------------------------------------

  async addPendingConnect(stateHash: string, pending: PendingConnect): Promise<void> {
    await this.driver.query(
      'INSERT INTO pending_connects (state_hash, code_challenge, return_to, app_state, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [stateHash, pending.codeChallenge, pending.returnTo, pending.appState, pending.expiresAt],
    );
  }

  /** Single use: the row is gone after this, whether or not it had expired. */
  async takePendingConnect(stateHash: string, now: number): Promise<PendingConnect | 'expired' | null> {
    const rows = await this.driver.query<{ code_challenge: string; return_to: string; app_state: string; expires_at: string }>(
      'DELETE FROM pending_connects WHERE state_hash = $1 RETURNING code_challenge, return_to, app_state, expires_at',
      [stateHash],
    );
    const row = rows[0];
    if (!row) return null;
    const expiresAt = Number(row.expires_at);
    if (now >= expiresAt) return 'expired';
    return { codeChallenge: row.code_challenge, returnTo: row.return_to, appState: row.app_state, expiresAt };
  }

  // ---- grants ------------------------------------------------------------------------

  async createGrant(id: string, account: Account, tokens: StoredTokens, now: number): Promise<void> {
    const sealed = this.seal(id, tokens);
    await this.driver.query(
      `INSERT INTO grants (id, account_id, account_name, status, status_detail, key_id, access_token_enc, refresh_token_enc,
         access_issued_at, access_expires_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'live', NULL, $4, $5, $6, $7, $8, $9, $9)`,
      [id, account.id, account.name, sealed.keyId, sealed.access, sealed.refresh, tokens.accessTokenIssuedAt, tokens.accessTokenExpiresAt, now],
    );
  }

  /** The grant a device credential belongs to, or null if the credential is unknown. */
  async grantForDevice(credentialHash: string): Promise<GrantRecord | null> {
    const rows = await this.driver.query<GrantRow>(
      `SELECT ${GRANT_COLUMNS} FROM devices d JOIN grants g ON g.id = d.grant_id WHERE d.credential_hash = $1`,
      [credentialHash],
    );
    return rows[0] ? this.open(rows[0]) : null;
  }

  async grantStatus(grantId: string): Promise<GrantStatus | null> {
    const rows = await this.driver.query<{ status: GrantStatus }>('SELECT status FROM grants WHERE id = $1', [grantId]);
    return rows[0]?.status ?? null;
  }

  async accountOf(grantId: string): Promise<Account | null> {
    const rows = await this.driver.query<{ account_id: string; account_name: string }>(
      'SELECT account_id, account_name FROM grants WHERE id = $1',
      [grantId],
    );
    return rows[0] ? { id: rows[0].account_id, name: rows[0].account_name } : null;
  }

  /** Deletes the grant; its devices, handoffs and pairings go with it (ON DELETE CASCADE). */
  async deleteGrant(grantId: string): Promise<void> {
    await this.driver.transaction(async (tx) => {
      await tx.query('DELETE FROM refresh_attempts WHERE grant_id = $1', [grantId]);
      await tx.query('DELETE FROM grants WHERE id = $1', [grantId]);
    });
    await this.notifyGrantChange(grantId);
  }

  /**
   * Runs `fn` as the only refresher of the grant across every instance (driver.withRowLock) and
   * commits what it stored before resolving.
   */
  withRefreshLock<T>(grantId: string, fn: (locked: LockedGrant) => Promise<T>): Promise<T> {
    return this.driver.withRowLock(`grant:${grantId}`, async (tx) => {
      // NO KEY UPDATE: blocks other refreshers but not the foreign-key checks of a new device row.
      const rows = await tx.query<GrantRow>(`SELECT ${GRANT_COLUMNS} FROM grants g WHERE g.id = $1 FOR NO KEY UPDATE`, [grantId]);
      const attempts = await tx.query<{ refresh_fingerprint: string }>('SELECT refresh_fingerprint FROM refresh_attempts WHERE grant_id = $1', [grantId]);
      const locked: LockedGrant = {
        grant: rows[0] ? this.open(rows[0]) : null,
        unfinishedAttempt: attempts[0]?.refresh_fingerprint ?? null,
        recordAttempt: async (fingerprint, now) => {
          await this.driver.autonomous.query(
            `INSERT INTO refresh_attempts (grant_id, refresh_fingerprint, started_at) VALUES ($1, $2, $3)
             ON CONFLICT (grant_id) DO UPDATE SET refresh_fingerprint = EXCLUDED.refresh_fingerprint, started_at = EXCLUDED.started_at`,
            [grantId, fingerprint, now],
          );
        },
        saveTokens: async (tokens, now) => {
          const sealed = this.seal(grantId, tokens);
          await tx.query(
            `WITH cleared AS (DELETE FROM refresh_attempts WHERE grant_id = $1)
             UPDATE grants SET key_id = $2, access_token_enc = $3, refresh_token_enc = $4, access_issued_at = $5,
               access_expires_at = $6, updated_at = $7 WHERE id = $1`,
            [grantId, sealed.keyId, sealed.access, sealed.refresh, tokens.accessTokenIssuedAt, tokens.accessTokenExpiresAt, now],
          );
        },
        setStatus: (status, detail, now) => this.setStatus(tx, grantId, status, detail, now),
      };
      return fn(locked);
    });
  }

  private async setStatus(tx: SqlExecutor, grantId: string, status: GrantStatus, detail: GrantStatusDetail, now: number): Promise<void> {
    await tx.query(
      `WITH cleared AS (DELETE FROM refresh_attempts WHERE grant_id = $1)
       UPDATE grants SET status = $2, status_detail = $3, updated_at = $4 WHERE id = $1`,
      [grantId, status, detail, now],
    );
  }

  /** Marks every live grant of the account disconnected; returns their ids. */
  async disconnectAccount(accountId: string, now: number): Promise<string[]> {
    const rows = await this.driver.query<{ id: string }>(
      `UPDATE grants SET status = 'disconnected-in-jobber', status_detail = 'webhook', updated_at = $2
       WHERE account_id = $1 AND status = 'live' RETURNING id`,
      [accountId, now],
    );
    const ids = rows.map((row) => row.id);
    for (const id of ids) await this.notifyGrantChange(id);
    return ids;
  }

  /** Marks one grant not live outside a refresh (Jobber's API said so) and tells listeners. */
  async markGrant(grantId: string, status: Exclude<GrantStatus, 'live'>, detail: GrantStatusDetail, now: number): Promise<void> {
    await this.setStatus(this.driver, grantId, status, detail, now);
    await this.notifyGrantChange(grantId);
  }

  // ---- handoffs, pairings, devices ----------------------------------------------------

  async addHandoff(codeHash: string, grantId: string, codeChallenge: string, expiresAt: number): Promise<void> {
    await this.driver.query('INSERT INTO handoffs (code_hash, grant_id, code_challenge, expires_at) VALUES ($1, $2, $3, $4)', [
      codeHash,
      grantId,
      codeChallenge,
      expiresAt,
    ]);
  }

  /** Single use: consumed whatever the caller then decides (a wrong verifier burns it too). */
  async takeHandoff(codeHash: string, now: number): Promise<{ grantId: string; codeChallenge: string } | null> {
    const rows = await this.driver.query<{ grant_id: string; code_challenge: string; expires_at: string }>(
      'DELETE FROM handoffs WHERE code_hash = $1 RETURNING grant_id, code_challenge, expires_at',
      [codeHash],
    );
    const row = rows[0];
    if (!row || now >= Number(row.expires_at)) return null;
    return { grantId: row.grant_id, codeChallenge: row.code_challenge };
  }

  async addPairing(codeHash: string, grantId: string, expiresAt: number): Promise<void> {
    await this.driver.query('INSERT INTO pairings (code_hash, grant_id, expires_at) VALUES ($1, $2, $3)', [codeHash, grantId, expiresAt]);
  }

  /** Reads without consuming; null if unknown or expired. */
  async peekPairing(codeHash: string, now: number): Promise<{ grantId: string; expiresAt: number } | null> {
    const rows = await this.driver.query<{ grant_id: string; expires_at: string }>(
      'SELECT grant_id, expires_at FROM pairings WHERE code_hash = $1 AND expires_at > $2',
      [codeHash, now],
    );
    return rows[0] ? { grantId: rows[0].grant_id, expiresAt: Number(rows[0].expires_at) } : null;
  }

  async takePairing(codeHash: string, now: number): Promise<string | null> {
    const rows = await this.driver.query<{ grant_id: string; expires_at: string }>(
      'DELETE FROM pairings WHERE code_hash = $1 RETURNING grant_id, expires_at',
      [codeHash],
    );
    const row = rows[0];
    return row && now < Number(row.expires_at) ? row.grant_id : null;
  }

  async addDevice(credentialHash: string, grantId: string, now: number): Promise<void> {
    await this.driver.query('INSERT INTO devices (credential_hash, grant_id, created_at) VALUES ($1, $2, $3)', [credentialHash, grantId, now]);
  }

  /**
   * Drops expired connects, handoffs and pairings (their rows are useless once expired), and grants
   * that ended (disconnected in Jobber, refused) more than DEAD_GRANT_RETENTION_MS ago, with their
   * device credentials: until then a device still learns why (410 with the reason); after that its
   * credential is simply unknown (401), and no dead refresh token is kept for ever. Webhook delivery
   * keys go after WEBHOOK_DELIVERY_RETENTION_MS.
   */
  async pruneExpired(now: number): Promise<void> {
    for (const table of ['pending_connects', 'handoffs', 'pairings']) {
      await this.driver.query(`DELETE FROM ${table} WHERE expires_at <= $1`, [now]);
    }
    await this.driver.query(`DELETE FROM grants WHERE status <> 'live' AND updated_at <= $1`, [now - DEAD_GRANT_RETENTION_MS]);
    // refresh_attempts has no foreign key (it is written outside the grant's lock): tidy it by hand.
    await this.driver.query('DELETE FROM refresh_attempts WHERE grant_id NOT IN (SELECT id FROM grants)');
    await this.driver.query('DELETE FROM webhook_deliveries WHERE received_at <= $1 AND occurred_at IS NOT NULL', [
      now - WEBHOOK_DELIVERY_RETENTION_MS,
    ]);
  }

  // ---- webhooks ------------------------------------------------------------------------

  /**
   * Records a delivery; false when it was seen before (a redelivery or a replay). `occurredAt` null
   * (the event had no readable time): the record is kept for good.
   */
  async recordWebhookDelivery(key: string, topic: string, accountId: string, occurredAt: number | null, now: number): Promise<boolean> {
    const rows = await this.driver.query(
      `INSERT INTO webhook_deliveries (delivery_key, topic, account_id, occurred_at, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (delivery_key) DO NOTHING RETURNING delivery_key`,
      [key, topic, accountId, occurredAt, now],
    );
    return rows.length === 1;
  }

  // ---- change notifications --------------------------------------------------------------

  async notifyGrantChange(grantId: string): Promise<void> {
    await this.driver.query('SELECT pg_notify($1, $2)', [GRANT_CHANNEL, JSON.stringify({ schema: this.schema, grantId })]);
  }

  /** Calls `onChange(grantId)` for every grant change in this schema, from any instance. */
  onGrantChange(onChange: (grantId: string) => void): Promise<() => Promise<void>> {
    return this.driver.listen(GRANT_CHANNEL, (payload) => {
      try {
        const message = JSON.parse(payload) as { schema?: unknown; grantId?: unknown };
        if (message.schema === this.schema && typeof message.grantId === 'string') onChange(message.grantId);
      } catch {
        // not ours
      }
    });
  }

  // ---- key rotation ------------------------------------------------------------------------

  /**
   * Re-encrypts every grant not written with the current key. Each row is rewritten only if it
   * still carries the key id it was read with, so a concurrent refresh is never overwritten.
   */
  async reencryptAll(): Promise<number> {
    const current = this.cipher.currentKeyId;
    const rows = await this.driver.query<GrantRow>(`SELECT ${GRANT_COLUMNS} FROM grants g WHERE g.key_id <> $1`, [current]);
    let count = 0;
    for (const row of rows) {
      const { tokens } = this.open(row);
      const sealed = this.seal(row.id, tokens);
      const updated = await this.driver.query(
        'UPDATE grants SET key_id = $2, access_token_enc = $3, refresh_token_enc = $4 WHERE id = $1 AND key_id = $5 AND refresh_token_enc = $6 RETURNING id',
        [row.id, sealed.keyId, sealed.access, sealed.refresh, row.key_id, row.refresh_token_enc],
      );
      count += updated.length;
    }
    return count;
  }

  private seal(grantId: string, tokens: StoredTokens): { keyId: string; access: string; refresh: string } {
    return {
      keyId: this.cipher.currentKeyId,
      access: this.cipher.encrypt(tokens.accessToken, `${grantId}:access`),
      refresh: this.cipher.encrypt(tokens.refreshToken, `${grantId}:refresh`),
    };
  }

  private open(row: GrantRow): GrantRecord {
    return {
      id: row.id,
      account: { id: row.account_id, name: row.account_name },
      status: row.status,
      statusDetail: row.status_detail,
      tokens: {
        accessToken: this.cipher.decrypt(row.access_token_enc, row.key_id, `${row.id}:access`),
        refreshToken: this.cipher.decrypt(row.refresh_token_enc, row.key_id, `${row.id}:refresh`),
        accessTokenIssuedAt: Number(row.access_issued_at),
        accessTokenExpiresAt: Number(row.access_expires_at),
      },
    };
  }
}
