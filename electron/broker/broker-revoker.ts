/**
 * Disconnect in broker mode: POST /v1/disconnect, after which the broker has told Jobber
 * (appDisconnect) and deleted the grant and every device credential on it. The local wipe is the
 * session's, and happens whatever this answers. Never throws.
 */
import { isAuthError } from '../core/errors';
import type { GrantRevoker } from '../auth/ports';
import { describeError } from '../core/redact';
import type { BrokerClient } from './broker-client';

export function createBrokerRevoker(client: BrokerClient): GrantRevoker {
  return {
    async revoke(credential, timeoutMs) {
      try {
        const { jobberNotified } = await client.disconnect(credential, timeoutMs);
        return jobberNotified
          ? { notified: true, problem: '' }
          : { notified: false, problem: 'the broker removed the connection but could not reach Jobber' };
      } catch (error) {
        // Disconnected in Jobber already: Jobber knows, which is what telling it was for.
        if (isAuthError(error) && error.kind === 'disconnected-in-jobber') return { notified: true, problem: '' };
        return { notified: false, problem: describeError(error) };
      }
    },
  };
}
