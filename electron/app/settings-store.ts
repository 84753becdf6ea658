/**
 * The person's settings in userData/settings.json (mode 0600, atomic, via json-file.ts). Plain
 * fields are stored as-is; the client secret only ever as a sealed safeStorage record, never in
 * plain text, and it is never handed to the renderer. Window bounds live here too.
 */
import type { StoredSettings } from './config';
import type { Logger } from '../core/logger';
import { storedSettingsSchema, type SettingsUpdate, type StoredPlainSettings } from '../ipc/settings-schema';
import type { JsonFile } from '../storage/json-file';
import type { SafeStoragePort } from '../storage/safe-storage-port';
import { open, seal, sealedRecordSchema } from '../storage/sealed-record';

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
    const plain = storedSettingsSchema.safeParse(data.settings ?? {});
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
    const previous = storedSettingsSchema.safeParse(data.settings ?? {});
    // Every stored field the update carries replaces the saved one; the secret is sealed apart.
    const { clientSecret: _sealedBelow, ...fields } = update;
    const plain: StoredPlainSettings = { ...(previous.success ? previous.data : {}), ...fields };
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
