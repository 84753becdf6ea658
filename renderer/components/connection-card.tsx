/**
 * The one connection card: status badge, state details, and the action(s) that fit the state.
 * Calls main only through the bridge it is given; keeps action feedback and the API test result.
 */
import { useEffect, useRef, useState } from 'react';
import type { FocusEvent } from 'react';
import type { ActionResult, ApiStatus, ConnectionState, JobberConnectApi, TestApiResult } from '../../electron/ipc/contract';
import { LIVE_GRANT_STATUSES } from '../../electron/ipc/connection-state';
import { useActions } from '../use-actions';
import type { ActionName } from '../use-actions';
import { useNow } from '../use-now';
import { BRIDGE_CALL_FAILED, FORGET_WORDING, accountNeedsAttention, describeDisconnect, describeError, isQuietError } from '../wording';
import { ConfirmPanel } from './confirm-panel';
import { ConnectionDetails } from './connection-details';
import { DisconnectConfirm } from './disconnect-confirm';
import { Notice } from './notice';
import type { NoticeTone } from './notice';
import { StatusBadge } from './status-badge';
import { TestApiResultView } from './test-api-result';

interface Feedback {
  tone: NoticeTone;
  headline: string;
  detail?: string;
}

interface ConnectionCardProps {
  state: ConnectionState;
  /** What Jobber's API last said about the account and the API version. */
  api: ApiStatus;
  bridge: JobberConnectApi;
  onOpenSettings: () => void;
  /** Broker mode: the broker's host, for "via broker <host>". */
  brokerHost?: string | null;
}

type FocusTarget = ActionName | 'open-settings';

const TICKING = new Set<ConnectionState['status']>(['connecting', 'connected', 'refreshing', 'offline-retrying']);
// States where a kept but unusable sign-in may sit on disk: main wipes it without calling Jobber.
const CAN_FORGET = new Set<ConnectionState['status']>(['needs-reconnect', 'storage-unavailable']);
// An API test result stays meaningful through a routine refresh, not once the connection degrades.
const KEEPS_TEST_RESULT = new Set<ConnectionState['status']>(['connected', 'refreshing']);

