/**
 * Owns the one loopback listener of the system-browser mode: starts it for a Connect (once, even
 * when Connect is pressed twice while it is still binding) and stops it when the request ends.
 * The HTTP side lives in loopback-listener.ts; this class only holds its lifetime.
 */
import { AuthError } from '../core/errors';
import { SingleFlight } from '../core/single-flight';
import { checkRedirectForAuthMode } from '../ipc/settings-schema';
import { loopbackPort, startLoopbackListener, type LoopbackListener } from './loopback-listener';

export type StartLoopbackListener = typeof startLoopbackListener;

export class LoopbackReceiver {
  private listener: LoopbackListener | null = null;
  /** The listener being bound: a second Connect meanwhile waits for it instead of binding again. */
  private readonly starting = new SingleFlight<void>();

  /**
   * @param onCallback receives each callback URL the listener answers.
   * @param expects true when a callback URL carries the pending Connect's state (else 400).
   * @param start the listener factory (tests may pass their own).
   */
  constructor(
    private readonly onCallback: (url: string) => void,
    private readonly expects: (url: string) => boolean,
    private readonly start: StartLoopbackListener = startLoopbackListener,
  ) {}

  /**
   * Starts listening when `redirectUri` is a loopback URL with a port; otherwise does nothing.
   * Throws AuthError('misconfigured') for a portless loopback redirect, which the browser's answer
   * could never reach (config validation refuses it first; this is the same check as a backstop).
   */
  async ensure(redirectUri: string): Promise<void> {
    const problem = checkRedirectForAuthMode(redirectUri, 'system-browser');
    if (problem !== null) throw new AuthError('misconfigured', `Callback URL ${problem}`);
    const port = loopbackPort(redirectUri);
    if (port === null || this.listener !== null) return;
    await this.starting.run(async () => {
      this.listener = await this.start({ redirectUri, port, onCallback: (url) => this.onCallback(url), expects: (url) => this.expects(url) });
    });
  }

  /** Stops the listener (waiting for one still binding). Never throws. */
  async stop(): Promise<void> {
    await this.starting.inFlight?.catch(() => undefined);
    const listener = this.listener;
    this.listener = null;
    await listener?.close().catch(() => undefined);
  }
}
