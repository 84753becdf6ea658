import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, resolveRendererFile, serveRenderer } from '../../../electron/windows/app-protocol';
import { FakeProtocol } from '../../support/electron/electron-stub';

const root = path.resolve('/opt/app/dist/renderer');

describe('resolveRendererFile', () => {
  it('maps app URLs inside the renderer folder', () => {
    expect(resolveRendererFile(`${APP_ORIGIN}/`, root)).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(`${APP_ORIGIN}/assets/index-1.js`, root)).toBe(path.join(root, 'assets/index-1.js'));
  });
  it.each([`${APP_ORIGIN}/../main/main.js`, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`])(
    'keeps dot segments the URL parser resolves inside the folder: %s',
    (url) => {
      const file = resolveRendererFile(url, root);
      expect(file?.startsWith(root + path.sep)).toBe(true);
    },
  );
  it.each([
    `${APP_ORIGIN}/..%2f..%2fetc/passwd`,
    `${APP_ORIGIN}/a%5c..%5c..%5cx`,
    'app://other-host/index.html',
    'file:///etc/passwd',
    'garbage',
  ])('refuses %s', (url) => {
    expect(resolveRendererFile(url, root)).toBeNull();
  });
});

describe('serveRenderer', () => {
  it('serves files with the strict CSP header and 404s everything else', async () => {
    const protocol = new FakeProtocol();
    serveRenderer(protocol, root, async (file) => {
      if (file === path.join(root, 'index.html')) return new TextEncoder().encode('<html></html>');
      throw new Error('ENOENT');
    });
    const ok = await protocol.request(`${APP_ORIGIN}/index.html`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/html');
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await ok.text()).toBe('<html></html>');
    expect((await protocol.request(`${APP_ORIGIN}/missing.js`)).status).toBe(404);
    expect((await protocol.request(`${APP_ORIGIN}/../../etc/passwd`)).status).toBe(404);
  });
});
