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
  // What every room uses: clock, logger, errors, redaction, the one URL parser and HTTP helper.
  core: 'electron/core',
  // The OAuth engine: session, grant, refresh, connect, token client and the ports it plugs into.
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
/** The engine's ports and the records that cross them: what an adapter implements or passes on. */
const AUTH_PORTS = fileIn('auth', ['ports.ts', 'token-model.ts', 'stored-connection-schema.ts', 'config-types.ts']);

const allow = (from, to, extra = {}) => ({ from, allow: { to, ...extra } });
const disallow = (from, to) => ({ from, disallow: { to } });

const layerPolicies = [
  // Packages and Node built-ins are allowed by default; the disallow rules below narrow them.
  { allow: { to: { module: { origin: ['external', 'core'] } } } },
  ...Object.keys(ROOMS).map((type) => allow(room(type), room(type))),

  // core imports nothing of ours: every room may import it, so it must stay a leaf.
  // The OAuth engine: core and the IPC contract's data model (the states it produces).
  allow(room('auth'), [room('core'), IPC_CONTRACT]),
  // The adapters: core, the engine's ports, and the contract's data model.
  allow([room('jobber'), room('storage'), room('brokerClient')], [room('core'), AUTH_PORTS, IPC_CONTRACT]),
  // Broker mode's token endpoint reads expiries and sends secrets as the token client does; pairing
  // matches the callback and hands the grant to the Session (a type: the app room passes it in).
  allow(room('brokerClient'), fileIn('auth', ['token-expiry.ts', 'secret-request-options.ts', 'callback-parser.ts'])),
  allow(room('brokerClient'), fileIn('auth', 'session.ts'), { dependency: { kind: 'type' } }),
  // The auth window is the engine's adapter: it may use the callback matcher and the shared parts.
  allow(room('windows'), [room('core'), AUTH_PORTS, fileIn('auth', 'callback-parser.ts'), IPC_CONTRACT]),
  // The IPC contract imports nothing from the engine: its data model lives beside it. From core it
  // takes types, and the URL parser (pure and browser-safe: the renderer bundles the settings schema).
  allow(IPC_CONTRACT, room('core'), { dependency: { kind: 'type' } }),
  allow(IPC_CONTRACT, fileIn('core', 'url.ts')),
  // The wrapper logs through core.
  allow(IPC_WRAPPER, [IPC_CONTRACT, room('core')]),
  // The app room wires everything on the Electron side.
  allow(room('app'), [room('core'), room('auth'), room('jobber'), room('storage'), room('windows'), room('ipc'), room('brokerClient')]),
  // The composition root may use every Electron-side room.
  allow(MAIN, [room('core'), room('auth'), room('jobber'), room('storage'), room('windows'), room('ipc'), room('app'), room('brokerClient')]),
  // main.ts loads the sandbox, in sandbox mode only, through its one entry point: a dynamic import
  // the build turns into its own chunk (dist/main/sandbox.js), never part of main.js.
  allow(MAIN, fileIn('sandbox', 'embedded.ts')),
  allow(PRELOAD, IPC_CONTRACT),
  // The renderer sees main only through the contract (types, the settings schema).
  allow(room('renderer'), IPC_CONTRACT),
  // Tests may reach anything they exercise.
  allow(room('test'), Object.keys(ROOMS).map((type) => room(type)).concat(room('entry'))),

  // Narrowing: electron stays out of core, the engine, the contract, the renderer and the sandbox.
  disallow([room('core'), room('auth'), room('jobber'), room('brokerClient'), IPC_CONTRACT, room('renderer'), room('sandbox')], { module: { source: 'electron' } }),
  // The renderer bundles the contract: neither may use Node built-ins.
  disallow([room('renderer'), IPC_CONTRACT], { module: { origin: 'core' } }),
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
              group: ['node:http', '../auth/session', './config', '../storage/token-vault', './loopback-listener'],
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
