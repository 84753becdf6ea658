/**
 * The zod schemas for every invoke channel's arguments, as they arrive from the renderer
 * (untrusted, `unknown`). One table keyed by channel, so a new channel cannot be added without one.
 */
import { z } from 'zod';
import { AUTH_MODES, ENVIRONMENTS } from '../auth/config';
import { BROKER_FIELD_SCHEMAS } from '../broker/broker-settings';
import { SETTINGS_FIELDS, type InvokeChannel, type SettingsField, type SettingsUpdate } from './contract';

/** Channels whose request is `void`: the preload sends no arguments at all. */
const noArguments = z.tuple([]);

/**
 * Shape of a settings update. Field rules (URL forms, version format, secret required for Jobber
 * mode) live in the engine's `validateSettingsUpdate`; this only refuses wrong types and sizes.
 * One schema per SettingsField: the mapped type makes a missing or extra field a compile error.
 */
const SETTINGS_FIELD_SCHEMAS = {
  mode: z.enum(ENVIRONMENTS),
  clientId: z.string().max(256),
  clientSecret: z.string().max(1024).optional(),
  redirectUri: z.string().max(2048),
  authMode: z.enum(AUTH_MODES),
  graphqlVersion: z.string().max(32),
  allowWeakStorage: z.boolean(),
  ...BROKER_FIELD_SCHEMAS,
} as const satisfies { [F in SettingsField]-?: z.ZodType<SettingsUpdate[F]> };

export const settingsUpdateSchema = z.object(SETTINGS_FIELD_SCHEMAS).strict() satisfies z.ZodType<SettingsUpdate>;

/** The argument tuple each channel accepts. */
export const INPUT_SCHEMAS = {
  'get-state': noArguments,
  connect: noArguments,
  cancel: noArguments,
  disconnect: noArguments,
  'refresh-now': noArguments,
  'get-settings': noArguments,
  'save-settings': z.tuple([settingsUpdateSchema]),
  'test-api': noArguments,
  'confirm-pairing': noArguments,
  'decline-pairing': noArguments,
} as const satisfies Record<InvokeChannel, z.ZodType<unknown[]>>;

export type InputSchemas = typeof INPUT_SCHEMAS;

const FIELD_NAMES: ReadonlySet<string> = new Set<SettingsField>(SETTINGS_FIELDS);

/**
 * Turns schema issues for a settings update into per-field messages for the form. Issue text is
 * zod's own (never echoes the input value, so a mistyped secret is not reflected back).
 */
export function settingsFieldErrors(error: z.ZodError): Partial<Record<SettingsField, string>> {
  const result: Partial<Record<SettingsField, string>> = {};
  for (const issue of error.issues) {
    // Issue paths start with the tuple index (0), then the field.
    const field = issue.path[1];
    if (typeof field === 'string' && FIELD_NAMES.has(field)) {
      result[field as SettingsField] ??= 'This value has the wrong form.';
    } else {
      result.mode ??= 'The settings could not be read.';
    }
  }
  return result;
}
