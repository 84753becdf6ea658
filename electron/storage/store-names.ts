/**
 * File names of the stores in userData. The connection file is keyed by environment and client id,
 * so a sandbox connection never shadows a Jobber one and two Jobber apps never share tokens.
 */
import { createHash } from 'node:crypto';
import type { Environment } from '../ipc/settings-schema';

export const SETTINGS_FILE = 'settings';

/** `connection-<environment>-<first 16 hex of sha256(clientId)>` (the id itself stays out of file names). */
export function connectionFileName(environment: Environment, clientId: string): string {
  const digest = createHash('sha256').update(clientId, 'utf8').digest('hex').slice(0, 16);
  return `connection-${environment}-${digest}`;
}
