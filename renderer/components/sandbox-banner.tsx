/** The always-visible label for sandbox mode, so nobody mistakes it for their real Jobber account. */

/** Banner shown when the snapshot's environment is "sandbox". */
export function SandboxBanner() {
  return (
    <div className="sandbox-banner" role="note" data-testid="sandbox-banner">
      <strong>Sandbox: not connected to real Jobber</strong>
      <span className="sandbox-banner__detail">A local stand-in answers instead. No real account or data is used.</span>
    </div>
  );
}
