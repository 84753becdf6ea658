// Lint rules that hold the architecture in place:
// only the typed IPC wrapper touches ipcMain/ipcRenderer, the engine never imports electron,
// and the renderer never imports Node or Electron.
import js from '@eslint/js';
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
    files: ['electron/auth/**/*.ts', 'electron/jobber/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine is Electron-free: take what you need through a port.' }],
          patterns: [{ group: ['electron/*', '../windows/*', '../storage/*', '../ipc/ipc-main', '../main'], message: 'The engine must not depend on the Electron side (it may use the IPC contract\'s data model).' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through window.jobberConnect.' }],
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'The renderer is browser code.' },
            { group: ['**/electron/auth/*', '**/electron/jobber/*', '**/electron/storage/*', '**/electron/windows/*'], message: 'Import contract types from electron/ipc/contract only.' },
          ],
        },
      ],
    },
  },
);