/** The dashboard's main card. */
export function ConnectionCard({ state, api, bridge, onOpenSettings, brokerHost = null }: ConnectionCardProps) {
  const { running, isDisabled, run } = useActions();
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [confirmingForget, setConfirmingForget] = useState(false);
  const [testResult, setTestResult] = useState<TestApiResult | null>(null);
  const [seenStatus, setSeenStatus] = useState(state.status);
  const now = useNow(TICKING.has(state.status));
  const rootRef = useRef<HTMLElement>(null);
  const focusInside = useRef(false);
  const preferFocus = useRef<FocusTarget | null>(null);
  const anyRunning = Object.values(running).some(Boolean);

  // Reset what belongs to the previous state while rendering, so no stale frame is shown.
  if (seenStatus !== state.status) {
    setSeenStatus(state.status);
    setConfirming(false);
    setConfirmingForget(false);
    if (!KEEPS_TEST_RESULT.has(state.status)) setTestResult(null);
    if (state.status === 'connected') setFeedback(null);
  }

  // A button that disappears or disables drops focus to <body>; put it back on the card's
  // next sensible action so keyboard users are not thrown to the top of the page.
  useEffect(() => {
    const root = rootRef.current;
    const active = document.activeElement;
    const wanted = preferFocus.current;
    preferFocus.current = null;
    if (!root || !focusInside.current || (active !== null && active !== document.body)) return;
    const target =
      (wanted && root.querySelector<HTMLElement>(`[data-action="${wanted}"]:not(:disabled)`)) ||
      root.querySelector<HTMLElement>('[data-action]:not(:disabled)');
    target?.focus();
  }, [state.status, confirming, confirmingForget, anyRunning]);

  const onFocusCapture = () => {
    focusInside.current = true;
  };
  const onBlurCapture = (event: FocusEvent<HTMLElement>) => {
    const next = event.relatedTarget;
    if (next instanceof Node && !rootRef.current?.contains(next)) focusInside.current = false;
  };

  const simple = async (action: 'connect' | 'cancel' | 'refresh', call: () => Promise<ActionResult>) => {
    setFeedback(null);
    const outcome = await run(action, call);
    if (!outcome.ok) {
      setFeedback({ tone: 'error', headline: BRIDGE_CALL_FAILED, detail: outcome.message });
    } else if (!outcome.value.ok) {
      const error = outcome.value.error;
      setFeedback({ tone: isQuietError(error) ? 'info' : 'error', headline: describeError(error), detail: error.message });
    }
  };

  const onConnect = () => void simple('connect', () => bridge.connect());
  const onCancel = () => void simple('cancel', () => bridge.cancel());
  const onRefresh = () => void simple('refresh', () => bridge.refreshNow());

  const onTestApi = async () => {
    setFeedback(null);
    setTestResult(null);
    const outcome = await run('test-api', () => bridge.testApi());
    if (outcome.ok) setTestResult(outcome.value);
    else setFeedback({ tone: 'error', headline: BRIDGE_CALL_FAILED, detail: outcome.message });
  };

  const onConfirmDisconnect = async () => {
    setFeedback(null);
    const outcome = await run('disconnect', () => bridge.disconnect());
    setConfirming(false);
    if (!outcome.ok) {
      setFeedback({ tone: 'error', headline: BRIDGE_CALL_FAILED, detail: outcome.message });
    } else if (outcome.value.ok) {
      const { jobberNotified, message } = outcome.value;
      setFeedback({ tone: jobberNotified ? 'success' : 'warning', headline: describeDisconnect(jobberNotified), detail: message });
    } else {
      setFeedback({ tone: 'error', headline: describeError(outcome.value.error), detail: outcome.value.error.message });
    }
  };

  // The engine's disconnect, from a state without a working grant: a local wipe, Jobber not called.
  const onConfirmForget = async () => {
    setFeedback(null);
    const outcome = await run('forget', () => bridge.disconnect());
    setConfirmingForget(false);
    if (!outcome.ok) {
      setFeedback({ tone: 'error', headline: BRIDGE_CALL_FAILED, detail: outcome.message });
    } else if (outcome.value.ok) {
      setFeedback({ tone: 'success', headline: FORGET_WORDING.done, detail: outcome.value.message });
    } else {
      setFeedback({ tone: 'error', headline: describeError(outcome.value.error), detail: outcome.value.error.message });
    }
  };

  const button = (action: ActionName, label: string, busyLabel: string, variant: string, onClick: () => void) => (
    <button
      type="button"
      className={`button button--${variant}`}
      data-action={action}
      disabled={isDisabled(action)}
      aria-busy={running[action] ? true : undefined}
      onClick={onClick}
    >
      {running[action] ? busyLabel : label}
    </button>
  );

  const openSettings = (
    <button type="button" className="button button--primary" data-action="open-settings" onClick={onOpenSettings}>
      Open settings
    </button>
  );
  const disconnect = button('disconnect', 'Disconnect', 'Disconnecting…', 'danger-quiet', () => setConfirming(true));
  const forget = (
    <>
      <span className="actions__spacer" />
      {button('forget', FORGET_WORDING.button, FORGET_WORDING.busy, 'danger-quiet', () => setConfirmingForget(true))}
    </>
  );

  let actions;
  switch (state.status) {
    case 'not-configured':
      actions = openSettings;
      break;
    case 'storage-unavailable':
      actions = (
        <>
          {openSettings}
          {forget}
        </>
      );
      break;
    case 'disconnected':
      actions = button('connect', 'Connect', 'Connecting…', 'primary', onConnect);
      break;
    case 'connecting':
      actions = button('cancel', 'Cancel', 'Cancelling…', 'secondary', onCancel);
      break;
    case 'connected':
      actions = (
        <>
          {button('refresh', 'Refresh now', 'Refreshing…', 'secondary', onRefresh)}
          {button('test-api', 'Test API', 'Testing…', 'secondary', () => void onTestApi())}
          <span className="actions__spacer" />
          {disconnect}
        </>
      );
      break;
    case 'refreshing':
      actions = (
        <>
          <button type="button" className="button button--secondary" disabled>
            Refreshing…
          </button>
          <span className="actions__spacer" />
          {disconnect}
        </>
      );
      break;
    case 'offline-retrying':
      actions = (
        <>
          {button('refresh', 'Retry now', 'Retrying…', 'primary', onRefresh)}
          <span className="actions__spacer" />
          {disconnect}
        </>
      );
      break;
    case 'needs-reconnect':
      // Jobber refused the client ID or secret: reconnecting with the same ones fails again, so
      // Settings comes first and Reconnect stays available for after the fix.
      actions =
        state.reason === 'credentials-rejected' ? (
          <>
            {openSettings}
            {button('connect', 'Reconnect', 'Reconnecting…', 'secondary', onConnect)}
            {forget}
          </>
        ) : state.reason === 'refusing-to-renew' ? (
          // The sign-in was kept, not lost: Retry puts it back to work.
          <>
            {button('refresh', 'Retry', 'Retrying…', 'primary', onRefresh)}
            {button('connect', 'Reconnect', 'Reconnecting…', 'secondary', onConnect)}
            {forget}
          </>
        ) : (
          <>
            {button('connect', 'Reconnect', 'Reconnecting…', 'primary', onConnect)}
            {forget}
          </>
        );
      break;
  }

  const accountName = 'account' in state && state.account ? state.account.name : 'this account';

  return (
    <section
      className="card connection-card"
      aria-labelledby="connection-heading"
      ref={rootRef}
      onFocusCapture={onFocusCapture}
      onBlurCapture={onBlurCapture}
    >
      <header className="card__header">
        <h2 id="connection-heading" className="card__title" tabIndex={-1}>
          Jobber connection
        </h2>
        <StatusBadge status={state.status} accountInactive={accountNeedsAttention(state, api)} />
      </header>
      <ConnectionDetails state={state} api={api} now={now} brokerHost={brokerHost} />
      {feedback ? <Notice tone={feedback.tone} headline={feedback.headline} detail={feedback.detail} /> : null}
      {confirmingForget && CAN_FORGET.has(state.status) ? (
        <ConfirmPanel
          title={FORGET_WORDING.title}
          text={FORGET_WORDING.text}
          confirmLabel={FORGET_WORDING.confirm}
          busyLabel={FORGET_WORDING.busy}
          keepLabel={FORGET_WORDING.keep}
          busy={Boolean(running.forget)}
          onConfirm={() => void onConfirmForget()}
          onCancel={() => {
            preferFocus.current = 'forget';
            setConfirmingForget(false);
          }}
        />
      ) : confirming && LIVE_GRANT_STATUSES.has(state.status) ? (
        <DisconnectConfirm
          accountName={accountName}
          busy={Boolean(running.disconnect)}
          onConfirm={() => void onConfirmDisconnect()}
          onCancel={() => {
            preferFocus.current = 'disconnect';
            setConfirming(false);
          }}
        />
      ) : (
        <div className="actions" role="group" aria-label="Connection actions">
          {actions}
        </div>
      )}
      {testResult ? <TestApiResultView result={testResult} /> : null}
    </section>
  );
}
