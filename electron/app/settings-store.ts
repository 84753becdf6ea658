/**
 * The person's settings in userData/settings.json (mode 0600, atomic, via json-file.ts). Plain
 * fields are stored as-is; the client secret only ever as a sealed safeStorage record, never in
 * plain text, and it is never handed to the renderer. Window bounds live here too.
 */
import { z } from 'zod';
import type { StoredSettings } from '../auth/config';
import { CONNECT_THROUGH } from '../broker/broker-settings';
import type { SettingsUpdate } from '../auth/config-types';
import type { Logger } from '../auth/ports';
import type { JsonFile } from '../storage/json-file';
import type { SafeStoragePort } from '../storage/safe-storage-port';
import { open, seal, sealedRecordSchema } from '../storage/sealed-record';

/** The non-secret settings as stored; every field optional (absent = env/.env/default applies). */
const plainSettingsSchema = z
  .object({
    mode: z.enum(['jobber', 'sandbox']),
    clientId: z.string().max(512),
    redirectUri: z.string().max(2048),
    authMode: z.enum(['app-window', 'system-browser']),
    graphqlVersion: z.string().max(32),
    allowWeakStorage: z.boolean(),
    apiBaseUrl: z.string().max(2048),
    connectThrough: z.enum(CONNECT_THROUGH),
    brokerUrl: z.string().max(2048),
  })
  .partial();

export type PlainSettings = z.infer<typeof plainSettingsSchema>;

export interface LoadedSettings {
  /** Ready for loadConfig: plain fields plus the decrypted secret when there is one. */
  settings: Partial<StoredSettings>;
  clientSecretSaved: boolean;
  /** Why a saved secret could not be read (keyring changed…), or null. */
  secretProblem: string | null;
  /** The settings file was damaged and moved aside. */
  fileProblem: string | null;
}

export class SettingsStore {
  constructor(
    private readonly file: JsonFile,
    private readonly safeStorage: SafeStoragePort,
    private readonly logger: Logger,
  ) {}

  private readData(): { data: Record<string, unknown>; fileProblem: string | null } {
    const read = this.file.read();
    if (read.kind === 'corrupt') {
      this.logger.warn('Settings file is damaged; moved aside');
      return { data: {}, fileProblem: 'The settings file was damaged; it was set aside and defaults are in use.' };
    }
    return { data: read.data, fileProblem: null };
  }

  /** Reads and decrypts. Never throws for bad data. */
  async load(): Promise<LoadedSettings> {
    const { data, fileProblem } = this.readData();
    const plain = plainSettingsSchema.safeParse(data.settings ?? {});
    const settings: Partial<StoredSettings> = plain.success ? { ...plain.data } : {};
    if (!plain.success) this.logger.warn('Saved settings are malformed; ignoring them');

    let clientSecretSaved = false;
    let secretProblem: string | null = null;
    if (data.clientSecret !== undefined) {
      clientSecretSaved = true;
      const record = sealedRecordSchema.safeParse(data.clientSecret);
      if (!record.success) {
        secretProblem = 'The saved client secret is damaged; enter it again in Settings.';
      } else {
        const opened = await open(this.safeStorage, record.data, settings.allowWeakStorage === true);
        if (opened.kind === 'opened') settings.clientSecret = opened.text;
        else secretProblem = `The saved client secret could not be read (${opened.message}) Enter it again in Settings.`;
      }
    }
    return { settings, clientSecretSaved, secretProblem, fileProblem };
  }

  /**
   * Saves a validated update. A new secret is sealed first; when the keyring refuses, this throws
   * VaultRefusedError and nothing is written.
   */
  async save(update: SettingsUpdate): Promise<void> {
    const { data } = this.readData();
    const next: Record<string, unknown> = { ...data };
    const previous = plainSettingsSchema.safeParse(data.settings ?? {});
    const plain: PlainSettings = {
      ...(previous.success ? previous.data : {}),
      mode: update.mode,
      clientId: update.clientId,
      redirectUri: update.redirectUri,
      authMode: update.authMode,
      graphqlVersion: update.graphqlVersion,
      allowWeakStorage: update.allowWeakStorage,
    };
    // Broker fields: absent in an update means "not chosen" (env, .env or the built-in default apply).
    if (update.connectThrough !== undefined) plain.connectThrough = update.connectThrough;
    else delete plain.connectThrough;
    if (update.brokerUrl !== undefined) plain.brokerUrl = update.brokerUrl;
    else delete plain.brokerUrl;
    next.settings = plain;
    if (update.clientSecret !== undefined) {
      next.clientSecret = await seal(this.safeStorage, update.clientSecret, update.allowWeakStorage);
    }
    this.file.write(next);
  }

  /** Saved window bounds (unvalidated: window-state.ts parses them). */
  windowBounds(): unknown {
    return this.readData().data.windowBounds ?? null;
  }

  setWindowBounds(bounds: { x: number; y: number; width: number; height: number }): void {
    const { data } = this.readData();
    try {
      this.file.write({ ...data, windowBounds: bounds });
    } catch {
      this.logger.warn('Saving the window position failed');
    }
  }
}
