/**
 * The shape of a successful response from Jobber's token endpoint, parsed with zod because it
 * crosses a trust boundary. Jobber documents only `access_token` and `refresh_token`; refresh
 * responses have also carried `expires_at` and `warning`, and RFC 6749 §5.1 allows `expires_in`
 * (with `created_at`, as Doorkeeper sends it). Unknown fields are allowed and ignored; so is a
 * wrong-typed optional field (parseTokenResponse): a refresh has already rotated
 * the grant by the time we read the answer, so an odd optional extra must not lose the tokens.
 */
import { z } from 'zod';

/** A positive number of seconds, as a JSON number or a string of digits. */
const seconds = z.union([z.number().positive().finite(), z.string().regex(/^\d{1,12}$/).transform(Number)]);

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_at: z.string().nullish(),
  warning: z.string().nullish(),
  /** Seconds the access token lives (RFC 6749 §5.1); a numeric string is accepted too. */
  expires_in: seconds.nullish(),
  /** Epoch seconds on Jobber's clock when the token was created (Doorkeeper's field). */
  created_at: seconds.nullish(),
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Optional fields that are dropped, not fatal, when they have the wrong type. */
const LENIENT_FIELDS: ReadonlySet<string> = new Set(['expires_at', 'warning', 'expires_in', 'created_at']);

/** A dropped optional field and the JSON type it arrived as (never its value). */
export interface IgnoredTokenField {
  field: string;
  type: string;
}

export type TokenResponseParse =
  | { ok: true; data: TokenResponse; ignored: IgnoredTokenField[] }
  | { ok: false; fields: string[] };

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Parses a successful token response. Valid `access_token` and `refresh_token` are required; a
 * wrong-typed optional field is dropped and listed in `ignored`. On failure, `fields`
 * names the offending top-level fields ('body' when the body is not an object).
 */
export function parseTokenResponse(json: unknown): TokenResponseParse {
  const strict = tokenResponseSchema.safeParse(json);
  if (strict.success) return { ok: true, data: strict.data, ignored: [] };
  const fields = [...new Set(strict.error.issues.map((issue) => String(issue.path[0] ?? 'body')))];
  if (!fields.every((field) => LENIENT_FIELDS.has(field))) return { ok: false, fields };
  // Only issues at the optional extras, so `json` is an object: drop them and keep the tokens.
  const source = json as Record<string, unknown>;
  const rest = Object.fromEntries(Object.entries(source).filter(([key]) => !fields.includes(key)));
  const lenient = tokenResponseSchema.safeParse(rest);
  if (!lenient.success) return { ok: false, fields };
  return { ok: true, data: lenient.data, ignored: fields.map((field) => ({ field, type: jsonType(source[field]) })) };
}

/**
 * An error body from the token endpoint. Jobber does not document its shape, so every field is
 * optional and only short, plain values are used (see token-client.ts).
 */
export const tokenErrorBodySchema = z.looseObject({
  error: z.unknown().optional(),
  error_description: z.unknown().optional(),
  message: z.unknown().optional(),
});

/**
 * Parses Jobber's `expires_at` ("2024-04-09 21:04:31 UTC"; ISO 8601 with Z or an offset also
 * accepted) to epoch milliseconds. Null when the text is not one of those forms; a value with no
 * zone is read as UTC, which is what Jobber sends.
 */
export function parseExpiresAt(text: string): number | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  let epoch = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (zone && /^[+-]/.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    epoch -= sign * offsetMinutes * 60_000;
  }
  return Number.isFinite(epoch) ? epoch : null;
}
