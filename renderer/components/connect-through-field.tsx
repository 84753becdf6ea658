/**
 * The "Connect through" choice of the settings form: this computer (the app holds Jobber's client ID
 * and secret) or a broker (a server holds them; only its URL is asked for). A copy of the app built
 * with a default broker shows it, so the URL can stay empty.
 */
import type { ConnectThrough, SettingsField } from '../../electron/ipc/contract';

const OPTIONS: ReadonlyArray<{ value: ConnectThrough; label: string }> = [
  { value: 'this-computer', label: 'This computer (client ID and secret)' },
  { value: 'broker', label: 'Broker (URL)' },
];

export interface ConnectThroughFieldProps {
  connectThrough: ConnectThrough;
  brokerUrl: string;
  builtInBrokerUrl: string | null;
  errors: Partial<Record<SettingsField, string>>;
  onChange: (change: { connectThrough?: ConnectThrough; brokerUrl?: string }) => void;
}

function describedBy(field: 'connectThrough' | 'brokerUrl', error: string | undefined): string {
  return [`${field}-hint`, error ? `${field}-error` : null].filter(Boolean).join(' ');
}

/** The radio group and, in broker mode, the broker URL input. */
export function ConnectThroughField({ connectThrough, brokerUrl, builtInBrokerUrl, errors, onChange }: ConnectThroughFieldProps) {
  return (
    <>
      <fieldset className="field" aria-describedby={describedBy('connectThrough', errors.connectThrough)}>
        <legend className="field__label">Connect through</legend>
        <div className="choices">
          {OPTIONS.map((option) => (
            <label key={option.value} className="choice">
              <input
                type="radio"
                name="connectThrough"
                value={option.value}
                checked={connectThrough === option.value}
                onChange={() => onChange({ connectThrough: option.value })}
              />
              {option.label}
            </label>
          ))}
        </div>
        <p id="connectThrough-hint" className="field__hint">
          A broker keeps the Jobber app’s client secret on a server, so this computer never needs it.
        </p>
        {errors.connectThrough ? (
          <p id="connectThrough-error" className="field__error">
            {errors.connectThrough}
          </p>
        ) : null}
      </fieldset>

      {connectThrough === 'broker' ? (
        <div className="field">
          <label className="field__label" htmlFor="brokerUrl">
            Broker URL
          </label>
          <input
            id="brokerUrl"
            name="brokerUrl"
            type="text"
            className="input"
            autoComplete="off"
            spellCheck={false}
            inputMode="url"
            value={brokerUrl}
            placeholder={builtInBrokerUrl ?? 'https://broker.example.com'}
            aria-invalid={errors.brokerUrl ? true : undefined}
            aria-describedby={describedBy('brokerUrl', errors.brokerUrl)}
            onChange={(event) => onChange({ brokerUrl: event.target.value })}
          />
          <p id="brokerUrl-hint" className="field__hint">
            {builtInBrokerUrl
              ? `Leave empty to use the broker this app was built with (${builtInBrokerUrl}).`
              : 'https://, or http:// only on this computer (127.0.0.1, localhost).'}
          </p>
          {errors.brokerUrl ? (
            <p id="brokerUrl-error" className="field__error">
              {errors.brokerUrl}
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
