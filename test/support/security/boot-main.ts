/**
 * Boots the real composition root (electron/main.ts) against the electron stub, the way the app
 * starts: before-ready registrations, `ready`, the app window, typed IPC and the controller with the
 * in-process sandbox. Security tests then inspect or drive what main really built. The caller's
 * test file decides what to mock (the logging sink, the sandbox) with vi.mock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wireName, type InvokeChannel } from '../../../electron/ipc/channels';
import * as stub from '../electron/electron-stub';

export type ElectronStub = typeof stub;

export interface BootOptions {
  /** Runs with app.isPackaged (a shipped build: no dev server, no .env). */
  packaged?: boolean;
  /** Environment overrides while main runs (JOBBER_* variables are cleared first). */
  env?: Record<string, string>;
}

export interface BootedMain {
  stub: ElectronStub;
  appWindow: stub.BrowserWindow;
  userDataDir: string;
  /** Invokes a contract channel exactly as our preload would, from the app window's main frame. */
  invoke(channel: InvokeChannel, ...args: unknown[]): Promise<unknown>;
  /** Quits like the app does (held until the session stops), then undoes every global change. */
  quit(): Promise<void>;
}

/** Polls until `read` returns a truthy value (state changes land asynchronously). */
export async function waitFor<T>(read: () => T | null | undefined | false, label: string, attempts = 1000): Promise<T> {
  for (let i = 0; i < attempts; i += 1) {
    const value = read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${label}`);
}

/** Loads electron/main.ts once, fires `ready` and waits for the first snapshot to reach the window. */
export async function bootMain(options: BootOptions = {}): Promise<BootedMain> {
  stub.resetElectronStub();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-security-'));
  stub.app.setPath('userData', userDataDir);
  stub.app.isPackaged = options.packaged ?? false;

  const savedEnv = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('JOBBER_') || key === 'VITE_DEV_SERVER_URL') delete process.env[key];
  Object.assign(process.env, options.env ?? {});
  const listeners = {
    exception: process.listeners('uncaughtException'),
    rejection: process.listeners('unhandledRejection'),
  };

  await import('../../../electron/main');
  stub.app.ready = true;
  stub.app.emit('ready');
  const appWindow = await waitFor(() => stub.BrowserWindow.instances[0], 'the app window');
  await waitFor(() => appWindow.webContents.sent.length > 0, 'the first snapshot');

  return {
    stub,
    appWindow,
    userDataDir,
    invoke: (channel, ...args) => stub.ipcMain.invoke(wireName(channel), { sender: appWindow.webContents }, ...args),
    async quit() {
      stub.app.emit('before-quit', new stub.FakeEvent());
      await waitFor(() => stub.app.quitCalls > 0, 'quit').catch(() => undefined);
      for (const l of process.listeners('uncaughtException')) if (!listeners.exception.includes(l)) process.off('uncaughtException', l);
      for (const l of process.listeners('unhandledRejection')) if (!listeners.rejection.includes(l)) process.off('unhandledRejection', l);
      for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
      Object.assign(process.env, savedEnv);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
