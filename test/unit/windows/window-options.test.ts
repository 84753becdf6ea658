import { describe, expect, it } from 'vitest';
import { appWindowOptions, authPageViewOptions, authWindowOptions } from '../../../electron/windows/window-options';

const HARDENED = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
};

describe('window options', () => {
  it('auth window: hardened, own partition, no preload, hidden until loaded', () => {
    const options = authWindowOptions('auth-abc');
    expect(options.webPreferences).toMatchObject({ ...HARDENED, partition: 'auth-abc' });
    expect(options.webPreferences).not.toHaveProperty('preload');
    expect(options.webPreferences?.partition?.startsWith('persist:')).toBe(false);
    expect(options.show).toBe(false);
  });

  it("auth window's page view (Jobber's pages): the same hardening and partition, no preload", () => {
    const options = authPageViewOptions('auth-abc');
    expect(options.webPreferences).toMatchObject({ ...HARDENED, partition: 'auth-abc', devTools: false });
    expect(options.webPreferences).not.toHaveProperty('preload');
    expect(authPageViewOptions('auth-abc', { devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('app window: hardened, bundled preload, show false, remembered bounds', () => {
    const options = appWindowOptions('/app/dist/preload/preload.js', { x: 10, y: 20, width: 900, height: 700 });
    expect(options.webPreferences).toMatchObject({ ...HARDENED, preload: '/app/dist/preload/preload.js' });
    expect(options.show).toBe(false);
    expect(options).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
    expect(appWindowOptions('/p.js', null)).not.toHaveProperty('x');
  });

  it('turn DevTools off unless asked, for both windows', () => {
    expect(authWindowOptions('auth-x').webPreferences?.devTools).toBe(false);
    expect(appWindowOptions('/p.js', null).webPreferences?.devTools).toBe(false);
    expect(authWindowOptions('auth-x', { devTools: true }).webPreferences?.devTools).toBe(true);
    expect(appWindowOptions('/p.js', null, { devTools: true }).webPreferences?.devTools).toBe(true);
  });
});
