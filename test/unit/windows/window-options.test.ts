import { describe, expect, it } from 'vitest';
import { appWindowOptions, authPageViewOptions, authWindowOptions } from '../../../electron/windows/window-options';
import { contentSecurityPolicy } from '../../../electron/windows/content-security-policy';
import { restoreBounds } from '../../../electron/windows/window-state';

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
});

describe('contentSecurityPolicy', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

  it('production allows only our own files and no inline script', () => {
    const csp = directives(contentSecurityPolicy({ kind: 'production' }));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
    expect([...csp.values()].flat()).not.toContain("'unsafe-inline'");
  });

  it('development adds only the dev server and its websocket', () => {
    const csp = directives(contentSecurityPolicy({ kind: 'development', devServerOrigin: 'http://127.0.0.1:5173' }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:5173', 'ws://127.0.0.1:5173']);
    expect(csp.get('script-src')).toContain('http://127.0.0.1:5173');
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
    expect([...csp.values()].flat()).not.toContain('*');
  });
});

describe('restoreBounds', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('keeps bounds that are on a display', () => {
    expect(restoreBounds({ x: 100, y: 100, width: 900, height: 700 }, displays)).toEqual({ x: 100, y: 100, width: 900, height: 700 });
  });
  it('drops bounds on a missing monitor or malformed data', () => {
    expect(restoreBounds({ x: 5000, y: 100, width: 900, height: 700 }, displays)).toBeNull();
    expect(restoreBounds({ x: 'a', y: 0, width: 900, height: 700 }, displays)).toBeNull();
    expect(restoreBounds(null, displays)).toBeNull();
  });
});
