/**
 * One definition, many users: the settings fields, the API method list, the Electron binary lookup
 * and the origin helper each live in one place, and the app controller delegates the loopback
 * receiver and the engine building. These tests fail if a copy creeps back in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_INVOKE_METHODS, API_METHODS, INVOKE_CHANNELS, SETTINGS_FIELDS } from '../../electron/ipc/contract';
import { isTrustedSender } from '../../electron/ipc/ipc-main';
import { settingsFieldErrors, settingsUpdateSchema } from '../../electron/ipc/ipc-schemas';
import { originOf } from '../../electron/windows/navigation-policy';
import { LoopbackReceiver } from '../../electron/app/loopback-receiver';
import type { LoopbackListener } from '../../electron/app/loopback-listener';
import { electronBinary } from '../../scripts/electron-binary.cjs';

const root = path.resolve(__dirname, '../..');
const source = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('settings fields', () => {
  it('the IPC schema has exactly the contract fields, and every field can carry its own error', () => {
    expect(Object.keys(settingsUpdateSchema.shape).sort()).toEqual([...SETTINGS_FIELDS].sort());
    const parsed = settingsUpdateSchema.safeParse(Object.fromEntries(SETTINGS_FIELDS.map((field) => [field, 12])));
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const wrapped = { ...parsed.error, issues: parsed.error.issues.map((issue) => ({ ...issue, path: [0, ...issue.path] })) };
    expect(Object.keys(settingsFieldErrors(wrapped as typeof parsed.error)).sort()).toEqual([...SETTINGS_FIELDS].sort());
  });

  it('the renderer form and the IPC schema read the contract list instead of keeping their own', () => {
    expect(source('renderer/components/settings-panel.tsx')).toContain('SETTINGS_FIELDS');
    expect(source('electron/ipc/ipc-schemas.ts')).toContain('SETTINGS_FIELDS');
    expect(source('renderer/components/settings-panel.tsx')).not.toMatch(/FIELD_ORDER/);
  });
});

describe('API methods', () => {
  it('every method maps to a contract channel, each channel once', () => {
    expect(Object.values(API_INVOKE_METHODS).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect([...API_METHODS].sort()).toEqual([...Object.keys(API_INVOKE_METHODS), 'onStateChanged'].sort());
  });

  it('the preload and the renderer bridge use the contract list', () => {
    expect(source('electron/preload.ts')).toContain('API_INVOKE_METHODS');
    expect(source('renderer/bridge.ts')).toContain('API_METHODS');
    expect(source('renderer/bridge.ts')).not.toMatch(/'refreshNow'/);
  });
});

describe('originOf', () => {
  it('the IPC sender check uses navigation-policy’s originOf, with the same answers', () => {
    expect(source('electron/ipc/ipc-main.ts')).not.toMatch(/new URL\(/);
    const main = { url: 'app://jobber-connect/index.html', processId: 1, routingId: 2 };
    for (const url of ['app://jobber-connect/x', 'APP://Jobber-Connect/y', 'app://evil/', 'http://127.0.0.1:5173/', 'nonsense', 'about:blank']) {
      const expected = originOf(url) === 'app://jobber-connect';
      expect(isTrustedSender({ ...main, url }, { mainFrame: main, appOrigin: 'app://jobber-connect' }), url).toBe(expected);
    }
  });
});

describe('electronBinary (scripts/electron-binary.cjs)', () => {
  function fakeProject(withPathTxt: boolean): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-electron-bin-'));
    temps.push(dir);
    fs.mkdirSync(path.join(dir, 'node_modules/electron/dist'), { recursive: true });
    if (withPathTxt) fs.writeFileSync(path.join(dir, 'node_modules/electron/path.txt'), 'electron');
    return dir;
  }

  it('finds dist/<path.txt>, honours ELECTRON_OVERRIDE_DIST_PATH, and says null (never downloads) when missing', () => {
    const dir = fakeProject(true);
    expect(electronBinary({ root: dir, env: {} })).toBeNull();
    fs.writeFileSync(path.join(dir, 'node_modules/electron/dist/electron'), '');
    expect(electronBinary({ root: dir, env: {} })).toBe(path.join(dir, 'node_modules/electron/dist/electron'));
    const override = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-electron-override-'));
    temps.push(override);
    expect(electronBinary({ root: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: override } })).toBeNull();
    fs.writeFileSync(path.join(override, 'electron'), '');
    expect(electronBinary({ root: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: override } })).toBe(path.join(override, 'electron'));
    const bare = fakeProject(false);
    fs.writeFileSync(path.join(override, 'electron.exe'), '');
    expect(electronBinary({ root: bare, env: { ELECTRON_OVERRIDE_DIST_PATH: override }, platform: 'win32' })).toBe(path.join(override, 'electron.exe'));
    expect(electronBinary({ root: bare, env: {} })).toBeNull();
  });

  it('is the only copy: dev.mjs and the e2e spec import it', () => {
    for (const file of ['scripts/dev.mjs', 'test/e2e/app.spec.ts']) {
      expect(source(file), file).toMatch(/from '[./]+scripts\/electron-binary\.cjs'|from '\.\/electron-binary\.cjs'/);
      expect(source(file), file).not.toMatch(/function electronBinary/);
    }
  });
});

describe('app controller delegates', () => {
  it('loopback handling and engine building live in their own modules', () => {
    const controller = source('electron/app/app-controller.ts');
    expect(controller).not.toMatch(/startLoopbackListener|node:http|createTokenVault|new Session\(|loadConfig/);
    expect(controller).toContain("from './loopback-receiver'");
    expect(controller).toContain("from './build-runtime'");
  });

  it('LoopbackReceiver starts one listener for concurrent Connects and closes it on stop', async () => {
    let starts = 0;
    let closes = 0;
    let release: () => void = () => {};
    const bound = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = new LoopbackReceiver(
      () => {},
      () => true,
      async (options): Promise<LoopbackListener> => {
        starts += 1;
        await bound;
        return { port: options.port, hosts: ['127.0.0.1'], close: async () => void (closes += 1) };
      },
    );
    const first = receiver.ensure('http://127.0.0.1:4567/cb');
    const second = receiver.ensure('http://127.0.0.1:4567/cb');
    release();
    await Promise.all([first, second]);
    await receiver.ensure('http://127.0.0.1:4567/cb');
    expect(starts).toBe(1);
    await receiver.stop();
    await receiver.stop();
    expect(closes).toBe(1);
    await receiver.ensure('com.jobberconnect.app:/oauth/callback');
    expect(starts).toBe(1);
    await expect(receiver.ensure('http://127.0.0.1/cb')).rejects.toMatchObject({ kind: 'misconfigured' });
  });
});
