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
import { ConnectThroughField } from './connect-through-field';
import { Notice } from './notice';

type Draft = Omit<SettingsUpdate, 'clientSecret'>;

const draftOf = (view: SettingsView): Draft => ({
  mode: view.mode,
  clientId: view.clientId,
  redirectUri: view.redirectUri,
  authMode: view.authMode,
  graphqlVersion: view.graphqlVersion,
  allowWeakStorage: view.allowWeakStorage,
  connectThrough: view.connectThrough,
  brokerUrl: view.brokerUrl,
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

type TextFieldName = 'clientId' | 'redirectUri' | 'graphqlVersion';

/** A labelled text input with its hint and error, wired for aria-describedby. */
function TextField(props: {
  field: TextFieldName;
  label: string;
  hint: ReactNode;
  value: string;
  errors: FieldErrors;
  onChange: (value: string) => void;
  short?: boolean;
  inputMode?: 'numeric';
}) {
  const { field, errors } = props;
  return (
    <div className="field">
      <label className="field__label" htmlFor={field}>
        {props.label}
      </label>
      <input
        id={field}
        name={field}
        type="text"
        className={props.short ? 'input input--short' : 'input'}
        autoComplete="off"
        spellCheck={false}
        inputMode={props.inputMode}
        value={props.value}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={describedBy(field, errors, true)}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <Hint field={field}>{props.hint}</Hint>
      <FieldError field={field} errors={errors} />
    </div>
  );
}

/** A radio group (fieldset + legend) with its hint and error. */
function ChoiceField<T extends string>(props: {
  field: 'mode' | 'authMode';
  legend: string;
  options: ReadonlyArray<{ value: T; label: string }>;
  selected: T;
  hint: ReactNode;
  errors: FieldErrors;
  onChange: (value: T) => void;
}) {
  const { field, errors } = props;
  return (
    <fieldset className="field" aria-describedby={describedBy(field, errors, true)}>
      <legend className="field__label">{props.legend}</legend>
      <div className="choices">
        {props.options.map((option) => (
          <label key={option.value} className="choice">
            <input
              type="radio"
              name={field}
              value={option.value}
              checked={props.selected === option.value}
              onChange={() => props.onChange(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
      <Hint field={field}>{props.hint}</Hint>
      <FieldError field={field} errors={errors} />
    </fieldset>
  );
}

const MODE_OPTIONS: ReadonlyArray<{ value: Environment; label: string }> = [
  { value: 'jobber', label: 'Jobber' },
  { value: 'sandbox', label: 'Sandbox' },
];

const AUTH_MODE_OPTIONS: ReadonlyArray<{ value: AuthMode; label: string }> = [
  { value: 'app-window', label: 'App window' },
  { value: 'system-browser', label: 'System browser' },
];

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
      brokerUrl: draft.brokerUrl?.trim() ?? '',
      ...(secret && draft.connectThrough !== 'broker' ? { clientSecret: secret } : {}),
    };
    const found = validateSettings(update, view.clientSecretSaved, view.builtInBrokerUrl);
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
        <ChoiceField
          field="mode"
          legend="Mode"
          options={MODE_OPTIONS}
          selected={draft.mode}
          hint="Sandbox uses a local stand-in for Jobber on this computer: no real account or data."
          errors={errors}
          onChange={(mode) => change('mode', mode)}
        />

        {draft.mode === 'jobber' ? (
          <ConnectThroughField
            connectThrough={draft.connectThrough ?? 'this-computer'}
            brokerUrl={draft.brokerUrl ?? ''}
            builtInBrokerUrl={view.builtInBrokerUrl}
            errors={errors}
            onChange={(next) => {
              if (next.connectThrough !== undefined) change('connectThrough', next.connectThrough);
              if (next.brokerUrl !== undefined) change('brokerUrl', next.brokerUrl);
            }}
          />
        ) : null}

        {/* Through a broker, Jobber's client ID and secret live on the broker: not asked for here. */}
        <div hidden={draft.mode === 'jobber' && draft.connectThrough === 'broker'}>
          <TextField
            field="clientId"
            label="Client ID"
            hint="From your app’s page in Jobber’s Developer Center."
            value={draft.clientId}
            errors={errors}
            onChange={(value) => change('clientId', value)}
          />

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
        </div>

        <TextField
          field="redirectUri"
          label="Redirect URI"
          hint="Must match the OAuth Callback URL registered for your app in Jobber exactly."
          value={draft.redirectUri}
          errors={errors}
          onChange={(value) => change('redirectUri', value)}
        />

        <ChoiceField
          field="authMode"
          legend="Sign in with"
          options={AUTH_MODE_OPTIONS}
          selected={draft.authMode}
          hint="The system browser can reuse your existing Jobber sign-in; it needs a custom-scheme or 127.0.0.1 redirect URI."
          errors={errors}
          onChange={(mode) => change('authMode', mode)}
        />

        <TextField
          field="graphqlVersion"
          label="GraphQL API version"
          hint="Sent as X-JOBBER-GRAPHQL-VERSION, for example 2025-04-16."
          value={draft.graphqlVersion}
          errors={errors}
          onChange={(value) => change('graphqlVersion', value)}
          short
          inputMode="numeric"
        />

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
