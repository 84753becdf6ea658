/**
 * The zod schema of the persisted connection record (StoredConnection). Every token store parses
 * what it reads with it: a file on disk is a trust boundary (edited, truncated, from an older
 * version). Shared by the plain file store and the Electron vault.
 */
import { z } from 'zod';

const epochMs = z.number().nonnegative();

export const tokenSetSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  accessTokenIssuedAt: epochMs,
  accessTokenExpiresAt: epochMs,
  expirySource: z.enum(['jwt-exp', 'expires-in', 'expires-at', 'default']),
});

export const accountSummarySchema = z.object({ id: z.string(), name: z.string() });

export const refreshOutcomeSchema = z.object({
  at: epochMs,
  result: z.enum(['ok', 'transient-failure', 'rejected']),
  message: z.string().optional(),
});

export const refreshInFlightSchema = z.object({
  startedAt: epochMs,
  refreshTokenFingerprint: z.string().min(1),
});

/**
 * The token endpoint a record's refresh credential may be sent to (endpoint-binding.ts). 'jobber':
 * straight to Jobber's token endpoint at `origin` as the app `clientId`; 'broker': through the
 * broker at `origin`, which holds the client secret.
 */
export const endpointBindingSchema = z.discriminatedUnion('via', [
  z.object({ via: z.literal('jobber'), origin: z.string().min(1), clientId: z.string().min(1) }),
  z.object({ via: z.literal('broker'), origin: z.string().min(1) }),
]);

export const storedConnectionSchema = z.object({
  version: z.literal(1),
  tokens: tokenSetSchema,
  account: accountSummarySchema.nullable(),
  connectedAt: epochMs,
  lastRefresh: refreshOutcomeSchema.nullable(),
  refreshInFlight: refreshInFlightSchema.nullable(),
  // Optional: records from before endpoints were recorded are accepted and bound at their next save.
  endpoint: endpointBindingSchema.optional(),
});

export type EndpointBinding = z.infer<typeof endpointBindingSchema>;

/** The persisted connection record: the schema's own type, so the two cannot drift. */
export type StoredConnection = z.infer<typeof storedConnectionSchema>;

export type ParseStoredResult = { ok: true; connection: StoredConnection } | { ok: false; message: string };

/** Parses an untrusted value as a StoredConnection; the failure message names fields, never values. */
export function parseStoredConnection(value: unknown): ParseStoredResult {
  const result = storedConnectionSchema.safeParse(value);
  if (result.success) return { ok: true, connection: result.data };
  const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 5);
  return { ok: false, message: `The stored connection is not in the expected format (${fields.join(', ')}).` };
}
