/**
 * The Settings form's two actions: what it shows (the running configuration merged with what is
 * saved and the defaults) and saving (the secret sealed), after which the engine restarts with the
 * new configuration.
 */
import { SETTINGS_DEFAULTS, missingBrokerUrl, missingSecret, type Environment, type SettingsUpdate } from '../ipc/settings-schema';
import type { SaveSettingsResult, SettingsView } from '../ipc/contract';
import type { JobberConfig } from '../auth/config-types';
import type { Logger } from '../core/logger';
import { describeError, registerSecret } from '../core/redact';
import { VaultRefusedError } from '../storage/sealed-record';
import type { SettingsStore } from './settings-store';

export interface SettingsControlsDeps {
  settings: SettingsStore;
  logger: Logger;
  /** The built-in broker URL, if this build (or test) has one. */
  defaultBrokerUrl: () => string | undefined;
  /** The running configuration (null when not configured) and the environment the app shows. */
  running: () => { config: JobberConfig | null; environment: Environment };
  /** Restarts the engine with the saved settings. */
  restart: () => Promise<void>;
}

/** `record` without its undefined entries, so spreading it never hides a default. */
function definedOnly<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export class SettingsControls {
  constructor(private readonly deps: SettingsControlsDeps) {}

  /**
   * What the form shows, field by field: the running configuration (it merges the environment),
   * else the saved value, else the default; the client id the person saved wins over the
   * environment's. A new stored field appears here through SETTINGS_DEFAULTS and the saved values.
   */
  async view(): Promise<SettingsView> {
    const loaded = await this.deps.settings.load();
    const { config, environment } = this.deps.running();
    const { clientSecret: _writeOnly, ...saved } = loaded.settings;
    const running = config
      ? { mode: config.environment, redirectUri: config.redirectUri, authMode: config.authMode, graphqlVersion: config.graphqlVersion }
      : {};
    return {
      ...SETTINGS_DEFAULTS,
      mode: environment,
      ...(config?.environment === 'jobber' ? { clientId: config.clientId } : {}),
      ...definedOnly(saved),
      ...running,
      clientSecretSaved: loaded.clientSecretSaved,
      // Broker mode may come from the environment (JOBBER_CONNECT_THROUGH, JOBBER_BROKER_URL).
      ...(config?.broker ? { connectThrough: 'broker' as const } : {}),
      builtInBrokerUrl: this.deps.defaultBrokerUrl() ?? null,
    };
  }

  /**
   * Stores (secret sealed) and restarts the engine with the new configuration. `update` has passed
   * the settings schema at the IPC boundary; only the rule that needs the saved state is left.
   */
  async save(update: SettingsUpdate): Promise<SaveSettingsResult> {
    const { deps } = this;
    const loaded = await deps.settings.load();
    const secretProblem = missingSecret(update, loaded.settings.clientSecret !== undefined);
    if (secretProblem) return { ok: false, fieldErrors: { clientSecret: secretProblem } };
    const brokerProblem = missingBrokerUrl(update, deps.defaultBrokerUrl() !== undefined);
    if (brokerProblem) return { ok: false, fieldErrors: { brokerUrl: brokerProblem } };
    try {
      await deps.settings.save(update);
    } catch (error) {
      if (error instanceof VaultRefusedError) return { ok: false, fieldErrors: { clientSecret: error.message } };
      deps.logger.error('Saving settings failed', { error: describeError(error) });
      return { ok: false, fieldErrors: { mode: 'The settings could not be saved on this computer.' } };
    }
    if (update.clientSecret !== undefined) registerSecret(update.clientSecret);
    await deps.restart();
    return { ok: true, settings: await this.view() };
  }
}
