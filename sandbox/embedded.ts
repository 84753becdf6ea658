/**
 * The sandbox as the app embeds it (sandbox mode only): its own esbuild chunk, loaded by main.ts
 * with a dynamic import, so the production main bundle carries none of it. No control routes: a
 * shipped app serves nothing beyond Jobber's own endpoints.
 */
import { startSandbox, type Sandbox, type SandboxOptions } from './server';

export type EmbeddedSandboxOptions = Pick<SandboxOptions, 'port' | 'redirectUris' | 'statePath' | 'accessTokenLifetimeSec'>;

/** Starts the in-app sandbox on 127.0.0.1 without its control API. */
export function startEmbeddedSandbox(options: EmbeddedSandboxOptions): Promise<Pick<Sandbox, 'url' | 'close'>> {
  return startSandbox({ ...options, controlRoutes: false });
}
