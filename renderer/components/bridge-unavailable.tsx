/** Shown instead of the dashboard when window.jobberConnect is missing (not running inside the app). */

/** Full-page explanation with the next step. */
export function BridgeUnavailable() {
  return (
    <main className="bridge-missing">
      <div className="card bridge-missing__card">
        <h1 className="card__title">Bridge unavailable</h1>
        <p>
          This page cannot reach the Jobber Connect app, so it cannot show or change the connection. It only works
          inside the Jobber Connect desktop app.
        </p>
        <p className="muted">Close this window and start Jobber Connect again. If this keeps happening, reinstall the app.</p>
      </div>
    </main>
  );
}
