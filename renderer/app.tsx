/**
 * The dashboard shell: top bar with the two views (connection, settings), the sandbox banner,
 * and the status announcer. Owns the snapshot subscription; everything else gets props.
 */
import { useCallback, useState } from 'react';
import type { JobberConnectApi } from '../electron/ipc/contract';
import { ActivityList } from './components/activity-list';
import { ConnectionCard } from './components/connection-card';
import { Notice } from './components/notice';
import { PairingConfirm } from './components/pairing-confirm';
import { SandboxBanner } from './components/sandbox-banner';
import { SettingsPanel } from './components/settings-panel';
import { StatusAnnouncer } from './components/status-announcer';
import { useSnapshot } from './use-snapshot';
import { BRIDGE_CALL_FAILED, describeVersionWarning } from './wording';

export type View = 'connection' | 'settings';

const VIEWS: ReadonlyArray<{ id: View; label: string }> = [
  { id: 'connection', label: 'Connection' },
  { id: 'settings', label: 'Settings' },
];

/** The whole renderer UI for a given bridge. */
export function App({ bridge, initialView = 'connection' }: { bridge: JobberConnectApi; initialView?: View }) {
  const result = useSnapshot(bridge);
  const [view, setView] = useState<View>(initialView);

  const show = useCallback((next: View) => {
    setView(next);
    if (next === 'connection') {
      // Return focus to the card heading so keyboard users land where they left off.
      requestAnimationFrame(() => document.getElementById('connection-heading')?.focus());
    }
  }, []);

  const snapshot = result.phase === 'ready' ? result.snapshot : null;

  let content;
  if (result.phase === 'failed') {
    content = <Notice tone="error" headline={BRIDGE_CALL_FAILED} detail={result.message} />;
  } else if (view === 'settings') {
    content = <SettingsPanel bridge={bridge} onClose={() => show('connection')} />;
  } else if (!snapshot) {
    content = (
      <p className="muted loading" role="status">
        Loading the connection…
      </p>
    );
  } else {
    content = (
      <div className="dashboard">
        {snapshot.api.versionWarning ? (
          <Notice tone="warning" headline={describeVersionWarning(snapshot.api.versionWarning)} detail={snapshot.api.versionWarning.message} />
        ) : null}
        {snapshot.pairing ? <PairingConfirm pairing={snapshot.pairing} bridge={bridge} /> : null}
        <ConnectionCard
          state={snapshot.connection}
          api={snapshot.api}
          bridge={bridge}
          onOpenSettings={() => show('settings')}
          brokerHost={snapshot.broker?.host ?? null}
        />
        <ActivityList entries={snapshot.activity} />
      </div>
    );
  }

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <svg className="brand__mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M9 7h6v4a3 3 0 0 1-6 0z" />
            <path d="M10 3v4M14 3v4M12 14v7" />
          </svg>
          <span className="brand__name">Jobber Connect</span>
        </div>
        <nav className="tabs" aria-label="Views">
          {VIEWS.map(({ id, label }) => (
            <button
              key={id}
              type="button"
              className="tab"
              aria-current={view === id ? 'page' : undefined}
              onClick={() => show(id)}
            >
              {label}
            </button>
          ))}
        </nav>
      </header>
      {snapshot?.environment === 'sandbox' ? <SandboxBanner /> : null}
      <main className="content">
        <h1 className="visually-hidden">Jobber Connect</h1>
        {content}
      </main>
      <StatusAnnouncer state={snapshot?.connection ?? null} />
    </div>
  );
}
