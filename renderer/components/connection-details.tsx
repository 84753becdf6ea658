/**
 * The body of the connection card for each state: who is connected, since when, the token's
 * life, the last and next refresh, or why the app cannot connect and what to do about it.
 */
import type { ReactNode } from 'react';
import type { ApiStatus, ConnectionState, GrantDetails } from '../../electron/ipc/contract';
import { formatClock, formatCountdown, formatDateTime, formatRelative, isoTime } from '../time-format';
import { REFRESH_RESULT_LABEL, RETRY_HEADLINE, RETRY_HEADLINE_VIA_BROKER, describeAccountInactive, describeError, describeStorageUnavailable } from '../wording';
import { Notice } from './notice';
import { TokenLife } from './token-life';

/** A time shown as local clock time plus "in 5 minutes" / "3 minutes ago". */
function When({ at, now }: { at: number; now: number }) {
  return (
    <>
      <time dateTime={isoTime(at)}>{formatClock(at)}</time>{' '}
      <span className="muted">({formatRelative(at, now)})</span>
    </>
  );
}

function AccountBlock({ name, connectedAt, brokerHost = null }: { name: string; connectedAt: number | null; brokerHost?: string | null }) {
  return (
    <div className="account">
      <p className="account__label">Jobber account</p>
      <p className="account__name" data-testid="account-name">
        {name}
      </p>
      {connectedAt !== null ? (
        <p className="account__meta">
          Connected since <time dateTime={isoTime(connectedAt)}>{formatDateTime(connectedAt)}</time>
        </p>
      ) : null}
      {brokerHost ? (
        <p className="account__meta" data-testid="via-broker">
          via broker {brokerHost}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The body of every state that holds a working grant: account, an optional notice, the token's
 * life, the last refresh, and the state's "next" row (`nextLabel` with `children` as its value).
 */
function GrantView(props: {
  grant: GrantDetails;
  api: ApiStatus;
  now: number;
  nextLabel: string;
  notice?: ReactNode;
  children: ReactNode;
  brokerHost: string | null;
}) {
  const { grant, now } = props;
  const last = grant.lastRefresh;
  return (
    <div className="details">
      <AccountBlock name={grant.account.name} connectedAt={grant.connectedAt} brokerHost={props.brokerHost} />
      {props.api.account === 'inactive' ? <Notice tone="error" headline={describeAccountInactive(grant.account.name)} /> : null}
      {props.notice}
      <TokenLife issuedAt={grant.accessTokenIssuedAt} expiresAt={grant.accessTokenExpiresAt} now={now} />
      <dl className="facts">
        <div className="facts__row">
          <dt>Last refresh</dt>
          <dd data-testid="last-refresh">
            {last ? (
              <>
                <When at={last.at} now={now} />
                <span className={`result result--${last.result}`}>{REFRESH_RESULT_LABEL[last.result]}</span>
                {last.message ? <span className="facts__detail">{last.message}</span> : null}
              </>
            ) : (
              'None yet'
            )}
          </dd>
        </div>
        <div className="facts__row">
          <dt>{props.nextLabel}</dt>
          <dd data-testid="next-refresh">{props.children}</dd>
        </div>
        {props.api.version ? (
          <div className="facts__row">
            <dt>API version</dt>
            <dd data-testid="api-version">{props.api.version} (as Jobber answered)</dd>
          </div>
        ) : null}
      </dl>
    </div>
  );
}

/** State-specific content of the card. `now` comes from the card's ticking clock. */
export function ConnectionDetails({ state, api, now, brokerHost = null }: { state: ConnectionState; api: ApiStatus; now: number; brokerHost?: string | null }) {
  switch (state.status) {
    case 'not-configured':
      return (
        <div className="details">
          <p className="lead">Jobber Connect needs your Jobber app’s details before it can connect. Open Settings to add them.</p>
          {state.problems.length > 0 ? (
            <ul className="problems" aria-label="What is missing">
              {state.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : null}
        </div>
      );
    case 'disconnected':
      return (
        <div className="details">
          <p className="lead">Not connected. Connect to sign in to Jobber and allow this app access to your account.</p>
          {state.notice ? <Notice tone="info" headline={state.notice} /> : null}
          {state.lastError ? (
            <Notice tone="error" headline={describeError(state.lastError)} detail={state.lastError.message} />
          ) : null}
        </div>
      );
    case 'connecting':
      return (
        <div className="details">
          <p className="lead">
            {state.mode === 'system-browser'
              ? 'Finish signing in to Jobber in your web browser. This window updates when you are done.'
              : 'Finish signing in to Jobber in the sign-in window. This window updates when you are done.'}
          </p>
          <p className="muted">
            The sign-in request expires at <time dateTime={isoTime(state.expiresAt)}>{formatClock(state.expiresAt)}</time> (
            <span data-testid="connect-countdown">{formatCountdown(state.expiresAt - now)}</span> left).
          </p>
        </div>
      );
    case 'connected':
      return (
        <GrantView grant={state} api={api} now={now} nextLabel="Next refresh" brokerHost={brokerHost}>
          <When at={state.nextRefreshAt} now={now} />
        </GrantView>
      );
    case 'refreshing':
      return (
        <GrantView grant={state} api={api} now={now} nextLabel="Next refresh" brokerHost={brokerHost}>
          Refreshing the access token now…
        </GrantView>
      );
    case 'offline-retrying':
      return (
        <GrantView
          grant={state}
          api={api}
          now={now}
          nextLabel="Next attempt"
          brokerHost={brokerHost}
          notice={
            <Notice
              tone="warning"
              headline={brokerHost && state.cause === 'unreachable' ? RETRY_HEADLINE_VIA_BROKER : RETRY_HEADLINE[state.cause]}
              detail={state.message}
            />
          }
        >
          <When at={state.nextAttemptAt} now={now} />
          <span className="facts__detail">Attempt {state.attempt}</span>
        </GrantView>
      );
    case 'needs-reconnect':
      return (
        <div className="details">
          {state.account ? <AccountBlock name={state.account.name} connectedAt={null} /> : null}
          {/* Main's one sentence for the situation: it names the reason, the account and any failure. */}
          <Notice tone="error" headline={state.message} />
        </div>
      );
    case 'storage-unavailable':
      return (
        <div className="details">
          <Notice tone="error" headline={describeStorageUnavailable(state.reason)} detail={state.message} />
        </div>
      );
  }
}
