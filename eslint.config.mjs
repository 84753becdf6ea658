// Lint rules that hold the architecture in place: which room may import which (eslint-plugin-boundaries,
// default disallow), only the typed IPC wrapper touches ipcMain/ipcRenderer, the engine never imports
// electron, and the renderer is browser code that sees main only through the IPC contract.
// test/unit/architecture/layer-rules.test.ts shows a wrong-way import failing.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

const electronIpcOnlyInWrapper = {
  paths: [
    {
      name: 'electron',
      importNames: ['ipcMain', 'ipcRenderer'],
      message: 'Use the typed wrapper in electron/ipc/ instead of raw ipcMain/ipcRenderer.',
    },
  ],
};

/** The rooms, each a folder (or a single file) whose job its name says. */
const ROOMS = {
  auth: 'electron/auth',
  jobber: 'electron/jobber',
  storage: 'electron/storage',
  windows: 'electron/windows',
  // The app's side of broker mode: the broker's HTTP client, its token endpoint and pairing.
  brokerClient: 'electron/broker',
  ipc: 'electron/ipc',
  app: 'electron/app',
  renderer: 'renderer',
  sandbox: 'sandbox',
  test: 'test',
};

const room = (type, extra = {}) => ({ element: { type, ...extra } });
/** A file inside a room, by its path within the room. */
const fileIn = (type, files) => ({ element: { type, fileInternalPath: files } });
const IPC_WRAPPER = fileIn('ipc', 'ipc-main.ts');
const MAIN = fileIn('entry', 'main.ts');
const PRELOAD = fileIn('entry', 'preload.ts');
/** Everything in electron/ipc but the Electron-side wrapper: the contract, its data model, the settings schema. */
const IPC_CONTRACT = room('ipc', { fileInternalPath: '!ipc-main.ts' });

/**
 * What auth/ shares with every room until a core/ room exists (errors, ports, redaction, the data
 * model and configuration types): other rooms may import these, not the engine's inner workings.
 */
const AUTH_SHARED = fileIn('auth', [
  'errors.ts',
  'ports.ts',
  'redact.ts',
  'http-retry.ts',
  'api-url.ts',
  'config-types.ts',
  'connection-state.ts',
  'token-model.ts',
  'stored-connection-schema.ts',
]);

const allow = (from, to, extra = {}) => ({ from, allow: { to, ...extra } });
const disallow = (from, to) => ({ from, disallow: { to } });

const layerPolicies = [
  // Packages and Node built-ins are allowed by default; the disallow rules below narrow them.
  { allow: { to: { module: { origin: ['external', 'core'] } } } },
  ...Object.keys(ROOMS).map((type) => allow(room(type), room(type))),

  // The OAuth engine: itself and the IPC contract's data model (the states it produces).
  allow(room('auth'), IPC_CONTRACT),
  // The GraphQL client: the engine's shared parts and the contract's data model.
  allow(room('jobber'), [AUTH_SHARED, IPC_CONTRACT]),
  // Leak, allowed for now: graphql-client.ts takes its backoff from the refresh policy. It moves to
  // core's HTTP helper (one Retry-After/backoff for the token and GraphQL clients) in the next round.
  allow(room('jobber'), fileIn('auth', 'refresh-policy.ts')),
  allow(room('storage'), [AUTH_SHARED, IPC_CONTRACT]),
  // Broker mode plugs into the engine's ports (a TokenEndpoint, a revoker) like any adapter.
  allow(room('brokerClient'), [AUTH_SHARED, IPC_CONTRACT]),
  // Its token endpoint reads expiries and sends secrets as the token client does; pairing matches
  // the callback and hands the grant to the Session (a type: the app room passes the session in).
  allow(room('brokerClient'), fileIn('auth', ['token-expiry.ts', 'secret-request-options.ts', 'callback-parser.ts'])),
  allow(room('brokerClient'), fileIn('auth', 'session.ts'), { dependency: { kind: 'type' } }),
  // The auth window is the engine's adapter: it may use the callback matcher and the shared parts.
  allow(room('windows'), [AUTH_SHARED, fileIn('auth', 'callback-parser.ts'), IPC_CONTRACT]),
  // Leak, allowed for now: auth-window.ts asks app/callback-args.ts for the callback scheme. The
  // security helper is reworking the auth window and callback handling in parallel; the scheme
  // helper moves next to callback-parser.ts after that lands.
  allow(room('windows'), fileIn('app', 'callback-args.ts')),
  // The IPC contract imports nothing from the engine, except two data-model types that move next
  // to it with connection-state.ts in the next round (other helpers are editing it now).
  allow(IPC_CONTRACT, [fileIn('auth', ['connection-state.ts', 'errors.ts']), fileIn('jobber', 'query-cost.ts'), fileIn('brokerClient', 'broker-views.ts')], {
    dependency: { kind: 'type' },
  }),
  // The wrapper logs through the shared logger and redaction.
  allow(IPC_WRAPPER, [IPC_CONTRACT, AUTH_SHARED]),
  // Leak, allowed for now: the sender check uses windows/navigation-policy.ts's originOf. It moves
  // to core's one URL parser in the next round; a second copy here would be worse.
  allow(IPC_WRAPPER, fileIn('windows', 'navigation-policy.ts')),
  // The app room wires everything on the Electron side.
  allow(room('app'), [room('auth'), room('jobber'), room('storage'), room('windows'), room('ipc'), room('brokerClient')]),
  // The composition root may use every Electron-side room.
  allow(MAIN, [room('auth'), room('jobber'), room('storage'), room('windows'), room('ipc'), room('app'), room('brokerClient')]),
  // main.ts loads the sandbox, in sandbox mode only, through its one entry point: a dynamic import
  // the build turns into its own chunk (dist/main/sandbox.js), never part of main.js.
  allow(MAIN, fileIn('sandbox', 'embedded.ts')),
  allow(PRELOAD, IPC_CONTRACT),
  // The renderer sees main only through the contract (types, the settings schema).
  allow(room('renderer'), IPC_CONTRACT),
  // Tests may reach anything they exercise.
  allow(room('test'), Object.keys(ROOMS).map((type) => room(type)).concat(room('entry'))),

  // Narrowing: electron stays out of the engine, the contract, the renderer and the sandbox.
  disallow([room('auth'), room('jobber'), room('brokerClient'), IPC_CONTRACT, room('renderer'), room('sandbox')], { module: { source: 'electron' } }),
  disallow(room('renderer'), { module: { origin: 'core' } }),
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        Buffer: 'readonly',
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronIpcOnlyInWrapper],
    },
  },
  {
    files: ['electron/ipc/**/*.ts', 'electron/preload.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The controller delegates: engine building to build-runtime.ts, the loopback listener to
    // loopback-receiver.ts.
    files: ['electron/app/app-controller.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronIpcOnlyInWrapper,
          patterns: [
            {
              group: ['node:http', '../auth/session', '../auth/config', '../storage/token-vault', './loopback-listener'],
              message: 'The controller delegates: build the engine in build-runtime.ts, listen in loopback-receiver.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx', 'sandbox/**/*.ts', 'test/**/*.ts', 'test/**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] } },
      'boundaries/elements': [
        ...Object.entries(ROOMS).map(([type, pattern]) => ({ type, pattern, partialMatch: false })),
        // What is left directly in electron/: main.ts and preload.ts (after the rooms, first match wins).
        { type: 'entry', pattern: 'electron', partialMatch: false },
      ],
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', checkAllOrigins: true, policies: layerPolicies }],
    },
  },
);
