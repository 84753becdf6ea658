/**
 * `npm run broker`: with no configuration, a development broker on 127.0.0.1 against an
 * in-process sandbox (PGlite in .broker-data/, a generated key); with JOBBER_CLIENT_ID,
 * JOBBER_CLIENT_SECRET, BROKER_PUBLIC_URL, BROKER_ENCRYPTION_KEYS (and DATABASE_URL for several
 * instances), a production broker. `npm run broker -- reencrypt` rewrites every stored token with
 * the current key and exits. Prints its address and, in development, the sandbox's public test
 * credentials; never a token.
 */
import { SANDBOX_CLIENT, startSandbox, type Sandbox } from '../sandbox/server';
import { startBroker } from './broker';
import { loadBrokerConfig, type BrokerConfig } from './config';
import { loadOrCreateDevKey } from './crypto/key-ring';
import { TokenCipher } from './crypto/token-cipher';
import type { JobberApp } from './jobber-gateway';
import { openStorage, type StorageTarget } from './storage/open-storage';

function storageTarget(config: BrokerConfig): StorageTarget {
  return config.databaseUrl
    ? { engine: 'postgres', connectionString: config.databaseUrl, schema: config.schema }
    : { engine: 'pglite', dataDir: config.dataDir, schema: config.schema };
}

function cipherFor(config: BrokerConfig): TokenCipher {
  return new TokenCipher(config.encryptionKeys ?? loadOrCreateDevKey(config.dataDir, (line) => console.log(line)));
}

async function reencrypt(config: BrokerConfig): Promise<void> {
  const storage = await openStorage(storageTarget(config), cipherFor(config));
  try {
    const count = await storage.reencryptAll();
    console.log(`re-encrypted ${count} grant(s) with key "${cipherFor(config).currentKeyId}"`);
  } finally {
    await storage.close();
  }
}

async function main(): Promise<void> {
  const config = loadBrokerConfig(process.env);
  if (process.argv[2] === 'reencrypt') return reencrypt(config);
  if (process.argv[2] !== undefined) throw new Error(`Unknown command "${process.argv[2]}". Commands: (none) to serve, reencrypt.`);

  const publicUrl = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  let sandbox: Sandbox | null = null;
  let jobber: JobberApp;
  if (config.jobber) {
    jobber = { ...config.jobber, redirectUri: `${publicUrl}/oauth/callback` };
  } else {
    if (config.port === 0) throw new Error('Development mode needs a fixed BROKER_PORT: the sandbox registers the broker\'s callback URL before it starts.');
    sandbox = await startSandbox({ redirectUris: [`${publicUrl}/oauth/callback`], webhookUrl: `${publicUrl}/webhooks/jobber` });
    jobber = { clientId: SANDBOX_CLIENT.clientId, clientSecret: SANDBOX_CLIENT.clientSecret, apiBaseUrl: sandbox.url, redirectUri: `${publicUrl}/oauth/callback` };
  }
  const broker = await startBroker({
    storage: storageTarget(config),
    cipher: cipherFor(config),
    jobber,
    host: config.host,
    port: config.port,
    publicUrl: config.publicUrl,
    logLevel: config.logLevel,
    deviceLimit: config.deviceLimit,
    ipLimit: config.ipLimit,
    trustProxy: config.trustProxy,
    extraReturnTo: config.extraReturnTo,
  }).catch(async (error: unknown) => {
    await sandbox?.close();
    throw error;
  });
  console.log(`broker listening on ${broker.url}`);
  if (sandbox) {
    console.log(
      `development: Jobber sandbox on ${sandbox.url} (client id ${SANDBOX_CLIENT.clientId}, client secret ${SANDBOX_CLIENT.clientSecret}); ` +
        `disconnect "in Jobber": curl -X POST ${sandbox.url}/__sandbox/disconnect; Marketplace connect: curl -X POST ${sandbox.url}/__sandbox/marketplace-connect`,
    );
    // The one line a newcomer pastes into a second terminal: the app through this broker, with
    // GraphQL going to the same sandbox the broker talks to.
    console.log(`run the app through it: JOBBER_BROKER_URL=${broker.url} JOBBER_API_BASE_URL=${sandbox.url} npm start`);
  }

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await broker.close();
      await sandbox?.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
