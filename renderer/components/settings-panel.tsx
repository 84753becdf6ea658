/**
 * The settings view: loads the current settings, lets the person edit them, validates inline and
 * saves through the bridge. The client secret is write-only: its input starts empty, is never
 * prefilled or echoed, is uncontrolled (so React never mirrors it into a DOM attribute) and is
 * cleared after a successful save.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { SETTINGS_FIELDS } from '../../electron/ipc/contract';
import type {
  AuthMode,
  Environment,
  JobberConnectApi,
  SettingsField,
  SettingsUpdate,
  SettingsView,
} from '../../electron/ipc/contract';
import { validateSettings } from '../settings-validation';
import type { FieldErrors } from '../settings-validation';
import { BRIDGE_CALL_FAILED } from '../wording';
import { Notice } from './notice';

type Draft = Omit<SettingsUpdate, 'clientSecret'>;

const draftOf = (view: SettingsView): Draft => ({
  mode: view.mode,
  clientId: view.clientId,
  redirectUri: view.redirectUri,
  authMode: view.authMode,
  graphqlVersion: view.graphqlVersion,
  allowWeakStorage: view.allowWeakStorage,
});

/** ids for aria-describedby: the hint (if any) and the error (if any). */
function describedBy(field: SettingsField, errors: FieldErrors, hasHint: boolean): string | undefined {
  const ids = [hasHint ? `${field}-hint` : null, errors[field] ? `${field}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldError({ field, errors }: { field: SettingsField; errors: FieldErrors }) {
  const message = errors[field];
  return message ? (
    <p id={`${field}-error`} className="field__error">
      {message}
    </p>
  ) : null;
}

function Hint({ field, children }: { field: SettingsField; children: ReactNode }) {
  return (
    <p id={`${field}-hint`} className="field__hint">
      {children}
    </p>
  );
}

interface SettingsPanelProps {
  bridge: JobberConnectApi;
  onClose: () => void;
}

/** The settings form. */
export function SettingsPanel({ bridge, onClose }: SettingsPanelProps) {
  const [view, setView] = useState<SettingsView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<{ tone: 'success' | 'error'; text: string; detail?: string } | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
    let live = true;
    bridge.getSettings().then(
      (loaded) => {
        if (!live) return;
        setView(loaded);
        setDraft(draftOf(loaded));
      },
      (error: unknown) => {
        if (live) setLoadError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      live = false;
    };
  }, [bridge]);

  const change = <K extends keyof Draft>(field: K, value: Draft[K]) => {
    setDraft((prev) => (prev ? { ...prev, [field]: value } : prev));
    setErrors((prev) => {
      if (!prev[field]) return prev;
      const next = { ...prev };
      delete next[field];
      return next;
    });
    setStatus(null);
  };

  const focusFirstError = (found: FieldErrors) => {
    const first = SETTINGS_FIELDS.find((field) => found[field]);
    if (!first) return;
    // Radio groups: focus the checked option; others: the control named after the field.
    const target =
      formRef.current?.querySelector<HTMLElement>(`[name="${first}"]:checked`) ??
      formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`);
    target?.focus();
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!draft || !view || saving) return;
    const secret = secretRef.current?.value ?? '';
    const update: SettingsUpdate = {
      ...draft,
      clientId: draft.clientId.trim(),
      redirectUri: draft.redirectUri.trim(),
      graphqlVersion: draft.graphqlVersion.trim(),
      ...(secret ? { clientSecret: secret } : {}),
    };
    const found = validateSettings(update, view.clientSecretSaved);
    setErrors(found);
    setStatus(null);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    setSaving(true);
    try {
      const result = await bridge.saveSettings(update);
      if (result.ok) {
        if (secretRef.current) secretRef.current.value = '';
        setView(result.settings);
        setDraft(draftOf(result.settings));
        setStatus({ tone: 'success', text: 'Settings saved.' });
      } else {
        setErrors(result.fieldErrors);
        setStatus({ tone: 'error', text: 'The settings were not saved. Fix the fields marked below, then save again.' });
        focusFirstError(result.fieldErrors);
      }
    } catch (error: unknown) {
      setStatus({ tone: 'error', text: BRIDGE_CALL_FAILED, detail: error instanceof Error ? error.message : String(error) });
    } finally {
      setSaving(false);
    }
  };

  let body: ReactNode;
  if (loadError) {
    body = <Notice tone="error" headline={BRIDGE_CALL_FAILED} detail={loadError} />;
  } else if (!draft || !view) {
    body = (
      <p className="muted" role="status">
        Loading settings…
      </p>
    );
  } else {
    body = (
      <form ref={formRef} className="settings-form" noValidate onSubmit={(event) => void onSubmit(event)}>
        <fieldset className="field" aria-describedby={describedBy('mode', errors, true)}>
          <legend className="field__label">Mode</legend>
          <div className="choices">
            {(['jobber', 'sandbox'] as Environment[]).map((mode) => (
              <label key={mode} className="choice">
                <input
                  type="radio"
                  name="mode"
                  value={mode}
                  checked={draft.mode === mode}
                  onChange={() => change('mode', mode)}
                />
                {mode === 'jobber' ? 'Jobber' : 'Sandbox'}
              </label>
            ))}
          </div>
          <Hint field="mode">Sandbox uses a local stand-in for Jobber on this computer: no real account or data.</Hint>
          <FieldError field="mode" errors={errors} />
        </fieldset>

        <div className="field">
          <label className="field__label" htmlFor="clientId">
            Client ID
          </label>
          <input
            id="clientId"
            name="clientId"
            type="text"
            className="input"
            autoComplete="off"
            spellCheck={false}
            value={draft.clientId}
            aria-invalid={errors.clientId ? true : undefined}
            aria-describedby={describedBy('clientId', errors, true)}
            onChange={(event) => change('clientId', event.target.value)}
          />
          <Hint field="clientId">From your app’s page in Jobber’s Developer Center.</Hint>
          <FieldError field="clientId" errors={errors} />
        </div>

        <div className="field">
          <label className="field__label" htmlFor="clientSecret">
            Client secret
          </label>
          <input
            id="clientSecret"
            name="clientSecret"
            type="password"
            className="input"
            autoComplete="new-password"
            spellCheck={false}
            ref={secretRef}
            defaultValue=""
            aria-invalid={errors.clientSecret ? true : undefined}
            aria-describedby={describedBy('clientSecret', errors, true)}
            onChange={() => {
              if (errors.clientSecret) setErrors(({ clientSecret: _dropped, ...rest }) => rest);
              setStatus(null);
            }}
          />
          <Hint field="clientSecret">
            {view.clientSecretSaved
              ? 'A secret is saved. Leave this empty to keep it, or type a new one to replace it.'
              : 'No secret is saved yet. It is stored encrypted and never shown again.'}
          </Hint>
          <FieldError field="clientSecret" errors={errors} />
        </div>

        <div className="field">
          <label className="field__label" htmlFor="redirectUri">
            Redirect URI
          </label>
          <input
            id="redirectUri"
            name="redirectUri"
            type="text"
            className="input"
            autoComplete="off"
            spellCheck={false}
            value={draft.redirectUri}
            aria-invalid={errors.redirectUri ? true : undefined}
            aria-describedby={describedBy('redirectUri', errors, true)}
            onChange={(event) => change('redirectUri', event.target.value)}
          />
          <Hint field="redirectUri">Must match the OAuth Callback URL registered for your app in Jobber exactly.</Hint>
          <FieldError field="redirectUri" errors={errors} />
        </div>

        <fieldset className="field" aria-describedby={describedBy('authMode', errors, true)}>
          <legend className="field__label">Sign in with</legend>
          <div className="choices">
            {(['app-window', 'system-browser'] as AuthMode[]).map((mode) => (
              <label key={mode} className="choice">
                <input
                  type="radio"
                  name="authMode"
                  value={mode}
                  checked={draft.authMode === mode}
                  onChange={() => change('authMode', mode)}
                />
                {mode === 'app-window' ? 'App window' : 'System browser'}
              </label>
            ))}
          </div>
          <Hint field="authMode">
            The system browser can reuse your existing Jobber sign-in; it needs a custom-scheme or 127.0.0.1 redirect URI.
          </Hint>
          <FieldError field="authMode" errors={errors} />
        </fieldset>

        <div className="field">
          <label className="field__label" htmlFor="graphqlVersion">
            GraphQL API version
          </label>
          <input
            id="graphqlVersion"
            name="graphqlVersion"
            type="text"
            className="input input--short"
            autoComplete="off"
            spellCheck={false}
            inputMode="numeric"
            value={draft.graphqlVersion}
            aria-invalid={errors.graphqlVersion ? true : undefined}
            aria-describedby={describedBy('graphqlVersion', errors, true)}
            onChange={(event) => change('graphqlVersion', event.target.value)}
          />
          <Hint field="graphqlVersion">Sent as X-JOBBER-GRAPHQL-VERSION, for example 2025-04-16.</Hint>
          <FieldError field="graphqlVersion" errors={errors} />
        </div>

        <div className="field">
          <label className="choice choice--checkbox">
            <input
              type="checkbox"
              name="allowWeakStorage"
              checked={draft.allowWeakStorage}
              aria-describedby={describedBy('allowWeakStorage', errors, true)}
              onChange={(event) => change('allowWeakStorage', event.target.checked)}
            />
            Allow weak storage
          </label>
          <Hint field="allowWeakStorage">
            Only for Linux without a keyring. Your Jobber sign-in is then saved without real encryption: anyone who can
            read your files can use it.
          </Hint>
          {draft.allowWeakStorage ? (
            <Notice
              tone="warning"
              headline="Weak storage is allowed. Turn this off as soon as a system keyring is available."
            />
          ) : null}
          <FieldError field="allowWeakStorage" errors={errors} />
        </div>

        {status ? <Notice tone={status.tone} headline={status.text} detail={status.detail} /> : null}

        <div className="actions">
          <button type="submit" className="button button--primary" disabled={saving} aria-busy={saving || undefined}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={saving}>
            Back to connection
          </button>
        </div>
      </form>
    );
  }

  return (
    <section className="card settings" aria-labelledby="settings-heading">
      <header className="card__header">
        <h2 id="settings-heading" className="card__title" tabIndex={-1} ref={headingRef}>
          Settings
        </h2>
      </header>
      {body}
    </section>
  );
}
