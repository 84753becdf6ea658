/**
 * The broker URL a packaged build carries from build time (scripts/build-main.mjs replaces
 * `process.env.JOBBER_CONNECT_DEFAULT_BROKER_URL` with the value it had when the build ran, so
 * the installed app does not read it from its own environment). Unbuilt runs (tests, tsx) read
 * the variable itself.
 */

/** The built-in default broker URL, or undefined when the build has none. */
export function builtInBrokerUrl(): string | undefined {
  const value = process.env.JOBBER_CONNECT_DEFAULT_BROKER_URL;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
