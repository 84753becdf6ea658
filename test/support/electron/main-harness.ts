/**
 * Builds the real main-process graph (controller, typed IPC, auth window) against the electron stub,
 * a temp userData folder and the real in-process sandbox, and records every IPC message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserWindow as ElectronBrowserWindow, SafeStorage } from 'electron';
import { systemClock, type Clock } from '../../../electron/core/clock';
import { silentLogger } from '../../../electron/core/logger';
import { AppController } from '../../../electron/app/app-controller';
import { registerIpcHandlers } from '../../../electron/app/ipc-handlers';
import { SettingsStore } from '../../../electron/app/settings-store';
import { createIpcMain } from '../../../electron/ipc/ipc-main';
import { wireName, type InvokeChannel } from '../../../electron/ipc/channels';
import { openJsonFile } from '../../../electron/storage/json-file';
import { electronSafeStorage } from '../../../electron/storage/safe-storage-port';
import { SETTINGS_FILE } from '../../../electron/storage/store-names';
import { AuthWindowController } from '../../../electron/windows/auth-window';
import { startSandbox } from '../../../sandbox/server';
import { authPage } from './auth-views';
import { BrowserWindow, ipcMain, safeStorage, shell } from './electron-stub';

export interface TrafficRecord {
  direction: 'in' | 'out';
  channel: string;
  payload: unknown;
}

export async function createHarness(options: { env?: Record<string, string | undefined>; clock?: Clock; userDataDir?: string } = {}) {
  const userDataDir = options.userDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jc-main-'));
  const clock = options.clock ?? systemClock;
  const traffic: TrafficRecord[] = [];
  const appWindow = new BrowserWindow({});
  appWindow.webContents.mainFrame.url = 'app://jobber-connect/index.html';
  const port = electronSafeStorage(safeStorage as unknown as SafeStorage, 'linux');
  const sandboxes: Array<{ close(): Promise<void> }> = [];
  const notifications: Array<{ title: string; body: string }> = [];

  const ipc = createIpcMain({
    getAppWindow: () => appWindow as unknown as ElectronBrowserWindow,
    appOrigin: 'app://jobber-connect',
    logger: silentLogger,
    onTraffic: (record) => traffic.push(structuredClone(record)),
  });
  const authWindow = new AuthWindowController({ clock, logger: silentLogger, openExternal: (url) => void shell.openExternal(url) });
  const controller = new AppController({
    userDataDir,
    env: options.env ?? {},
    dotenvText: null,
    settings: new SettingsStore(openJsonFile({ dir: userDataDir, name: SETTINGS_FILE, now: () => clock.now() }), port, silentLogger),
    safeStorage: port,
    clock,
    logger: silentLogger,
    authWindow,
    openExternal: (url) => shell.openExternal(url),
    startSandbox: async (o) => {
      const sandbox = await startSandbox(o);
      sandboxes.push(sandbox);
      return sandbox;
    },
    onSnapshot: (snapshot) => ipc.send(appWindow as unknown as ElectronBrowserWindow, 'state-changed', snapshot),
    notify: (title, body) => notifications.push({ title, body }),
  });
  registerIpcHandlers(ipc, controller);

  return {
    userDataDir,
    controller,
    appWindow,
    traffic,
    /** System notifications the controller asked for. */
    notifications,
    /** Invokes a channel as our renderer would. */
    invoke: (channel: InvokeChannel, ...args: unknown[]) =>
      ipcMain.invoke(wireName(channel), { sender: appWindow.webContents }, ...args),
    /** The auth window the last Connect opened. */
    authWindow: () => BrowserWindow.instances.filter((w) => w !== appWindow && !w.destroyed).at(-1) ?? null,
    /** Jobber's page in that window (the auth window's child view), or null with no window. */
    authPage: () => {
      const win = BrowserWindow.instances.filter((w) => w !== appWindow && !w.destroyed).at(-1);
      return win === undefined ? null : authPage(win);
    },
    async close() {
      await controller.stop();
      ipc.dispose();
      for (const sandbox of sandboxes.splice(0)) await sandbox.close().catch(() => undefined);
    },
  };
}
