/**
 * The broker's configuration from the environment, validated in one place. With no Jobber
 * credentials it is a development setup (main.ts starts the sandbox); with them, encryption keys
 * are required. Plain http is served only on loopback: binding another address needs an https
 * BROKER_PUBLIC_URL (TLS terminated by the proxy in front).
 */
import path from 'node:path';
import { z } from 'zod';
import { JOBBER_API_BASE_URL } from '../electron/auth/config-types';
import { DEFAULT_GRAPHQL_VERSION } from '../electron/ipc/settings-schema';
import type { EncryptionKey } from './crypto/token-cipher';
import { parseEncryptionKeys } from './crypto/key-ring';
import type { RateLimit } from './rate-limit';

export const DEFAULT_PORT = 8787;
export const DEFAULT_DATA_DIR = '.broker-data';

export interface BrokerConfig {
  host: string;
  port: number;
  /** Set when given; otherwise derived from the listening address once known. */
  publicUrl: string | null;
  dataDir: string;
  databaseUrl: string | null;
  /** PostgreSQL schema the broker's tables live in (several brokers can share one database). */
  schema: string;
  /** null: development, use (or create) the key in the data folder. */
  encryptionKeys: EncryptionKey[] | null;
  /** null: development, run against an in-process sandbox. */
  jobber: { clientId: string; clientSecret: string; apiBaseUrl: string; graphqlVersion: string } | null;
  deviceLimit: RateLimit;
  ipLimit: RateLimit;
  trustProxy: boolean;
  logLevel: string;
  extraReturnTo: string[];
}

const whole = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

const envSchema = z.object({
  BROKER_HOST: z.string().min(1).default('127.0.0.1'),
  BROKER_PORT: whole(DEFAULT_PORT).refine((n) => n <= 65535, 'must be a port number'),
  BROKER_PUBLIC_URL: z.url().optional(),
  BROKER_DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  DATABASE_URL: z.string().min(1).optional(),
  BROKER_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _').default('broker'),
  BROKER_ENCRYPTION_KEYS: z.string().min(1).optional(),
  JOBBER_CLIENT_ID: z.string().min(1).optional(),
  JOBBER_CLIENT_SECRET: z.string().min(1).optional(),
  JOBBER_API_BASE_URL: z.url().default(JOBBER_API_BASE_URL),
  JOBBER_GRAPHQL_VERSION: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).default(DEFAULT_GRAPHQL_VERSION),
  BROKER_DEVICE_LIMIT_PER_MINUTE: whole(120),
  BROKER_IP_LIMIT_PER_MINUTE: whole(600),
  BROKER_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  BROKER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BROKER_EXTRA_RETURN_TO: z.string().default(''),
});

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Refuses plain http beyond loopback. */
export function assertSafeListen(host: string, publicUrl: string | null): void {
  if (isLoopbackHost(host)) return;
  if (publicUrl === null || new URL(publicUrl).protocol !== 'https:') {
    throw new Error(`Refusing to listen on ${host} without TLS: set BROKER_PUBLIC_URL to the https:// address of the TLS-terminating proxy in front, or bind 127.0.0.1.`);
  }
}

/** Reads the configuration; throws one clear message for the first problem found. */
export function loadBrokerConfig(env: Record<string, string | undefined>): BrokerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid broker configuration: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const e = parsed.data;
  if (Boolean(e.JOBBER_CLIENT_ID) !== Boolean(e.JOBBER_CLIENT_SECRET)) {
    throw new Error('Set both JOBBER_CLIENT_ID and JOBBER_CLIENT_SECRET, or neither (development against the sandbox).');
  }
  const jobber = e.JOBBER_CLIENT_ID && e.JOBBER_CLIENT_SECRET
    ? { clientId: e.JOBBER_CLIENT_ID, clientSecret: e.JOBBER_CLIENT_SECRET, apiBaseUrl: e.JOBBER_API_BASE_URL.replace(/\/+$/, ''), graphqlVersion: e.JOBBER_GRAPHQL_VERSION }
    : null;
  const encryptionKeys = e.BROKER_ENCRYPTION_KEYS ? parseEncryptionKeys(e.BROKER_ENCRYPTION_KEYS) : null;
  if (jobber && !encryptionKeys) {
    throw new Error('BROKER_ENCRYPTION_KEYS is required with real Jobber credentials (e.g. "k1:<32 bytes of base64>"; generate one with `openssl rand -base64 32`).');
  }
  const publicUrl = e.BROKER_PUBLIC_URL?.replace(/\/+$/, '') ?? null;
  assertSafeListen(e.BROKER_HOST, publicUrl);
  return {
    host: e.BROKER_HOST,
    port: e.BROKER_PORT,
    publicUrl,
    dataDir: path.resolve(e.BROKER_DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    schema: e.BROKER_DB_SCHEMA,
    encryptionKeys,
    jobber,
    deviceLimit: { limit: e.BROKER_DEVICE_LIMIT_PER_MINUTE, windowMs: 60_000 },
    ipLimit: { limit: e.BROKER_IP_LIMIT_PER_MINUTE, windowMs: 60_000 },
    trustProxy: e.BROKER_TRUST_PROXY === 'true',
    logLevel: e.BROKER_LOG_LEVEL,
    extraReturnTo: e.BROKER_EXTRA_RETURN_TO.split(',').map((s) => s.trim()).filter((s) => s !== ''),
  };
}
