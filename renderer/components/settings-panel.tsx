/**
 * The settings view: loads the current settings, lets the person edit them, validates inline and
 * saves through the bridge. The client secret is write-only: its input starts empty, is never
 * prefilled or echoed, is uncontrolled (so React never mirrors it into a DOM attribute) and is
 * cleared after a successful save.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode, RefObject } from 'react';
import type { FieldErrors, JobberConnectApi, SettingsField, SettingsView } from '../../electron/ipc/contract';
import {
  SETTINGS_CONTROLS,
  hintFor,
  SETTINGS_FIELDS,
  SETTINGS_LABELS,
  validateSettings,
  type SettingsControl,
} from '../../electron/ipc/settings-schema';
import { BRIDGE_CALL_FAILED } from '../wording';
import { Notice } from './notice';

/** The form's values: every field but the write-only secret (kept in its uncontrolled input). */
type Draft = Omit<SettingsView, 'clientSecretSaved' | 'builtInBrokerUrl'>;
type DraftField = keyof Draft;

const draftOf = ({ clientSecretSaved: _saved, builtInBrokerUrl: _builtIn, ...draft }: SettingsView): Draft => draft;

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

/**
 * A labelled text input with its hint and error, wired for aria-describedby. `value` is either the
 * controlled text or, for the client secret, a ref: the input is then a password field that starts
 * empty, is never prefilled and is uncontrolled, so React never mirrors the secret into the DOM.
 */
function TextField(props: {
  field: SettingsField;
  label: string;
  hint: ReactNode;
  value: string | { secretRef: RefObject<HTMLInputElement | null> };
  errors: FieldErrors;
  onChange: (value: string) => void;
  short?: boolean;
  inputMode?: 'numeric' | 'url';
}) {
  const { field, errors } = props;
  const secretRef = typeof props.value === 'string' ? null : props.value.secretRef;
  const valueProps = typeof props.value === 'string' ? { value: props.value } : { ref: secretRef, defaultValue: '' };
  return (
    <div className="field">
      <label className="field__label" htmlFor={field}>
        {props.label}
      </label>
      <input
        id={field}
        name={field}
        type={secretRef ? 'password' : 'text'}
        className={props.short ? 'input input--short' : 'input'}
        autoComplete={secretRef ? 'new-password' : 'off'}
        spellCheck={false}
        inputMode={props.inputMode}
        {...valueProps}
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
function ChoiceField(props: {
  field: SettingsField;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  selected: string;
  hint: ReactNode;
  errors: FieldErrors;
  onChange: (value: string) => void;
}) {
  const { field, errors } = props;
  return (
    <fieldset className="field" aria-describedby={describedBy(field, errors, true)}>
      <legend className="field__label">{props.label}</legend>
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

/** A checkbox with its hint, and a warning while it is on. */
function CheckboxField(props: {
  field: SettingsField;
  label: string;
  checked: boolean;
  hint: string;
  warningWhenOn: string;
  errors: FieldErrors;
  onChange: (checked: boolean) => void;
}) {
  const { field, errors } = props;
  return (
    <div className="field">
      <label className="choice choice--checkbox">
        <input
          type="checkbox"
          name={field}
          checked={props.checked}
          aria-describedby={describedBy(field, errors, true)}
          onChange={(event) => props.onChange(event.target.checked)}
        />
        {props.label}
      </label>
      <Hint field={field}>{props.hint}</Hint>
      {props.checked ? <Notice tone="warning" headline={props.warningWhenOn} /> : null}
      <FieldError field={field} errors={errors} />
    </div>
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

  // Values are checked by the settings schema on submit; the controls only offer valid shapes.
  const change = (field: DraftField, value: string | boolean) => {
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
    // The same schema main applies: what passes here is sent trimmed, an empty secret left out.
    // Through a broker no secret is kept here, whatever the hidden field holds.
    const secret = draft.mode === 'jobber' && draft.connectThrough === 'broker' ? '' : (secretRef.current?.value ?? '');
    const checked = validateSettings(
      { ...draft, clientSecret: secret },
      { secretSaved: view.clientSecretSaved, builtInBroker: view.builtInBrokerUrl !== null },
    );
    setErrors(checked.ok ? {} : checked.fieldErrors);
    setStatus(null);
    if (!checked.ok) {
      focusFirstError(checked.fieldErrors);
      return;
    }
    setSaving(true);
    try {
      const result = await bridge.saveSettings(checked.value);
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
        {SETTINGS_FIELDS.map((field) => {
          const control: SettingsControl = SETTINGS_CONTROLS[field];
          const common = { field, errors, label: SETTINGS_LABELS[field], hint: hintFor(control, view) };
          // Hidden, not removed: the secret's uncontrolled input keeps what was typed.
          const shown = control.shownWhen?.(draft) ?? true;
          const wrap = (element: ReactNode) => (
            <div key={field} hidden={!shown}>
              {element}
            </div>
          );
          if (field === 'clientSecret') {
            return wrap(
              <TextField
                {...common}
                value={{ secretRef }}
                onChange={() => {
                  if (errors[field]) setErrors(({ [field]: _dropped, ...rest }) => rest);
                  setStatus(null);
                }}
              />,
            );
          }
          const value = draft[field];
          switch (control.kind) {
            case 'choice':
              return wrap(
                <ChoiceField {...common} options={control.options} selected={String(value)} onChange={(next) => change(field, next)} />,
              );
            case 'text':
              return wrap(
                <TextField
                  {...common}
                  value={String(value)}
                  onChange={(next) => change(field, next)}
                  short={control.short}
                  inputMode={control.numeric ? 'numeric' : control.url ? 'url' : undefined}
                />,
              );
            case 'checkbox':
              return wrap(
                <CheckboxField
                  {...common}
                  checked={value === true}
                  warningWhenOn={control.warningWhenOn}
                  onChange={(next) => change(field, next)}
                />,
              );
          }
        })}

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
