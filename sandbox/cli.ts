/**
 * `npm run sandbox`: starts a sandbox and keeps it up until Ctrl-C. Prints only its URLs and the
 * sandbox client credentials (public test values), never a token.
 * Flags: --port N, --access-token-lifetime=SECONDS, --redirect-uri=URI (repeatable), --state=PATH.
 */
import { parseCliArgs } from './cli-args';
import { SANDBOX_CLIENT, SANDBOX_DEFAULT_REDIRECT_URI, SANDBOX_PATHS, startSandbox, type SandboxOptions } from './server';

async function main(): Promise<void> {
  let options: SandboxOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const sandbox = await startSandbox(options);
  const redirectUris = options.redirectUris ?? [SANDBOX_DEFAULT_REDIRECT_URI];
  console.log(`Jobber sandbox listening on ${sandbox.url}`);
  console.log(`  apiBaseUrl:    ${sandbox.url}`);
  console.log(`  authorize:     ${sandbox.url}${SANDBOX_PATHS.authorize}`);
  console.log(`  token:         ${sandbox.url}${SANDBOX_PATHS.token}`);
  console.log(`  graphql:       ${sandbox.url}${SANDBOX_PATHS.graphql}`);
  console.log(`  control API:   ${sandbox.url}${SANDBOX_PATHS.control}/counters`);
  console.log(`  client id:     ${SANDBOX_CLIENT.clientId}`);
  console.log(`  client secret: ${SANDBOX_CLIENT.clientSecret}`);
  console.log(`  redirect URI:  ${redirectUris.join(', ')}`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
